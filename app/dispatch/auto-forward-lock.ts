// The Postgres advisory lock between ingest and switching auto-forward on or off:
// ingest batches take it shared (app/ingest/postgres-batch-writer.server.ts), a
// transaction that switches a target on or off takes it exclusively
// (lockAutoForward in auto-forward.server.ts). Its own module, free of Prisma, so that
// ingest does not load the dispatch code for one number.
export const AUTO_FORWARD_LOCK = 0x686f6f6b6c66; // "hooklf"
