// `hookline seed --events N [--users U] [--days D]`: fills DATABASE_URL with realistic
// deliveries and events for demos and benchmarks (app/seed/seed.server.ts).
import { z } from "zod";

import { DEFAULT_SOURCE_SLUG, ensureDefaultSource, SourceResolver } from "~/sources/sources.server";
import { seedDatabase } from "~/seed/seed.server";
import { CliError, parseOptions, type Command } from "./command";
import { openDatabase } from "./database";
import { formatZod } from "./user";

const count = (name: string, max: number) =>
  z.coerce
    .number({ message: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(0, `${name} must not be negative`)
    .max(max, `${name} is at most ${max.toLocaleString("en")}`);

const SeedInput = z.object({
  events: count("--events", 50_000_000),
  users: count("--users", 10_000_000).min(1, "--users must be at least 1").optional(),
  days: z.coerce.number({ message: "--days must be a number" }).positive("--days must be positive").max(3650).default(14),
  seed: count("--seed", 2 ** 31 - 1).default(1),
  source: z.string().default(DEFAULT_SOURCE_SLUG),
  secret: z.string().regex(/^whsec_[A-Za-z0-9+/]+=*$/, "--secret must be whsec_ followed by base64").optional(),
  heavyUser: z.string().regex(/^user_[A-Za-z0-9]{1,64}$/, "--heavy-user must be a user id such as user_heavy").optional(),
  heavyEvents: count("--heavy-events", 10_000_000).default(10_000),
  batch: count("--batch", 100_000).min(1).optional(),
});

const command: Command = {
  usage:
    "seed --events N [--users U] [--days D] [--seed S] [--source SLUG] [--secret whsec_…] [--heavy-user user_x [--heavy-events 10000]]",
  async run(argv) {
    const { values } = parseOptions(argv, {
      events: { type: "string" },
      users: { type: "string" },
      days: { type: "string" },
      seed: { type: "string" },
      source: { type: "string" },
      secret: { type: "string" },
      "heavy-user": { type: "string" },
      "heavy-events": { type: "string" },
      batch: { type: "string" },
    });
    if (values.events === undefined) throw new CliError(`Usage: hookline ${command.usage}`);
    const parsed = SeedInput.safeParse({
      events: values.events,
      users: values.users,
      days: values.days,
      seed: values.seed,
      source: values.source,
      secret: values.secret,
      heavyUser: values["heavy-user"],
      heavyEvents: values["heavy-events"],
      batch: values.batch,
    });
    if (!parsed.success) throw new CliError(formatZod(parsed.error));
    const input = parsed.data;

    const handle = await openDatabase();
    if (input.source === DEFAULT_SOURCE_SLUG) await ensureDefaultSource(handle.db);
    const source = await new SourceResolver(handle.db, undefined, 0).resolveFresh(input.source);
    if (!source) throw new CliError(`No source "${input.source}". Create it first: npx hookline source create --slug ${input.source}`);
    let secret = input.secret ?? source.secrets[0];
    if (!secret) {
      secret = `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64")}`;
      console.error(`hookline: note: source "${source.slug}" has no secret; deliveries are signed with a random one (re-verification will not accept them).`);
    }

    const total = input.events + (input.heavyUser ? input.heavyEvents : 0);
    console.error(`Seeding ${total.toLocaleString("en")} events into ${handle.provider} (source ${source.slug}, last ${input.days} days)…`);
    let lastPrint = 0;
    const result = await seedDatabase(handle, {
      events: input.events,
      users: input.users,
      days: input.days,
      seed: input.seed,
      sourceId: source.id,
      sourceSlug: source.slug,
      secret,
      heavyUser: input.heavyUser ? { userId: input.heavyUser, events: input.heavyEvents } : undefined,
      batchSize: input.batch,
      onProgress: (p) => {
        if (Date.now() - lastPrint < 1_000 && p.events < p.total) return;
        lastPrint = Date.now();
        const rate = Math.round(p.events / Math.max(0.001, p.elapsedMs / 1000));
        console.error(`  ${p.events.toLocaleString("en")} / ${p.total.toLocaleString("en")} events, ${p.deliveries.toLocaleString("en")} deliveries (${rate.toLocaleString("en")} events/s)`);
      },
    });
    const seconds = result.elapsedMs / 1000;
    console.log(
      `Seeded ${result.events.toLocaleString("en")} events and ${result.deliveries.toLocaleString("en")} deliveries ` +
        `(${result.duplicateDeliveries.toLocaleString("en")} duplicates, ${result.failedDeliveries.toLocaleString("en")} failed verification, ` +
        `${result.outOfOrder.toLocaleString("en")} out of order) for ${result.users.toLocaleString("en")} users in ${seconds.toFixed(1)} s ` +
        `(${Math.round(result.events / Math.max(seconds, 0.001)).toLocaleString("en")} events/s). Search index filled.`,
    );
    await handle.db.$disconnect();
  },
};
export default command;
