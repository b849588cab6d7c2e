// Ingest on SQLite indexes an event's text from the JSON it parsed (payloadSearchText);
// the worker indexes the others with SQLite's json_tree. Both must give the same text.
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";

import { buildSamples } from "~/catalog/samples";
import { payloadSearchText } from "./search-text";

const sqlite = new Database(":memory:");
const extract = sqlite.prepare(
  `SELECT group_concat(t."value", ' ') AS "text" FROM json_tree(?) t WHERE t."type" IN ('text', 'integer', 'real')`,
);

describe("payloadSearchText", () => {
  it("gives the text SQLite's json_tree extraction gives, for a sample of every Clerk event type", () => {
    const samples = buildSamples("all", { count: 1, seed: 7 });
    expect(samples.length).toBeGreaterThan(40);
    for (const sample of samples) {
      const body = JSON.stringify(sample);
      const { text } = extract.get(body) as { text: string };
      expect(payloadSearchText(JSON.parse(body)), (sample as { type: string }).type).toBe(text);
    }
  });

  it("keeps strings and numbers in document order, nested in arrays and objects, and drops keys, booleans and nulls", () => {
    const json = { b: "second", a: [1, { deep: "x", no: null, yes: true }], n: 2.5, object: "event" };
    expect(payloadSearchText(json)).toBe("second 1 x 2.5 event");
    expect(payloadSearchText(json)).toBe((extract.get(JSON.stringify(json)) as { text: string }).text);
  });

  it("caps the text of a huge payload at 64 Ki characters", () => {
    const text = payloadSearchText({ data: Array.from({ length: 5_000 }, (_, i) => `word${i}-${"z".repeat(20)}`) });
    expect(text.length).toBe(64 * 1024);
  });
});
