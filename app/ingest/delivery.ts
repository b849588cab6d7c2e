// What ingest hands to storage: the rows of one delivery, and what storing it answers.
// Shared by ingest.server.ts, the group commit and the per-provider batch writers
// (sqlite-batch-writer.server.ts, postgres-batch-writer.server.ts), so none of them
// imports another's module for its types.
import type { Outcome } from "./outcomes";

/** The columns every delivery row has, whatever its outcome. */
export interface DeliveryBase {
  id: string;
  sourceSlug: string;
  receivedAt: Date;
  remoteAddr: string | null;
  requestId: string | null;
  headers: string;
  rawBody: Uint8Array<ArrayBuffer>;
  size: number;
  truncated: boolean;
  svixId: string | null;
  svixTimestamp: string | null;
}

/** A delivery that did not verify (or could not be checked): stored as it is, with no event. */
export type RejectedRow = DeliveryBase & { sourceId: string | null; outcome: Outcome; outcomeDetail: string; status: number };

export interface VerifiedDelivery {
  delivery: DeliveryBase & { sourceId: string };
  sourceId: string;
  svixId: string;
  svixTimestamp: bigint;
  type: string;
  instanceId: string | null;
  timestampMs: number;
  data: Record<string, unknown>;
  /** The whole body as parsed (SQLite ingest indexes its text in the same transaction). */
  json?: unknown;
  detail: string | null;
}

export interface StoredVerified {
  outcome: "verified" | "duplicate";
  eventId: string;
  detail: string | null;
}

/** One delivery to store in a group commit's batch. */
export type Operation = { kind: "rejected"; row: RejectedRow } | { kind: "verified"; input: VerifiedDelivery };

/** Per operation: the stored event for a verified delivery, null for a rejected one. */
export type BatchResult = StoredVerified | null;
