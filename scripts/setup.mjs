// Prepares a checkout to run: writes the per-provider Prisma schemas, generates both
// Prisma clients (offline, JS engine), creates the data directory and applies
// migrations to DATABASE_URL. `npm install` runs the `generate` step; `npm start`,
// `npm run dev` and the tests run all of it.
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
  const tsx = path.join(root, "node_modules/tsx/dist/cli.mjs");
  run(process.execPath, [tsx, "app/cli/main.ts", "migrate"]);
}
