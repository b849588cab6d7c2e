// `npx hookline <command>`: the operator's command line. Each command lives in its own
// module under app/cli/ and calls the same domain functions as the routes and worker.
import { CliError, type Command } from "./command";

const commands: Record<string, () => Promise<{ default: Command }>> = {
  migrate: () => import("./migrate"),
  user: () => import("./user"),
  token: () => import("./token"),
  source: () => import("./source"),
  prune: () => import("./prune"),
  worker: () => import("./worker"),
  send: () => import("./send"),
  seed: () => import("./seed"),
  target: () => import("./target"),
  backup: () => import("./backup"),
};

async function main(argv: string[]) {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    console.log(usage());
    return;
  }
  // `user create`, `token create`: the noun picks the module, the verb is its first argument.
  const load = commands[name];
  if (!load) throw new CliError(`Unknown command "${name}".\n\n${usage()}`);
  const command = (await load()).default;
  await command.run(rest);
}

function usage() {
  return [
    "Usage: npx hookline <command> [options]",
    "",
    "Commands:",
    "  migrate                          apply database migrations to DATABASE_URL",
    "  worker                           run the background worker (dispatch, search index) alone",
    "  user create --email E --role R   create a login (password from HOOKLINE_PASSWORD or stdin)",
    "  token create --name N --role R   create an API token; prints it as the last line",
    "  source create --slug S           add a source at /webhooks/S (secrets on stdin)",
    "  prune [--days N]                 delete what is past retention (HOOKLINE_RETENTION_DAYS)",
    "  send <type|all|prefix.*>         post signed sample events [--url U] [--secret S] [--count N]",
    "                                   [--user ID] [--seed N] [--concurrency N]",
    "  seed --events N [--users U]      fill the database with realistic events for demos and benchmarks",
    "       [--days D] [--heavy-user ID [--heavy-events N]]",
    "  target list                      targets for replays and auto-forward (id, name, url, mode, types)",
    "  target create --name N --url U   add a target [--types user.*] [--auto-forward] [--max-per-second N]",
    "                                   [--concurrency N] [--secret-stdin]; prints its secret as the last line",
    "  backup --to FILE [--force]       consistent copy of the SQLite database while the server runs",
  ].join("\n");
}

main(process.argv.slice(2)).then(
  () => process.exit(process.exitCode ?? 0),
  (error) => {
    if (error instanceof CliError) {
      console.error(`hookline: ${error.message}`);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  },
);
