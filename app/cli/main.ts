// `npx hookline <command>`: the operator's command line. Each command lives in its own
// module under app/cli/ and calls the same domain functions as the routes and worker.
import { EnvError } from "~/config/env.server";
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
  copy: () => import("./copy"),
  listen: () => import("./listen"),
  serve: () => import("./serve"),
  export: () => import("./export"),
};

const HELP_FLAGS = new Set(["--help", "-h"]);

async function main(argv: string[]) {
  const [name, ...rest] = argv;
  // Bare `hookline` is a mistake, not a request for help: say how, and exit 1.
  if (!name) {
    console.error(usage());
    process.exitCode = 1;
    return;
  }
  // `hookline help`, `hookline --help`; `hookline help send` is `hookline send --help`.
  if (name === "help" || HELP_FLAGS.has(name)) {
    const topic = rest[0];
    if (topic && commands[topic]) console.log(commandUsage(topic, (await commands[topic]()).default));
    else console.log(usage());
    return;
  }
  // `user create`, `token create`: the noun picks the module, the verb is its first argument.
  const load = commands[name];
  if (!load) throw new CliError(`Unknown command "${name}".\n\n${usage()}`);
  const command = (await load()).default;
  // NOTE: before the command parses its options, so `--help` never meets parseArgs' strict mode.
  const end = rest.indexOf("--");
  if ((end === -1 ? rest : rest.slice(0, end)).some((arg) => HELP_FLAGS.has(arg))) {
    console.log(commandUsage(name, command));
    return;
  }
  await command.run(rest);
}

function commandUsage(name: string, command: Command): string {
  const lines = [`Usage: npx hookline ${command.usage}`];
  if (name === "user" || name === "token") lines.push("", ROLES_HELP);
  return lines.join("\n");
}

const ROLES_HELP = [
  "Roles:",
  "  viewer     reads everything; one-time codes and message bodies stay masked (support staff)",
  "  operator   also replays, retries, manages targets and reveals masked values (audited)",
  "  admin      also manages accounts, sources, signing secrets and every API token",
].join("\n");

function usage() {
  return [
    "Usage: npx hookline <command> [options]",
    "",
    "Commands:",
    "  serve                            run the production server (builds first when the sources changed)",
    "  migrate                          apply database migrations to DATABASE_URL",
    "  worker                           run the background worker (dispatch, search index) alone",
    "  user create --email E --role R   create a login (password from HOOKLINE_PASSWORD or stdin)",
    "  token create --name N --role R   create an API token; prints it as the last line",
    "  source create --slug S           add a source at /webhooks/S (secrets on stdin)",
    "  prune [--days N]                 delete what is past retention (HOOKLINE_RETENTION_DAYS)",
    "  send <type|all|prefix.*>         post signed sample events [--url U] [--secret S] [--count N]",
    "                                   [--user ID] [--seed N] [--concurrency N]",
    "                                   --url default: http://localhost:$PORT/webhooks/clerk (PORT 3000)",
    "                                   --secret default: CLERK_WEBHOOK_SIGNING_SECRET, else the",
    "                                   development secret `npm start` keeps in data/secrets.json",
    "  seed --events N [--users U]      fill the database with realistic events for demos and benchmarks",
    "       [--days D] [--heavy-user ID [--heavy-events N]]",
    "  target list                      targets for replays and auto-forward (id, name, url, mode, types)",
    "  target create --name N --url U   add a target [--types user.*] [--auto-forward] [--max-per-second N]",
    "                                   [--concurrency N] [--secret-stdin]; prints its secret as the last line",
    "  backup --to FILE [--force]       consistent copy of the SQLite database while the server runs",
    "  copy --from URL --to URL         copy a whole database, SQLite to Postgres or back (resumable, verified)",
    "  listen --url U --token T         stream events from a Hookline to your laptop [--forward-to URL]",
    "                                   [--secret whsec_…] [--types user.*] [--source S] [--since 1h]",
    "  export --out FILE [--format ndjson|csv] [--raw] [--type T] [--from ISO] [--to ISO] [--resource ID] [--q TEXT]",
    "                                   every event of a filter to a file, with a progress bar on stderr",
    "",
    ROLES_HELP,
    "",
    "`npx hookline <command> --help` shows that command's options.",
  ].join("\n");
}

main(process.argv.slice(2)).then(
  () => process.exit(process.exitCode ?? 0),
  (error) => {
    if (error instanceof CliError || error instanceof EnvError) {
      console.error(`hookline: ${error.message}`);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  },
);
