// Start-up step: secrets sealed by an older format (v1: no HKDF, not bound to their
// record) are opened and sealed again as v2 (encryption.server.ts, ADR 0010).
// Idempotent and safe with several instances starting at once: each value is its own
// short write, made only if the column still holds the value that was read.
import type { Db } from "~/db/prisma.server";
import { logger } from "~/observability/logger.server";
import { decryptSecret, DecryptionError, encryptSecret, needsReseal, type SecretBinding } from "./encryption.server";

const BATCH = 50;

interface Column {
  table: SecretBinding["table"];
  field: "secretsEncrypted" | "secretEncrypted" | "headers";
  /** Rows whose value is still v1, after `afterId`, in id order. */
  read(db: Db, afterId: string): Promise<{ id: string; value: string | null }[]>;
  /** Writes `next` only if the value is still `current`; how many rows changed. */
  write(db: Db, id: string, current: string, next: string): Promise<number>;
}

const COLUMNS: Column[] = [
  {
    table: "Source",
    field: "secretsEncrypted",
    read: async (db, afterId) =>
      (
        await db.source.findMany({
          where: { id: { gt: afterId }, secretsEncrypted: { startsWith: "v1:" } },
          orderBy: { id: "asc" },
          take: BATCH,
          select: { id: true, secretsEncrypted: true },
        })
      ).map((row) => ({ id: row.id, value: row.secretsEncrypted })),
    write: async (db, id, current, next) =>
      (await db.source.updateMany({ where: { id, secretsEncrypted: current }, data: { secretsEncrypted: next } })).count,
  },
  {
    table: "Target",
    field: "secretEncrypted",
    read: async (db, afterId) =>
      (
        await db.target.findMany({
          where: { id: { gt: afterId }, secretEncrypted: { startsWith: "v1:" } },
          orderBy: { id: "asc" },
          take: BATCH,
          select: { id: true, secretEncrypted: true },
        })
      ).map((row) => ({ id: row.id, value: row.secretEncrypted })),
    write: async (db, id, current, next) =>
      (await db.target.updateMany({ where: { id, secretEncrypted: current }, data: { secretEncrypted: next } })).count,
  },
  {
    table: "Target",
    field: "headers",
    read: async (db, afterId) =>
      (
        await db.target.findMany({
          where: { id: { gt: afterId }, headers: { startsWith: "v1:" } },
          orderBy: { id: "asc" },
          take: BATCH,
          select: { id: true, headers: true },
        })
      ).map((row) => ({ id: row.id, value: row.headers })),
    write: async (db, id, current, next) => (await db.target.updateMany({ where: { id, headers: current }, data: { headers: next } })).count,
  },
];

export interface ResealResult {
  resealed: number;
  /** Values that do not open with the current key; left as they are (the settings pages say so). */
  unreadable: number;
}

/** Re-seals every v1 value as v2. Values that do not open with this key are left alone. */
export async function resealLegacySecrets(db: Db, encryptionKey?: string): Promise<ResealResult> {
  const result: ResealResult = { resealed: 0, unreadable: 0 };
  for (const column of COLUMNS) {
    let afterId = "";
    for (;;) {
      const rows = await column.read(db, afterId);
      if (rows.length === 0) break;
      for (const { id, value } of rows) {
        afterId = id;
        if (!needsReseal(value)) continue;
        const binding: SecretBinding = { table: column.table, id, field: column.field };
        let plaintext: string;
        try {
          plaintext = decryptSecret(value!, binding, encryptionKey);
        } catch (error) {
          if (!(error instanceof DecryptionError)) throw error;
          result.unreadable++;
          continue;
        }
        result.resealed += await column.write(db, id, value!, encryptSecret(plaintext, binding, encryptionKey));
      }
    }
  }
  if (result.resealed || result.unreadable) logger.info("re-sealed stored secrets as v2", { ...result });
  return result;
}
