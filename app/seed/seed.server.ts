// `hookline seed`: fills a database with realistic deliveries and events, fast, for
// demos and benchmarks. The rows are what ingest would have stored for the same
// requests: raw body bytes of realistic Clerk envelopes (app/catalog/samples.ts),
// every Svix header with a real signature, ids from newId(), resource columns from
// extractResourceRefs(), out-of-order flags by arrival, duplicates (Svix retries) and
// a few deliveries that failed verification. It writes in batches straight through
// the drivers (one prepared-statement transaction per batch on SQLite, `unnest`
// multi-row INSERTs on Postgres), then indexes each batch for search with the
// worker's own indexPendingEvents() right away: going through HTTP ingest and the
// worker loop would take hours for a million events.
import crypto from "node:crypto";

import pg from "pg";

import { extractResourceRefs, isKnownEventType, type ClerkEnvelope } from "~/catalog/event-catalog";
import { buildSampleStory, createSampleContext, sampleEnvelope, SampleRandom, type SampleContext } from "~/catalog/samples";
import { newMessageId } from "~/catalog/sign";
import { newId } from "~/db/ids";
import type { DatabaseHandle } from "~/db/prisma.server";
import { encodeBody, encodeHeaders } from "~/deliveries/body-codec.server";
import { typeHasSecrets, withoutMaskedValues } from "~/events/redaction";
import { indexPendingEvents } from "~/events/search.server";
import { normaliseTimestamp, parseEnvelope } from "~/ingest/envelope";
import { OUTCOME_STATUS, type Outcome } from "~/ingest/outcomes";
import { TOLERANCE_SECONDS } from "~/ingest/signature.server";

export interface SeedOptions {
  /** Events from whole user stories (every catalog type, linked resources). */
  events: number;
  /** Distinct story users; several stories of one user follow each other in time. Default: one per story. */
  users?: number;
  /** Everything lands in the last `days` days. */
  days?: number;
  /** Randomness seed: the same options and seed give the same payloads. */
  seed?: number;
  sourceId: string;
  sourceSlug: string;
  /** Signs the deliveries (so re-verification and replays see real signatures). */
  secret: string;
  /** One long-lived user with this many events on top (user timelines at scale). */
  heavyUser?: { userId: string; events: number };
  /** Share of events that also get a failed delivery (invalid signature, late, malformed...). */
  failedRatio?: number;
  /** Share of events delivered twice (a Svix retry). */
  duplicateRatio?: number;
  /** Share of stories with one pair of events arriving in swapped order. */
  outOfOrderRatio?: number;
  batchSize?: number;
  now?: number;
  onProgress?: (progress: SeedProgress) => void;
}

export interface SeedProgress {
  events: number;
  deliveries: number;
  /** Events planned in total. */
  total: number;
  elapsedMs: number;
}

export interface SeedResult extends SeedProgress {
  failedDeliveries: number;
  duplicateDeliveries: number;
  outOfOrder: number;
  users: number;
  stories: number;
}

interface SeedDelivery {
  id: string;
  sourceId: string | null;
  sourceSlug: string;
  receivedAt: number;
  remoteAddr: string;
  requestId: string;
  headers: string;
  rawBody: Buffer;
  size: number;
  svixId: string | null;
  svixTimestamp: string | null;
  outcome: Outcome;
  outcomeDetail: string | null;
  status: number;
  eventId: string | null;
  duplicate: boolean;
}

interface SeedEvent {
  id: string;
  svixId: string;
  type: string;
  knownType: boolean;
  timestampMs: number;
  svixTimestamp: number;
  instanceId: string | null;
  resourceType: string | null;
  resourceId: string | null;
  userId: string | null;
  organizationId: string | null;
  subscriptionId: string | null;
  payerId: string | null;
  firstReceivedAt: number;
  deliveryCount: number;
  outOfOrder: boolean;
  firstDeliveryId: string;
}

interface Batch {
  events: SeedEvent[];
  deliveries: SeedDelivery[];
}

const DAY = 24 * 60 * 60 * 1000;
const SVIX_ADDRESSES = ["44.228.126.217", "50.112.21.217", "52.24.126.164", "54.148.139.208"];

// ---------------------------------------------------------------------------
// Svix deliveries of one envelope

class DeliveryFactory {
  readonly #key: Buffer;
  readonly #strangerKey = crypto.randomBytes(24);

  constructor(
    secret: string,
    private readonly options: Pick<SeedOptions, "sourceId" | "sourceSlug">,
    private readonly random: SampleRandom,
  ) {
    this.#key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  }

  /** `v1,<base64 HMAC-SHA256 of id.timestamp.body>`, as svix signs. */
  sign(msgId: string, timestampSeconds: number, body: Buffer, key: Buffer = this.#key): string {
    const hmac = crypto.createHmac("sha256", key);
    hmac.update(`${msgId}.${timestampSeconds}.`);
    hmac.update(body);
    return `v1,${hmac.digest("base64")}`;
  }

  headers(msgId: string, timestampSeconds: number | null, signature: string | null, body: Buffer): string {
    const pairs: [string, string][] = [
      ["host", "hookline.example.com"],
      ["user-agent", "Svix-Webhooks/1.62.0 (sender-5zJ6H; +https://www.svix.com/http-sender/)"],
      ["content-length", String(body.length)],
      ["accept", "*/*"],
      ["content-type", "application/json"],
      ["svix-id", msgId],
    ];
    if (timestampSeconds !== null) pairs.push(["svix-timestamp", String(timestampSeconds)]);
    if (signature !== null) pairs.push(["svix-signature", signature]);
    pairs.push(["accept-encoding", "gzip"]);
    return JSON.stringify(pairs);
  }

  delivery(input: {
    msgId: string;
    body: Buffer;
    receivedAt: number;
    signedAt?: number;
    outcome: Outcome;
    detail: string | null;
    eventId: string | null;
    duplicate?: boolean;
    signature?: "right" | "stranger" | "none";
    unknownSource?: string;
  }): SeedDelivery {
    const seconds = Math.floor((input.signedAt ?? input.receivedAt - this.random.int(50, 400)) / 1000);
    const signature =
      input.signature === "none" ? null : this.sign(input.msgId, seconds, input.body, input.signature === "stranger" ? this.#strangerKey : this.#key);
    return {
      id: newId(input.receivedAt),
      sourceId: input.unknownSource ? null : this.options.sourceId,
      sourceSlug: input.unknownSource ?? this.options.sourceSlug,
      receivedAt: input.receivedAt,
      remoteAddr: this.random.pick(SVIX_ADDRESSES),
      requestId: crypto.randomUUID(),
      headers: this.headers(input.msgId, seconds, signature, input.body),
      rawBody: input.body,
      size: input.body.length,
      svixId: input.msgId,
      svixTimestamp: String(seconds),
      outcome: input.outcome,
      outcomeDetail: input.detail,
      status: OUTCOME_STATUS[input.outcome],
      eventId: input.eventId,
      duplicate: input.duplicate ?? false,
    };
  }
}

// ---------------------------------------------------------------------------
// Planning: stories placed in time, one batch at a time

interface PlannedEnvelope {
  envelope: ClerkEnvelope;
  /** When it "arrived". */
  receivedAt: number;
}

/**
 * The heavy user: one long-lived account with many profile changes, sign-ins and
 * messages between `start` and `end` (no deletion), like a real busy user.
 */
function heavyUserEnvelopes(userId: string, count: number, start: number, end: number, seed: number): ClerkEnvelope[] {
  const context: SampleContext = createSampleContext({ seed, now: start, userId });
  const random = context.random;
  const names = ["Jane", "Janet", "J.", "Jane Q.", "Jay"];
  const envelopes: ClerkEnvelope[] = [sampleEnvelope("user.created", context)];
  // 0.95: the random gaps average one step, so the stream ends a little before `end`.
  const step = Math.max(1, Math.floor((0.95 * (end - start)) / Math.max(1, count)));
  let sessionOpen = false;
  while (envelopes.length < count) {
    context.clock += Math.max(1_000, Math.round(step * (0.5 + random.next())));
    const roll = random.next();
    let type: string;
    if (roll < 0.35) {
      type = "user.updated";
      context.user.first_name = random.pick(names);
      context.user.public_metadata = { ...context.user.public_metadata, plan: random.pick(["free", "pro", "business"]), logins: envelopes.length };
    } else if (roll < 0.6 && !sessionOpen) {
      type = "session.created";
      context.session = {
        ...context.session,
        id: random.id("sess_"),
        client_id: random.id("client_"),
        status: "active",
        created_at: context.clock,
        expire_at: context.clock + 7 * DAY,
        abandon_at: context.clock + 30 * DAY,
      };
      context.user.last_sign_in_at = context.clock;
      sessionOpen = true;
    } else if (roll < 0.75 && sessionOpen) {
      type = random.next() < 0.8 ? "session.ended" : "session.removed";
      sessionOpen = false;
    } else if (roll < 0.93) {
      type = "email.created";
    } else {
      type = "sms.created";
    }
    envelopes.push(sampleEnvelope(type, context));
  }
  return envelopes;
}

class SeedPlanner {
  readonly random: SampleRandom;
  readonly stories: number;
  readonly users: number;
  readonly storyLength: number;
  readonly #userIds: string[] = [];
  readonly #windowStart: number;
  readonly #windowEnd: number;
  /** The latest envelope timestamp seen per resource, in arrival order (for outOfOrder). */
  readonly #latest = new Map<string, number>();

  constructor(private readonly options: SeedOptions) {
    this.random = new SampleRandom(options.seed ?? 1);
    const now = options.now ?? Date.now();
    this.#windowEnd = now - 60_000;
    this.#windowStart = this.#windowEnd - (options.days ?? 14) * DAY;
    this.storyLength = buildSampleStory({ seed: 1, now }).length;
    const oneStoryEach = Math.ceil(options.events / this.storyLength);
    this.users = Math.max(1, Math.min(options.users ?? oneStoryEach, oneStoryEach));
    // A user with several stories keeps one user.created and one user.deleted, so stories are 2 events shorter.
    this.stories = this.users < oneStoryEach ? Math.ceil(options.events / (this.storyLength - 2)) : oneStoryEach;
    if (this.users < oneStoryEach) {
      const ids = new SampleRandom((options.seed ?? 1) ^ 0x1234567);
      for (let j = 0; j < this.users; j++) this.#userIds.push(ids.id("user_"));
    }
  }

  /** Story `index`'s envelopes (at most `remaining`), moved into its user's time slot, in arrival order. */
  story(index: number, remaining: number): PlannedEnvelope[] {
    const slotsPerUser = Math.ceil(this.stories / this.users);
    const user = index % this.users;
    const slot = Math.min(Math.floor(index / this.users), slotsPerUser - 1);
    const storiesOfUser = Math.floor((this.stories - 1 - user) / this.users) + 1;
    const slotLength = (this.#windowEnd - this.#windowStart) / slotsPerUser;
    const slotStart = this.#windowStart + slot * slotLength;
    const seed = (this.options.seed ?? 1) * 1_000_003 + index;
    const pinned = this.#userIds[user];
    let envelopes = buildSampleStory({ seed, now: slotStart + slotLength, userId: pinned });
    if (pinned) {
      // One account across several stories: created in its first, deleted in its last.
      envelopes = envelopes.filter(
        (e) => !(e.type === "user.created" && slot > 0) && !(e.type === "user.deleted" && slot < storiesOfUser - 1),
      );
    }
    if (remaining < envelopes.length) envelopes = envelopes.slice(0, Math.max(0, remaining));
    if (envelopes.length === 0) return [];
    // NOTE: a story spans ~55 days; it is compressed to fit its slot. Only the envelope
    // timestamps move (they order everything); timestamps inside `data` keep the sample's.
    const first = envelopes[0]!.timestamp;
    const duration = Math.max(1, envelopes.at(-1)!.timestamp - first);
    const scale = Math.min(1, (0.9 * slotLength) / duration);
    const start = slotStart + this.random.next() * Math.max(0, slotLength - duration * scale);
    return this.#arrive(
      envelopes.map((envelope) => ({ ...envelope, timestamp: Math.round(start + (envelope.timestamp - first) * scale) })),
      this.options.outOfOrderRatio ?? 0.02,
    );
  }

  heavy(userId: string, count: number): PlannedEnvelope[] {
    const envelopes = heavyUserEnvelopes(userId, count, this.#windowStart, this.#windowEnd, (this.options.seed ?? 1) ^ 0x7ea7);
    return this.#arrive(envelopes, 0);
  }

  /** Receive times a second or two after each envelope; sometimes one pair swapped (Svix's any-order delivery). */
  #arrive(envelopes: ClerkEnvelope[], swapRatio: number): PlannedEnvelope[] {
    const planned = envelopes.map((envelope) => ({ envelope, receivedAt: envelope.timestamp + this.random.int(300, 2_500) }));
    if (planned.length > 2 && this.random.next() < swapRatio) {
      const k = this.random.int(0, planned.length - 2);
      const a = planned[k]!;
      const b = planned[k + 1]!;
      [a.receivedAt, b.receivedAt] = [b.receivedAt, a.receivedAt];
      planned.sort((x, y) => x.receivedAt - y.receivedAt);
    }
    return planned;
  }

  /** Ingest's rule: out of order when a later state of the same resource is already stored. */
  outOfOrder(resourceType: string | null, resourceId: string | null, timestampMs: number): boolean {
    if (!resourceType || !resourceId) return false;
    const key = `${resourceType}:${resourceId}`;
    const latest = this.#latest.get(key);
    if (latest === undefined || timestampMs > latest) this.#latest.set(key, timestampMs);
    return latest !== undefined && latest > timestampMs;
  }
}

// ---------------------------------------------------------------------------
// Rows

function rowsFor(planned: PlannedEnvelope[], planner: SeedPlanner, factory: DeliveryFactory, options: SeedOptions, batch: Batch, counts: { failed: number; duplicates: number; outOfOrder: number }) {
  const random = planner.random;
  for (const { envelope, receivedAt } of planned) {
    const body = Buffer.from(JSON.stringify(envelope));
    const msgId = newMessageId();
    const refs = extractResourceRefs(envelope.type, envelope.data);
    const timestampMs = normaliseTimestamp(envelope.timestamp).ms;
    const eventId = newId(receivedAt);
    const first = factory.delivery({ msgId, body, receivedAt, outcome: "verified", detail: null, eventId });
    const outOfOrder = planner.outOfOrder(refs.resourceType, refs.resourceId, timestampMs);
    if (outOfOrder) counts.outOfOrder++;
    const event: SeedEvent = {
      id: eventId,
      svixId: msgId,
      type: envelope.type,
      knownType: isKnownEventType(envelope.type),
      timestampMs,
      svixTimestamp: Number(first.svixTimestamp),
      instanceId: envelope.instance_id ?? null,
      ...refs,
      firstReceivedAt: receivedAt,
      deliveryCount: 1,
      outOfOrder,
      firstDeliveryId: first.id,
    };
    batch.events.push(event);
    batch.deliveries.push(first);

    if (random.next() < (options.duplicateRatio ?? 0.01)) {
      // A Svix retry: same svix-id and body, new timestamp and signature.
      event.deliveryCount = 2;
      batch.deliveries.push(
        factory.delivery({
          msgId,
          body,
          receivedAt: receivedAt + random.int(5_000, 15 * 60_000),
          outcome: "duplicate",
          detail: `Already stored as event ${eventId}`,
          eventId,
          duplicate: true,
        }),
      );
      counts.duplicates++;
    }
    if (random.next() < (options.failedRatio ?? 0.005)) {
      batch.deliveries.push(failedDelivery(factory, random, body, receivedAt + random.int(1_000, 60_000)));
      counts.failed++;
    }
  }
}

/** What usually goes wrong: a wrong secret, a late retry, a proxy dropping headers, a stale endpoint. */
function failedDelivery(factory: DeliveryFactory, random: SampleRandom, body: Buffer, receivedAt: number): SeedDelivery {
  const msgId = newMessageId();
  const roll = random.next();
  if (roll < 0.4) {
    return factory.delivery({ msgId, body, receivedAt, outcome: "invalid_signature", detail: "No configured secret (1) produces a matching v1 signature", eventId: null, signature: "stranger" });
  }
  if (roll < 0.6) {
    const late = random.int(TOLERANCE_SECONDS + 60, 3_600);
    return factory.delivery({
      msgId,
      body,
      receivedAt,
      signedAt: receivedAt - late * 1000,
      outcome: "timestamp_out_of_tolerance",
      detail: `Signature valid, but svix-timestamp is ${late} s old (tolerance ${TOLERANCE_SECONDS} s)`,
      eventId: null,
    });
  }
  if (roll < 0.75) {
    return factory.delivery({ msgId, body, receivedAt, outcome: "missing_headers", detail: "Missing svix-signature", eventId: null, signature: "none" });
  }
  if (roll < 0.85) {
    const cut = body.subarray(0, Math.floor(body.length / 2));
    const parsed = parseEnvelope(cut, receivedAt);
    return factory.delivery({ msgId, body: cut, receivedAt, outcome: "malformed_payload", detail: parsed.ok ? "Not a Clerk envelope" : parsed.detail, eventId: null });
  }
  return factory.delivery({ msgId, body, receivedAt, outcome: "unknown_source", detail: 'No source with slug "clerk-staging-old"', eventId: null, unknownSource: "clerk-staging-old" });
}

// ---------------------------------------------------------------------------
// Writers

interface BatchWriter {
  /** Fills the search index itself (else indexPendingEvents runs after each batch). */
  indexesSearch: boolean;
  write(batch: Batch): Promise<void>;
  close(): Promise<void>;
}

const EVENT_COLUMNS = [
  "id", "sourceId", "svixId", "type", "knownType", "timestampMs", "svixTimestamp", "instanceId", "resourceType", "resourceId",
  "userId", "organizationId", "subscriptionId", "payerId", "firstReceivedAt", "deliveryCount", "outOfOrder",
  "verifiedOutsideTolerance", "firstDeliveryId", "searchIndexed", "forwardScanned",
] as const;
const DELIVERY_COLUMNS = [
  "id", "sourceId", "sourceSlug", "receivedAt", "remoteAddr", "requestId", "headers", "rawBody", "size", "truncated",
  "svixId", "svixTimestamp", "outcome", "outcomeDetail", "status", "eventId", "duplicate",
] as const;
const quoted = (columns: readonly string[]) => columns.map((c) => `"${c}"`).join(", ");

function eventValues(e: SeedEvent, sourceId: string, searchIndexed: boolean) {
  // forwardScanned true: seeded history is not news to auto-forward targets.
  return [
    e.id, sourceId, e.svixId, e.type, e.knownType, e.timestampMs, e.svixTimestamp, e.instanceId, e.resourceType, e.resourceId,
    e.userId, e.organizationId, e.subscriptionId, e.payerId, e.firstReceivedAt, e.deliveryCount, e.outOfOrder,
    false, e.firstDeliveryId, searchIndexed, true,
  ] as const;
}

function deliveryValues(d: SeedDelivery) {
  return [
    d.id, d.sourceId, d.sourceSlug, d.receivedAt, d.remoteAddr, d.requestId, d.headers, d.rawBody, d.size, false,
    d.svixId, d.svixTimestamp, d.outcome, d.outcomeDetail, d.status, d.eventId, d.duplicate,
  ] as const;
}

/**
 * SQLite: the raw better-sqlite3 connection (queued with Prisma's statements by
 * withSqlite), prepared statements, one transaction per batch.
 */
async function sqliteWriter(handle: DatabaseHandle, sourceId: string): Promise<BatchWriter> {
  const run = <T>(fn: (db: import("better-sqlite3").Database) => T): Promise<T> => {
    if (!handle.withSqlite) throw new Error("No SQLite connection");
    return handle.withSqlite(fn);
  };
  const sqliteValue = (value: unknown) => (typeof value === "boolean" ? (value ? 1 : 0) : value);
  const writeBatch = await run((sqlite) => {
    const insertEvent = sqlite.prepare(`INSERT INTO "Event" (${quoted(EVENT_COLUMNS)}) VALUES (${EVENT_COLUMNS.map(() => "?").join(", ")})`);
    // Bodies and headers stored compressed, as ingest stores them on SQLite (ADR 0017).
    const columns = [...DELIVERY_COLUMNS, "bodyEncoding"];
    const insertDelivery = sqlite.prepare(`INSERT INTO "Delivery" (${quoted(columns)}) VALUES (${columns.map(() => "?").join(", ")})`);
    const bodyAt = DELIVERY_COLUMNS.indexOf("rawBody");
    const headersAt = DELIVERY_COLUMNS.indexOf("headers");
    return sqlite.transaction((batch: Batch) => {
      // Events first: deliveries reference them.
      for (const event of batch.events) insertEvent.run(...eventValues(event, sourceId, false).map(sqliteValue));
      for (const delivery of batch.deliveries) {
        const values: unknown[] = deliveryValues(delivery).map(sqliteValue);
        const stored = encodeBody(delivery.rawBody);
        values[bodyAt] = stored.bytes;
        values[headersAt] = encodeHeaders(delivery.headers);
        insertDelivery.run(...values, stored.encoding);
      }
    });
  });
  return {
    indexesSearch: false,
    async write(batch) {
      await run(() => writeBatch(batch));
    },
    async close() {
      // NOTE: no ANALYZE / PRAGMA optimize: a database filled by live ingest has no
      // sqlite_stat1, and sampled statistics (what `optimize` gathers) make SQLite join
      // Event to Source through (sourceId, svixId) and sort a million rows for the first
      // page (8 s instead of 1 ms). Benchmarks must see what production sees.
    },
  };
}

/**
 * The search document of each event of the batch, computed by Postgres exactly as
 * indexPendingEvents() computes it (search.server.ts; seed.integration.test.ts checks
 * they agree). Written in the same transaction as the events, so the events can be
 * inserted as already indexed: flipping `searchIndexed` afterwards would rewrite every
 * index entry of a million Event rows (no HOT update when an indexed column changes).
 */
const POSTGRES_SEARCH_SQL = `
  INSERT INTO "EventSearch" ("eventId", "document")
  SELECT e."id", jsonb_to_tsvector('simple', COALESCE(m."document", convert_from(d."rawBody", 'UTF8'))::jsonb, '["string", "numeric"]')
  FROM "Event" e JOIN "Delivery" d ON d."id" = e."firstDeliveryId"
  LEFT JOIN unnest($2::text[], $3::text[]) AS m("id", "document") ON m."id" = e."id"
  WHERE e."id" = ANY($1::text[])`;

/** $2 and $3 of POSTGRES_SEARCH_SQL: the documents of events with masked values, without them (as the indexer builds them). */
function maskedSearchDocuments(batch: { events: SeedEvent[]; deliveries: SeedDelivery[] }): [string[], string[]] {
  const bodies = new Map(batch.deliveries.map((d) => [d.id, d.rawBody]));
  const ids: string[] = [];
  const documents: string[] = [];
  for (const event of batch.events) {
    const body = typeHasSecrets(event.type) ? bodies.get(event.firstDeliveryId) : undefined;
    if (!body) continue;
    ids.push(event.id);
    documents.push(JSON.stringify(withoutMaskedValues(JSON.parse(body.toString("utf8")) as unknown)));
  }
  return [ids, documents];
}

/** Postgres: `INSERT ... SELECT FROM unnest($1::text[], ...)`, one statement per table per batch. */
async function postgresWriter(handle: DatabaseHandle, sourceId: string): Promise<BatchWriter> {
  const client = new pg.Client({ connectionString: handle.url });
  await client.connect();
  // NOTE: seeding is repeatable, so a crash losing the last batches is acceptable; not
  // waiting for the WAL flush on each batch's commit saves most of the commit time.
  await client.query("SET synchronous_commit = off");
  // Prisma keeps DateTime as UTC in `timestamp(3)` (no zone): send UTC text, not local-time Dates.
  const utc = (ms: number) => new Date(ms).toISOString().slice(0, -1);
  const eventTypes = ["text", "text", "text", "text", "bool", "int8", "int8", "text", "text", "text", "text", "text", "text", "text", "timestamp(3)", "int4", "bool", "bool", "text", "bool", "bool"];
  const deliveryTypes = ["text", "text", "text", "timestamp(3)", "text", "text", "text", "bytea", "int4", "bool", "text", "text", "text", "text", "int4", "text", "bool"];
  const insert = (table: string, columns: readonly string[], types: string[]) =>
    `INSERT INTO "${table}" (${quoted(columns)}) SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(", ")})`;
  const eventSql = insert("Event", EVENT_COLUMNS, eventTypes);
  const deliverySql = insert("Delivery", DELIVERY_COLUMNS, deliveryTypes);
  const columnsOf = (rows: (readonly unknown[])[], width: number) => Array.from({ length: width }, (_, c) => rows.map((row) => row[c]));
  return {
    indexesSearch: true,
    async write(batch) {
      const events = batch.events.map((e) => {
        const values = [...eventValues(e, sourceId, true)] as unknown[];
        values[5] = String(e.timestampMs);
        values[6] = String(e.svixTimestamp);
        values[14] = utc(e.firstReceivedAt);
        return values;
      });
      const deliveries = batch.deliveries.map((d) => {
        const values = [...deliveryValues(d)] as unknown[];
        values[3] = utc(d.receivedAt);
        return values;
      });
      await client.query("BEGIN");
      try {
        if (events.length) await client.query(eventSql, columnsOf(events, EVENT_COLUMNS.length));
        await client.query(deliverySql, columnsOf(deliveries, DELIVERY_COLUMNS.length));
        if (events.length) await client.query(POSTGRES_SEARCH_SQL, [batch.events.map((e) => e.id), ...maskedSearchDocuments(batch)]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      }
    },
    async close() {
      await client.query('ANALYZE "Event"; ANALYZE "Delivery"; ANALYZE "EventSearch"');
      await client.end();
    },
  };
}

// ---------------------------------------------------------------------------

/** Seeds `options.events` story events (plus the heavy user's) with their deliveries. */
export async function seedDatabase(handle: DatabaseHandle, options: SeedOptions): Promise<SeedResult> {
  const started = Date.now();
  const planner = new SeedPlanner(options);
  const factory = new DeliveryFactory(options.secret, options, planner.random);
  const writer = handle.provider === "postgres" ? await postgresWriter(handle, options.sourceId) : await sqliteWriter(handle, options.sourceId);
  const batchSize = options.batchSize ?? (handle.provider === "postgres" ? 2_000 : 5_000);
  const total = options.events + (options.heavyUser?.events ?? 0);
  const counts = { failed: 0, duplicates: 0, outOfOrder: 0 };
  let written = { events: 0, deliveries: 0 };
  let batch: Batch = { events: [], deliveries: [] };
  const progress = () => ({ ...written, total, elapsedMs: Date.now() - started });
  const flush = async () => {
    if (batch.events.length === 0 && batch.deliveries.length === 0) return;
    await writer.write(batch);
    if (!writer.indexesSearch) {
      // The worker's own indexer, on just this batch: searchable exactly as ingested events are.
      while ((await indexPendingEvents(handle, Math.max(batch.events.length, 1))) >= Math.max(batch.events.length, 1));
    }
    written = { events: written.events + batch.events.length, deliveries: written.deliveries + batch.deliveries.length };
    batch = { events: [], deliveries: [] };
    options.onProgress?.(progress());
  };
  try {
    if (options.heavyUser && options.heavyUser.events > 0) {
      const planned = planner.heavy(options.heavyUser.userId, options.heavyUser.events);
      for (let i = 0; i < planned.length; i += batchSize) {
        rowsFor(planned.slice(i, i + batchSize), planner, factory, options, batch, counts);
        await flush();
      }
    }
    const heavyEvents = written.events + batch.events.length;
    for (let index = 0; written.events + batch.events.length - heavyEvents < options.events; index++) {
      rowsFor(planner.story(index, options.events - (written.events + batch.events.length - heavyEvents)), planner, factory, options, batch, counts);
      if (batch.events.length >= batchSize) await flush();
    }
    await flush();
  } finally {
    await writer.close();
  }
  return {
    ...progress(),
    failedDeliveries: counts.failed,
    duplicateDeliveries: counts.duplicates,
    outOfOrder: counts.outOfOrder,
    users: planner.users + (options.heavyUser ? 1 : 0),
    stories: planner.stories,
  };
}
