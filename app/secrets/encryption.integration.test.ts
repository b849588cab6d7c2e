// Secrets at rest: v2 seals under an HKDF-derived key and binds each value to its row
// and column, so a sealed value copied elsewhere does not open; v1 values still open
// and are re-sealed as v2 on start. Real databases of both providers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, PROVIDERS, type TestDatabase } from "../../tests/support/database";
import { createTarget } from "~/dispatch/create-target.server";
import { openHeaders, openTargetSecret, targetWebhook } from "~/dispatch/target.server";
import { startRuntime } from "~/server/runtime.server";
import { createSource, storedSecrets } from "~/sources/sources.server";
import { decryptSecret, DecryptionError, encryptSecret, encryptSecretV1ForTests } from "./encryption.server";
import { resealLegacySecrets } from "./reseal-secrets.server";

const KEY = "test-encryption-key-of-some-length";
const binding = { table: "Target" as const, id: "ctarget1", field: "secretEncrypted" };

describe("sealing secrets", () => {
  it("opens a v2 value only with the same key and the same binding", () => {
    const sealed = encryptSecret("whsec_abc", binding, KEY);
    expect(sealed.startsWith("v2:")).toBe(true);
    expect(decryptSecret(sealed, binding, KEY)).toBe("whsec_abc");
    expect(() => decryptSecret(sealed, binding, `${KEY}-other`)).toThrow(DecryptionError);
    expect(() => decryptSecret(sealed, { ...binding, id: "ctarget2" }, KEY)).toThrow(DecryptionError);
    expect(() => decryptSecret(sealed, { ...binding, field: "headers" }, KEY)).toThrow(DecryptionError);
    expect(() => decryptSecret(sealed, { ...binding, table: "Source" }, KEY)).toThrow(DecryptionError);
  });

  it("still opens v1 values, and only with their key", () => {
    const sealed = encryptSecretV1ForTests("whsec_old", KEY);
    expect(sealed.startsWith("v1:")).toBe(true);
    expect(decryptSecret(sealed, binding, KEY)).toBe("whsec_old");
    expect(() => decryptSecret(sealed, binding, `${KEY}-other`)).toThrow(DecryptionError);
  });

  it("refuses values in no known format", () => {
    expect(() => decryptSecret("v3:a:b:c", binding, KEY)).toThrow(/not in a known format/);
    expect(() => decryptSecret("whsec_plain", binding, KEY)).toThrow(/not in a known format/);
  });
});

describe.each(PROVIDERS)("sealed secrets in the database (%s)", (provider) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
  });
  afterAll(() => database.drop());

  it("binds a target's secret and headers to the target: copied to another target they do not open", async () => {
    const context = { actor: "test", allowlist: null };
    const input = { url: "http://127.0.0.1:9/hook", eventTypes: [], autoForward: false, enabled: true, timeoutMs: 1000, maxPerSecond: null, concurrency: 1 };
    const a = await createTarget(database.db, { ...input, name: "a", headers: { "x-api-key": "key-a" } }, context);
    const b = await createTarget(database.db, { ...input, name: "b", headers: { "x-api-key": "key-b" } }, context);
    const rowA = await database.db.target.findUniqueOrThrow({ where: { id: a.target.id } });
    expect(rowA.secretEncrypted.startsWith("v2:")).toBe(true);
    expect(openTargetSecret(rowA)).toBe(a.secret);
    expect(openHeaders(rowA)).toEqual({ "x-api-key": "key-a" });

    // Someone with write access to the database swaps A's sealed values into B.
    await database.db.target.update({ where: { id: b.target.id }, data: { secretEncrypted: rowA.secretEncrypted, headers: rowA.headers } });
    const rowB = await database.db.target.findUniqueOrThrow({ where: { id: b.target.id } });
    expect(() => targetWebhook(rowB)).toThrow(DecryptionError);
    expect(() => openHeaders(rowB)).toThrow(DecryptionError);
    // A's secret in B's headers column does not open either.
    expect(() => openHeaders({ id: rowA.id, headers: rowA.secretEncrypted })).toThrow(DecryptionError);
  });

  it("binds a source's secrets to the source", async () => {
    const one = await createSource(database.db, { slug: "bound-one", secrets: ["whsec_b25l"] });
    const two = await createSource(database.db, { slug: "bound-two", secrets: ["whsec_dHdv"] });
    expect(storedSecrets(one)).toEqual(["whsec_b25l"]);
    expect(() => storedSecrets({ id: two.id, secretsEncrypted: one.secretsEncrypted })).toThrow(DecryptionError);
  });

  it("re-seals v1 values as v2 on start, once; they still open, and values under another key are left alone", async () => {
    const db = database.db;
    const source = await db.source.create({ data: { id: "clegacysource", slug: "legacy", name: "Legacy", secretsEncrypted: encryptSecretV1ForTests(JSON.stringify(["whsec_bGVnYWN5"])) } });
    const target = await db.target.create({
      data: {
        id: "clegacytarget",
        name: "legacy",
        url: "http://127.0.0.1:9/hook",
        secretEncrypted: encryptSecretV1ForTests("whsec_dGFyZ2V0"),
        headers: encryptSecretV1ForTests(JSON.stringify({ authorization: "Bearer legacy" })),
      },
    });
    const foreign = await db.source.create({ data: { slug: "foreign", name: "Foreign", secretsEncrypted: encryptSecretV1ForTests(JSON.stringify(["whsec_x"]), "another-key") } });

    await startRuntime({ databaseUrl: database.url, database, defaultSecrets: () => [], maxBodyBytes: 1 << 20 });

    const resealedSource = await db.source.findUniqueOrThrow({ where: { id: source.id } });
    const resealedTarget = await db.target.findUniqueOrThrow({ where: { id: target.id } });
    expect(resealedSource.secretsEncrypted!.startsWith("v2:")).toBe(true);
    expect(resealedTarget.secretEncrypted.startsWith("v2:")).toBe(true);
    expect(resealedTarget.headers.startsWith("v2:")).toBe(true);
    expect(storedSecrets(resealedSource)).toEqual(["whsec_bGVnYWN5"]);
    expect(openTargetSecret(resealedTarget)).toBe("whsec_dGFyZ2V0");
    expect(openHeaders(resealedTarget)).toEqual({ authorization: "Bearer legacy" });
    // Bound now: the re-sealed value does not open in another row.
    expect(() => storedSecrets({ id: "cother", secretsEncrypted: resealedSource.secretsEncrypted })).toThrow(DecryptionError);
    // Sealed under another key: not readable, left as it was.
    expect((await db.source.findUniqueOrThrow({ where: { id: foreign.id } })).secretsEncrypted).toBe(foreign.secretsEncrypted);

    // Idempotent: nothing left to do, nothing rewritten.
    expect(await resealLegacySecrets(db)).toEqual({ resealed: 0, unreadable: 1 });
    expect((await db.target.findUniqueOrThrow({ where: { id: target.id } })).secretEncrypted).toBe(resealedTarget.secretEncrypted);
  });
});
