// What changed between two states of one Clerk resource, by JSON path (DESIGN.md
// "Payload diff of a *.updated event"). The structural diff is microdiff's; this
// module adds what a person reading a Clerk payload needs: readable paths, arrays
// of objects matched by their `id` instead of their position, and a noise filter.
// Browser-safe: pages and the JSON API share it.
import microdiff from "microdiff";

export type ChangeKind = "added" | "removed" | "changed";

export interface PayloadChange {
  /** `data.email_addresses[id=idn_2].email_address`, `data.public_metadata.plan`, `data.tags[0]`. */
  path: string;
  kind: ChangeKind;
  /** Absent for `added`. */
  oldValue?: unknown;
  /** Absent for `removed`. */
  newValue?: unknown;
  /** A field that changes on almost every update (see NOISE_FIELDS). */
  noise: boolean;
}

/**
 * Fields whose change says nothing about what the update was: Clerk bumps them on
 * every write or every request. Matched on the last path segment, anywhere in `data`.
 */
export const NOISE_FIELDS: ReadonlySet<string> = new Set(["updated_at", "last_active_at"]);

// Arrays whose items all carry a distinct string `id` (email addresses, phone numbers,
// external accounts, subscription items...) are compared item by item by id: a new
// email address at position 0 is one added item, not every later item "changed".
const ID_KEY = "\u0000id=";

function keyedById(items: unknown[]): Record<string, unknown> | null {
  if (items.length === 0) return null;
  const keyed: Record<string, unknown> = {};
  for (const item of items) {
    if (!item || typeof item !== "object" || Array.isArray(item)) return null;
    const id = (item as { id?: unknown }).id;
    if (typeof id !== "string" || id === "" || ID_KEY + id in keyed) return null;
    keyed[ID_KEY + id] = item;
  }
  return keyed;
}

/** A copy where id-keyed arrays become objects with marked keys (only when both sides allow it). */
function normalizePair(before: unknown, after: unknown): [unknown, unknown] {
  if (Array.isArray(before) && Array.isArray(after)) {
    const a = keyedById(before);
    const b = keyedById(after);
    // An empty side can be keyed too, as long as the other side is.
    if ((a || before.length === 0) && (b || after.length === 0) && (a || b)) {
      return normalizePair(a ?? {}, b ?? {});
    }
    const length = Math.max(before.length, after.length);
    const left: unknown[] = [];
    const right: unknown[] = [];
    for (let i = 0; i < length; i++) {
      const [l, r] = normalizePair(before[i], after[i]);
      if (i < before.length) left.push(l);
      if (i < after.length) right.push(r);
    }
    return [left, right];
  }
  if (isPlainObject(before) && isPlainObject(after)) {
    const left: Record<string, unknown> = {};
    const right: Record<string, unknown> = {};
    for (const key of Object.keys(before)) {
      const [l, r] = normalizePair(before[key], key in after ? after[key] : undefined);
      left[key] = l;
      if (key in after) right[key] = r;
    }
    for (const key of Object.keys(after)) if (!(key in before)) right[key] = after[key];
    return [left, right];
  }
  return [before, after];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Path segments as one readable string; the same form the JSON tree's "copy path" uses. */
export function formatJsonPath(segments: readonly (string | number)[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (segment.startsWith(ID_KEY)) out += `[id=${segment.slice(ID_KEY.length)}]`;
    else if (IDENTIFIER.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Marked keys (id-keyed arrays) back to what they stood for, for values shown to people. */
function denormalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(denormalize);
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length > 0 && keys.every((key) => key.startsWith(ID_KEY))) return keys.map((key) => denormalize(value[key]));
    return Object.fromEntries(keys.map((key) => [key, denormalize(value[key])]));
  }
  return value;
}

function isNoisePath(segments: readonly (string | number)[]): boolean {
  const last = segments[segments.length - 1];
  return typeof last === "string" && NOISE_FIELDS.has(last);
}

/**
 * The changes from `before` to `after`, each at the deepest path that differs, in a
 * stable order (by path). `basePath` prefixes every path (`["data"]` for envelope data).
 */
export function diffPayloads(before: unknown, after: unknown, basePath: (string | number)[] = []): PayloadChange[] {
  const [left, right] = normalizePair(before, after);
  if (!isContainer(left) || !isContainer(right) || Array.isArray(left) !== Array.isArray(right)) {
    if (Object.is(left, right) || JSON.stringify(left) === JSON.stringify(right)) return [];
    return [{ path: formatJsonPath(basePath), kind: "changed", oldValue: before, newValue: after, noise: false }];
  }
  const changes: PayloadChange[] = microdiff(left, right).map((difference) => {
    const segments = [...basePath, ...difference.path];
    const noise = isNoisePath(segments);
    const path = formatJsonPath(segments);
    switch (difference.type) {
      case "CREATE":
        return { path, kind: "added", newValue: denormalize(difference.value), noise };
      case "REMOVE":
        return { path, kind: "removed", oldValue: denormalize(difference.oldValue), noise };
      default:
        return { path, kind: "changed", oldValue: denormalize(difference.oldValue), newValue: denormalize(difference.value), noise };
    }
  });
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === "object" && value !== null;
}

/** Hides noise changes unless asked for them. */
export function visibleChanges(changes: readonly PayloadChange[], showNoise: boolean): PayloadChange[] {
  return showNoise ? [...changes] : changes.filter((change) => !change.noise);
}

export function summarizeChanges(changes: readonly PayloadChange[]): Record<ChangeKind, number> & { noise: number } {
  const summary = { added: 0, removed: 0, changed: 0, noise: 0 };
  for (const change of changes) {
    summary[change.kind]++;
    if (change.noise) summary.noise++;
  }
  return summary;
}

/** A value as one line of text for diff rows: strings quoted, objects as compact JSON. */
export function formatDiffValue(value: unknown): string {
  if (value === undefined) return "";
  return JSON.stringify(value) ?? String(value);
}
