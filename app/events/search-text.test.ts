// The search index's text of a payload (payloadSearchText) is what SQLite's json_tree
// gives (every string and number, no keys) over the payload without its masked values:
// Postgres builds its tsvector from that same masked-free JSON (search.server.ts).
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";

import { buildSamples } from "~/catalog/samples";
import { redactEnvelope, typeHasSecrets, withoutMaskedValues } from "./redaction";
import { payloadSearchText } from "./search-text";

const sqlite = new Database(":memory:");
const extract = sqlite.prepare(
  `SELECT group_concat(t."value", ' ') AS "text" FROM json_tree(?) t WHERE t."type" IN ('text', 'integer', 'real')`,
);

describe("payloadSearchText", () => {
  it("gives the text SQLite's json_tree extraction gives, for a sample of every Clerk event type, without masked values", () => {
    const samples = buildSamples("all", { count: 1, seed: 7 });
    expect(samples.length).toBeGreaterThan(40);
    for (const sample of samples) {
      const type = (sample as { type: string }).type;
      const { text } = extract.get(JSON.stringify(withoutMaskedValues(sample))) as { text: string };
      expect(payloadSearchText(JSON.parse(JSON.stringify(sample))), type).toBe(text);
      if (!typeHasSecrets(type)) expect((extract.get(JSON.stringify(sample)) as { text: string }).text, type).toBe(text);
    }
  });

  it("leaves out every value a viewer sees masked: one-time codes and email and SMS bodies", () => {
    for (const type of ["email.created", "sms.created"]) {
      const [sample] = buildSamples(type, { count: 1, seed: 11 });
      const text = payloadSearchText(sample);
      const { paths } = redactEnvelope(type, sample);
      expect(paths.length, type).toBeGreaterThan(0);
      for (const path of paths) {
        const value = path.split(".").reduce<any>((node, key) => node?.[key], sample);
        expect(String(value).length, path).toBeGreaterThan(0);
        expect(text, `${type} ${path}`).not.toContain(String(value));
      }
    }
    const email = {
      object: "event",
      type: "email.created",
      data: {
        to_email_address: "jane@example.com",
        subject: "987654 is your code",
        body: "<p>987654</p>",
        body_plain: "Your code is 987654",
        data: { otp_code: "987654", app: { name: "Acme" } },
      },
    };
    expect(payloadSearchText(email)).toBe("event email.created jane@example.com Acme");
    // Other types keep every value: a field named `code` in a user's metadata is not a one-time code.
    expect(payloadSearchText({ type: "user.created", data: { public_metadata: { code: "987654" } } })).toBe("user.created 987654");
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
