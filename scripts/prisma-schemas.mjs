// Writes one schema per provider from prisma/schema.prisma, the single data model.
// Usage: node scripts/prisma-schemas.mjs [--check]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const source = fs.readFileSync(path.join(root, "prisma/schema.prisma"), "utf8");
const check = process.argv.includes("--check");
let stale = [];

for (const provider of ["sqlite", "postgresql"]) {
  const dir = provider === "postgresql" ? "postgres" : "sqlite";
  const text =
    `// GENERATED from prisma/schema.prisma by scripts/prisma-schemas.mjs. Do not edit.\n` +
    source.replaceAll('"PROVIDER"', `"${provider}"`).replaceAll("generated/PROVIDER", `generated/${dir}`);
  const file = path.join(root, "prisma", dir, "schema.prisma");
  const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  if (current === text) continue;
  if (check) stale.push(file);
  else {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
}
if (stale.length) {
  console.error(`Out of date (run npm run db:schemas): ${stale.join(", ")}`);
  process.exit(1);
}
