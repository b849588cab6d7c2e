// How a delivery's raw body and headers are stored (ADR 0017). `Delivery.bodyEncoding`
// names the form of `Delivery.rawBody` and `Delivery.headers`:
//   null  as received, not compacted yet: what ingest writes (Postgres keeps it so);
//   0     as received, compacted: compressing did not make it smaller;
//   1     the body as raw deflate (level 6) with the frozen preset dictionary
//         BODY_DICTIONARY_1; the headers either as their JSON or, when it starts with
//         "~1", base64 of that JSON deflated with HEADERS_DICTIONARY_1 (JSON never
//         starts so, so decodeHeaders needs no column).
// The worker compacts SQLite's deliveries a while after they arrive
// (compact-bodies.server.ts). Every reader of a stored body goes through decodeBody(), of
// stored headers through decodeHeaders(); SQL on SQLite uses
// `hookline_body(rawBody, bodyEncoding)` and `hookline_headers(headers)`, which every
// connection registers (app/db/sqlite-pragmas.ts). Postgres stores both as received (its
// TOAST already compresses big values, and its SQL reads bodies as text); `hookline copy`
// hands it both decoded.
import crypto from "node:crypto";
import zlib from "node:zlib";

import { BODY_DICTIONARY_1, BODY_DICTIONARY_1_SHA256, HEADERS_DICTIONARY_1, HEADERS_DICTIONARY_1_SHA256 } from "./body-dictionary";

export const BODY_AS_RECEIVED = 0;
export const BODY_DEFLATE_1 = 1;

function frozen(text: string, sha256: string): Buffer {
  const bytes = Buffer.from(text, "latin1");
  // Stored values could no longer be read back: refuse to start rather than corrupt.
  if (crypto.createHash("sha256").update(bytes).digest("hex") !== sha256) {
    throw new Error("app/deliveries/body-dictionary.ts was edited; stored bodies and headers need its original bytes");
  }
  return bytes;
}
const dictionary = frozen(BODY_DICTIONARY_1, BODY_DICTIONARY_1_SHA256);
const headersDictionary = frozen(HEADERS_DICTIONARY_1, HEADERS_DICTIONARY_1_SHA256);

/** What compresses a body (also handed to the ingest's compression thread). */
export const DEFLATE_1_OPTIONS = { level: 6, dictionary } as const;
/** What compresses a headers JSON. */
export const HEADERS_DEFLATE_1_OPTIONS = { level: 6, dictionary: headersDictionary } as const;
/** The prefix of compressed headers. */
export const HEADERS_DEFLATE_1_PREFIX = "~1";

/** The largest body decodeBody() inflates: more than any body ingest keeps. */
const MAX_DECODED_BYTES = 64 * 1024 * 1024;

export interface EncodedBody {
  bytes: Buffer;
  encoding: number;
}

/**
 * Picks the stored form from a compressed candidate: the compressed bytes when they are
 * smaller, else the body as received (tiny or incompressible bodies).
 */
export function chooseEncoding(raw: Uint8Array, packed: Uint8Array | null): EncodedBody {
  if (packed && packed.byteLength < raw.byteLength) {
    return { bytes: Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength), encoding: BODY_DEFLATE_1 };
  }
  return { bytes: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), encoding: BODY_AS_RECEIVED };
}

/** Compresses on this thread (seed, tests); the worker compresses on a thread of its own (body-packer.server.ts). */
export function encodeBody(raw: Uint8Array): EncodedBody {
  return chooseEncoding(raw, raw.byteLength === 0 ? null : zlib.deflateRawSync(raw, DEFLATE_1_OPTIONS));
}

/** The body's bytes exactly as received. Throws on an encoding this build does not know. */
export function decodeBody(stored: Uint8Array, encoding: number | bigint | null | undefined): Buffer {
  const form = Number(encoding ?? BODY_AS_RECEIVED);
  if (form === BODY_AS_RECEIVED) return Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  if (form === BODY_DEFLATE_1) return zlib.inflateRawSync(stored, { dictionary, maxOutputLength: MAX_DECODED_BYTES });
  throw new Error(`Unknown body encoding ${form}; this Hookline is older than the database`);
}

/** The columns a Prisma read of a stored body selects; pass the row to bodyOf(). */
export const STORED_BODY = { rawBody: true, bodyEncoding: true } as const;

/** A row read with STORED_BODY, as received. */
export function bodyOf(row: { rawBody: Uint8Array; bodyEncoding: number | null }): Buffer {
  return decodeBody(row.rawBody, row.bodyEncoding);
}

/** Picks the stored headers: the compressed form (HEADERS_DEFLATE_1_PREFIX + base64) when it is shorter. */
export function chooseHeaders(json: string, packed: string | null): string {
  return packed !== null && packed.length < json.length ? packed : json;
}

/** Compresses on this thread (seed, tests). */
export function encodeHeaders(json: string): string {
  return chooseHeaders(json, HEADERS_DEFLATE_1_PREFIX + zlib.deflateRawSync(json, HEADERS_DEFLATE_1_OPTIONS).toString("base64"));
}

/** Stored headers as the JSON of their pairs (parseStoredHeaders reads it). */
export function decodeHeaders(stored: string): string {
  if (!stored.startsWith(HEADERS_DEFLATE_1_PREFIX)) return stored;
  const packed = Buffer.from(stored.slice(HEADERS_DEFLATE_1_PREFIX.length), "base64");
  return zlib.inflateRawSync(packed, { dictionary: headersDictionary, maxOutputLength: MAX_DECODED_BYTES }).toString("utf8");
}
