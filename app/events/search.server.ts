// Full-text search over event payloads. The index is built off the ingest path: the
// worker loop calls indexPendingEvents() every second, so a new event is searchable
// about a second after it arrives. Raw SQL, one branch per provider (ADR 0002).
import { Prisma } from "~/generated/sqlite/client";
import type { DatabaseHandle } from "~/db/prisma.server";

/** Text is capped per event so one huge payload cannot bloat the index. */
const MAX_INDEXED_CHARS = 64 * 1024;

/** The words worth finding: every string and number value, and object keys of metadata. */
export function searchableText(payload: unknown): string {
  const parts: string[] = [];
  let length = 0;
  const visit = (value: unknown, depth: number) => {
    if (length > MAX_INDEXED_CHARS || depth > 64) return;
    if (typeof value === "string" || typeof value === "number") {
      const text = String(value);
      parts.push(text);
      length += text.length + 1;
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
    } else if (value && typeof value === "object") {
      for (const item of Object.values(value)) visit(item, depth + 1);
    }
  };
  visit(payload, 0);
  return parts.join(" ").slice(0, MAX_INDEXED_CHARS);
}

/** An FTS5 phrase: the user's words, in order, with no query syntax of their own. */
function ftsPhrase(q: string): string {
  return `"${q.replaceAll('"', '""')}"`;
}

/** SQL condition on `e` (the Event alias): its payload contains the words of `q`, in order. */
export function searchCondition(provider: DatabaseHandle["provider"], q: string): Prisma.Sql {
  if (provider === "postgres") {
    return Prisma.sql`e."id" IN (SELECT s."eventId" FROM "EventSearch" s WHERE s."document" @@ phraseto_tsquery('simple', ${q}))`;
  }
  return Prisma.sql`e."id" IN (SELECT k."eventId" FROM "EventSearchKey" k WHERE k."rowid" IN (SELECT "rowid" FROM "EventSearch" WHERE "EventSearch" MATCH ${ftsPhrase(q)}))`;
}

/** Indexes up to `limit` events not yet in the index; returns how many it indexed. */
export async function indexPendingEvents(handle: DatabaseHandle, limit = 500): Promise<number> {
  const { db } = handle;
  const pending = await db.event.findMany({
    where: { searchIndexed: false },
    select: { id: true, firstDeliveryId: true },
    take: limit,
  });
  if (pending.length === 0) return 0;
  const bodies = await db.delivery.findMany({
    where: { id: { in: pending.map((e) => e.firstDeliveryId) } },
    select: { id: true, rawBody: true },
  });
  const bodyById = new Map(bodies.map((b) => [b.id, b.rawBody]));
  const documents = pending.map((event) => {
    const raw = bodyById.get(event.firstDeliveryId);
    let text = "";
    try {
      text = raw ? searchableText(JSON.parse(Buffer.from(raw).toString("utf8"))) : "";
    } catch {
      text = "";
    }
    return { id: event.id, text };
  });
  await db.$transaction(async (tx) => {
    for (const { id, text } of documents) {
      if (handle.provider === "postgres") {
        await tx.$executeRaw`INSERT INTO "EventSearch" ("eventId", "document") VALUES (${id}, to_tsvector('simple', ${text})) ON CONFLICT ("eventId") DO NOTHING`;
      } else {
        const inserted = await tx.$executeRaw`INSERT OR IGNORE INTO "EventSearchKey" ("eventId") VALUES (${id})`;
        if (inserted) {
          await tx.$executeRaw`INSERT INTO "EventSearch" ("rowid", "body") SELECT "rowid", ${text} FROM "EventSearchKey" WHERE "eventId" = ${id}`;
        }
      }
    }
    await tx.event.updateMany({ where: { id: { in: documents.map((d) => d.id) } }, data: { searchIndexed: true } });
  });
  return documents.length;
}

/** Removes pruned events from the index. */
export async function removeFromSearch(handle: DatabaseHandle, eventIds: string[]) {
  if (eventIds.length === 0) return;
  const ids = Prisma.join(eventIds);
  if (handle.provider === "postgres") {
    await handle.db.$executeRaw`DELETE FROM "EventSearch" WHERE "eventId" IN (${ids})`;
  } else {
    await handle.db.$executeRaw`DELETE FROM "EventSearch" WHERE "rowid" IN (SELECT "rowid" FROM "EventSearchKey" WHERE "eventId" IN (${ids}))`;
    await handle.db.$executeRaw`DELETE FROM "EventSearchKey" WHERE "eventId" IN (${ids})`;
  }
}
