// `npx hookline serve`: the production server, as `npm start` runs it. Builds first when
// the build is missing or older than the sources (scripts/build.mjs --if-stale), then
// runs the compiled server in this process: no TypeScript loader, and SIGTERM reaches
// its graceful shutdown directly.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";

import { PROJECT_ROOT } from "~/db/migrate.server";
import { CliError, parseOptions, type Command } from "./command";

const command: Command = {
  usage: "serve   (builds when the sources changed, then runs the compiled server; PORT, HOST, ...)",
  async run(argv) {
    const { values } = parseOptions(argv, { help: { type: "boolean", short: "h" } });
    if (values.help) {
      console.log(`Usage: npx hookline ${command.usage}`);
      return;
    }
    const build = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "scripts/build.mjs"), "--if-stale", "--quiet"], {
      cwd: PROJECT_ROOT,
      stdio: "inherit",
    });
    if (build.status !== 0) throw new CliError("the build failed; see above.");
    // A path known only at run time: the compiled CLI must not bundle the server again.
    await import(pathToFileURL(path.join(PROJECT_ROOT, "build/hookline/server.js")).href);
    // The server runs until it exits itself (SIGTERM, SIGINT); main() must not exit first.
    await new Promise<never>(() => {});
  },
};
export default command;
