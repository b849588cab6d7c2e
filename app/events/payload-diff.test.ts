import { describe, expect, it } from "vitest";

import { diffPayloads, formatDiffValue, formatJsonPath, summarizeChanges, visibleChanges } from "./payload-diff";

const user = (overrides: Record<string, unknown> = {}) => ({
  id: "user_2abc",
  object: "user",
  first_name: "Jane",
  last_name: "Doe",
  public_metadata: { plan: "free" },
  email_addresses: [{ id: "idn_1", email_address: "jane@example.com", verification: { status: "verified" } }],
  updated_at: 1700000000000,
  last_active_at: 1700000000000,
  ...overrides,
});

describe("payload diff", () => {
  it("reports a changed field with its old and new value at a readable path", () => {
    const changes = diffPayloads(user(), user({ first_name: "Janet" }), ["data"]);
    expect(changes).toEqual([{ path: "data.first_name", kind: "changed", oldValue: "Jane", newValue: "Janet", noise: false }]);
  });

  it("reports added and removed fields, nested objects included", () => {
    const before = user();
    const after = user({ public_metadata: { tier: "gold" }, username: "jdoe" });
    delete (after as Record<string, unknown>).last_name;
    const changes = diffPayloads(before, after, ["data"]);
    expect(changes).toEqual([
      { path: "data.last_name", kind: "removed", oldValue: "Doe", noise: false },
      { path: "data.public_metadata.plan", kind: "removed", oldValue: "free", noise: false },
      { path: "data.public_metadata.tier", kind: "added", newValue: "gold", noise: false },
      { path: "data.username", kind: "added", newValue: "jdoe", noise: false },
    ]);
  });

  it("matches array items by id, so a new first email address is one addition", () => {
    const before = user();
    const after = user({
      email_addresses: [
        { id: "idn_2", email_address: "work@acme.test", verification: { status: "unverified" } },
        { id: "idn_1", email_address: "jane@example.com", verification: { status: "verified" } },
      ],
    });
    const changes = diffPayloads(before, after, ["data"]);
    expect(changes).toEqual([
      {
        path: "data.email_addresses[id=idn_2]",
        kind: "added",
        newValue: { id: "idn_2", email_address: "work@acme.test", verification: { status: "unverified" } },
        noise: false,
      },
    ]);
    const verified = diffPayloads(after, user({ email_addresses: [{ ...after.email_addresses[0], verification: { status: "verified" } }, after.email_addresses[1]] }), ["data"]);
    expect(verified).toEqual([
      { path: "data.email_addresses[id=idn_2].verification.status", kind: "changed", oldValue: "unverified", newValue: "verified", noise: false },
    ]);
  });

  it("falls back to positions for arrays of plain values", () => {
    const changes = diffPayloads({ tags: ["a", "b"] }, { tags: ["a", "c", "d"] });
    expect(changes.map((c) => [c.path, c.kind, c.oldValue, c.newValue])).toEqual([
      ["tags[1]", "changed", "b", "c"],
      ["tags[2]", "added", undefined, "d"],
    ]);
  });

  it("marks noise fields and hides them unless asked", () => {
    const changes = diffPayloads(user(), user({ first_name: "Janet", updated_at: 1700000009999, last_active_at: 1700000009999 }), ["data"]);
    expect(changes.filter((c) => c.noise).map((c) => c.path)).toEqual(["data.last_active_at", "data.updated_at"]);
    expect(visibleChanges(changes, false).map((c) => c.path)).toEqual(["data.first_name"]);
    expect(visibleChanges(changes, true)).toHaveLength(3);
    expect(summarizeChanges(changes)).toEqual({ added: 0, removed: 0, changed: 3, noise: 2 });
  });

  it("finds nothing between equal states, and a whole-value change between a value and an object", () => {
    expect(diffPayloads(user(), user())).toEqual([]);
    expect(diffPayloads({ a: { b: 1 } }, { a: null })).toEqual([{ path: "a", kind: "changed", oldValue: { b: 1 }, newValue: null, noise: false }]);
    expect(diffPayloads("x", "y", ["data"])).toEqual([{ path: "data", kind: "changed", oldValue: "x", newValue: "y", noise: false }]);
  });

  it("treats a markup-looking value as data", () => {
    const [change] = diffPayloads(user(), user({ first_name: "<img src=x onerror=alert(1)>" }), ["data"]);
    expect(change).toMatchObject({ path: "data.first_name", newValue: "<img src=x onerror=alert(1)>" });
    expect(formatDiffValue(change!.newValue)).toBe('"<img src=x onerror=alert(1)>"');
  });
});

describe("JSON paths", () => {
  it("uses dots for identifiers, brackets for indexes and quoted keys otherwise", () => {
    expect(formatJsonPath(["data", "email_addresses", 0, "email_address"])).toBe("data.email_addresses[0].email_address");
    expect(formatJsonPath(["data", "public_metadata", "weird key", "x-y"])).toBe('data.public_metadata["weird key"]["x-y"]');
    expect(formatJsonPath([0, "a"])).toBe("[0].a");
  });
});
