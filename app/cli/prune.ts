import { z } from "zod";

import { env } from "~/config/env.server";
import { pruneOlderThan } from "~/retention/prune.server";
import { CliError, parseOptions, type Command } from "./command";
import { openDatabase } from "./database";

const command: Command = {
  usage: "prune [--days N]   (default HOOKLINE_RETENTION_DAYS)",
  async run(argv) {
    const { values } = parseOptions(argv, { days: { type: "string" } });
    const days = z.coerce.number().int().positive().safeParse(values.days ?? env().HOOKLINE_RETENTION_DAYS);
    if (!days.success) throw new CliError("--days must be a whole number of days, at least 1.");
    // A large prune takes minutes (in small batches, so ingest keeps going): say where it is.
    const started = Date.now();
    let lastReport = started;
    const result = await pruneOlderThan(await openDatabase(), days.data, new Date(), ({ table, deleted }) => {
      if (Date.now() - lastReport < 10_000) return;
      lastReport = Date.now();
      console.error(`hookline: pruning ${table}: ${deleted.toLocaleString("en")} so far (${Math.round((Date.now() - started) / 1000)} s)`);
    });
    console.log(
      `Pruned what was received before ${result.cutoff.toISOString()}: ${result.events} events, ${result.deliveries} deliveries, ${result.attempts} dispatch attempts.`,
    );
  },
};
export default command;
