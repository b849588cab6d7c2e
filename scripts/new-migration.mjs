// Writes a new migration for both providers from the change in prisma/schema.prisma.
//   npm run db:migration -- add_something
// Each migration directory keeps the schema it brings the database to
// (schema.snapshot.prisma), so the next diff starts from exactly there. Uses
// `prisma migrate diff`, which runs offline with the JS engine (ADR 0002).
import { spawnSync } from "node:child_process";
import fs from "node:fs";

import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("Usage: npm run db:migration -- <snake_case_name>");
  process.exit(2);
}
spawnSync(process.execPath, [path.join(root, "scripts/prisma-schemas.mjs")], { stdio: "inherit" });

// Prisma's SQLite adapter opens the diff's database file; on a fresh clone its folder
// does not exist yet ("External error id#0").
fs.mkdirSync(path.join(root, "data"), { recursive: true });
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const urls = { sqlite: "file:./data/hookline.db", postgres: "postgresql://postgres@127.0.0.1:5432/postgres" };
let wrote = 0;
for (const provider of ["sqlite", "postgres"]) {
  const dir = path.join(root, "prisma", provider, "migrations");
  const last = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort().at(-1);
  const schema = path.join(root, "prisma", provider, "schema.prisma");
  const from = last ? ["--from-schema-datamodel", path.join(dir, last, "schema.snapshot.prisma")] : ["--from-empty"];
  const result = spawnSync(
    process.execPath,
    [path.join(root, "node_modules/prisma/build/index.js"), "migrate", "diff", ...from, "--to-schema-datamodel", schema, "--script"],
    { cwd: root, encoding: "utf8", env: { ...process.env, DATABASE_URL: urls[provider] } },
  );
  if (result.status !== 0) {
    console.error(result.stderr);
    process.exit(1);
  }
  const sql = result.stdout.trim();
  if (!sql || sql === "-- This is an empty migration.") {
    console.log(`${provider}: no change`);
    continue;
  }
  const target = path.join(dir, `${stamp}_${name}`);
  fs.mkdirSync(target, { recursive: true });
  fs.writeFileSync(path.join(target, "migration.sql"), sql + "\n");
  fs.copyFileSync(schema, path.join(target, "schema.snapshot.prisma"));
  console.log(`${provider}: wrote ${path.relative(root, target)}/migration.sql`);
  wrote++;
}
if (wrote) console.log(`Review the SQL (raw SQL such as full-text indexes can be appended by hand), then commit.`);

