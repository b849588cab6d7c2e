// `hookline target list | create`: targets from the command line, through the same
// use cases as /targets and the API. The secret of a new target is printed once,
// as the last line.
import { currentAllowlist } from "~/dispatch/dispatch-config.server";
import { createTarget } from "~/dispatch/create-target.server";
import { DispatchInputError } from "~/dispatch/dispatch-errors";
import { splitTypeList, TargetCreateSchema } from "~/dispatch/target-input";
import { listTargets, toApiTarget } from "~/dispatch/target.server";
import { CliError, parseOptions, type Command } from "./command";
import { openDatabase, readStdin } from "./database";
import { formatZod } from "./user";

const USAGE =
  "target list | target create --name N --url U [--types user.*,session.created] [--auto-forward] [--max-per-second N] [--concurrency N] [--timeout-ms N] [--secret-stdin]";

const command: Command = {
  usage: `${USAGE}   (create prints the signing secret as its last line)`,
  async run(argv) {
    const { values, positionals } = parseOptions(argv, {
      name: { type: "string" },
      url: { type: "string" },
      types: { type: "string" },
      "auto-forward": { type: "boolean" },
      "max-per-second": { type: "string" },
      concurrency: { type: "string" },
      "timeout-ms": { type: "string" },
      "secret-stdin": { type: "boolean" },
    });
    const { db } = await openDatabase();
    if (positionals[0] === "list") {
      for (const row of await listTargets(db)) {
        const t = toApiTarget(row);
        console.log([t.id, t.name, t.url, t.enabled ? (t.autoForward ? "auto-forward" : "replays only") : "disabled", t.eventTypes.join(",") || "*"].join("\t"));
      }
      return;
    }
    if (positionals[0] !== "create") throw new CliError(`Usage: hookline ${USAGE}`);
    const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
    const parsed = TargetCreateSchema.safeParse({
      name: values.name ?? "",
      url: values.url ?? "",
      secret: values["secret-stdin"] ? (await readStdin()).trim() : undefined,
      eventTypes: splitTypeList(values.types ?? ""),
      autoForward: values["auto-forward"] ?? false,
      maxPerSecond: number(values["max-per-second"]) ?? null,
      concurrency: number(values.concurrency),
      timeoutMs: number(values["timeout-ms"]),
    });
    if (!parsed.success) throw new CliError(formatZod(parsed.error));
    try {
      const created = await createTarget(db, parsed.data, { actor: "cli", allowlist: currentAllowlist() });
      console.error(`Created target "${created.target.name}" (${created.target.id}). Its signing secret is shown once; store it now.`);
      console.log(created.secret);
    } catch (error) {
      if (error instanceof DispatchInputError) throw new CliError(error.message);
      throw error;
    }
  },
};
export default command;
