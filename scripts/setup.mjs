// Prepares a checkout to run: writes the per-provider Prisma schemas, generates both
// Prisma clients (offline, JS engine), creates the data directory and applies
// migrations to DATABASE_URL. `npm install` and `npm run build` run the `generate`
// step; `npm run setup` and `npm run dev` run all of it. (`npm start` builds, and the
// server applies the migrations itself on start.)
//
//   node scripts/setup.mjs            generate + migrate
//   node scripts/setup.mjs generate   generate only
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const step = process.argv[2] ?? "all";

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function generate() {
  run(process.execPath, ["scripts/prisma-schemas.mjs"]);
  const prismaCli = path.join(root, "node_modules/prisma/build/index.js");
  // The URL only selects the provider in prisma.config.ts; generate never connects.
  const targets = [
    ["sqlite", "file:./data/hookline.db"],
    ["postgres", "postgresql://localhost/hookline"],
  ];
  for (const [provider, url] of targets) {
    const schema = path.join(root, "prisma", provider, "schema.prisma");
    const stamp = path.join(root, "app/generated", provider, ".schema-stamp");
    const wanted = fs.readFileSync(schema, "utf8");
    if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === wanted) continue;
    run(process.execPath, [prismaCli, "generate", "--schema", schema], {
      DATABASE_URL: url,
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
    });
    fs.writeFileSync(stamp, wanted);
  }
}

generate();
if (step !== "generate") {
  // The compiled CLI when the build is current, else the TypeScript through tsx (bin/hookline.js).
  run(process.execPath, [path.join(root, "bin/hookline.js"), "migrate"]);
}
