// Errors that mean "the database is busy or out of reach right now", not "this request
// is wrong": SQLite's lock still taken after the busy timeout (app/db/write-gate.ts),
// Prisma's transaction and pool time-outs, a Postgres that is down or restarting.
// Callers answer 503 with Retry-After, so a client tries again instead of giving up.
import { isBusy } from "./write-gate";

const PRISMA_UNAVAILABLE = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028"]);
const NETWORK_UNAVAILABLE = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "57P01", "57P03", "53300"]);

export function isDatabaseUnavailable(error: unknown): boolean {
  if (isBusy(error)) return true;
  const e = error as { code?: unknown; errorCode?: unknown; cause?: { code?: unknown; originalCode?: unknown; kind?: unknown } } | null;
  const code = typeof e?.code === "string" ? e.code : typeof e?.errorCode === "string" ? e.errorCode : null;
  if (code && (PRISMA_UNAVAILABLE.has(code) || NETWORK_UNAVAILABLE.has(code))) return true;
  const cause = e?.cause;
  if (cause && (cause.kind === "SocketTimeout" || cause.kind === "DatabaseNotReachable" || NETWORK_UNAVAILABLE.has(String(cause.originalCode ?? cause.code)))) return true;
  return false;
}
