// Delivery.headers holds every request header as JSON [name, value] pairs in arrival
// order, duplicates kept (ADR 0001). Browser-safe.

/** Parses header pairs as stored by ingest; anything else reads as no headers. */
export function parseStoredHeaders(stored: string): [string, string][] {
  try {
    const value: unknown = JSON.parse(stored);
    if (Array.isArray(value)) {
      return value.filter((pair): pair is [string, string] => Array.isArray(pair) && pair.length === 2).map(([n, v]) => [String(n), String(v)]);
    }
    if (value && typeof value === "object") {
      return Object.entries(value as Record<string, unknown>).flatMap(([name, v]) =>
        Array.isArray(v) ? v.map((item) => [name, String(item)] as [string, string]) : [[name, String(v)] as [string, string]],
      );
    }
  } catch {
    // fall through
  }
  return [];
}
