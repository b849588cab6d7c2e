// The development secret (env.server.ts, generatedSigningSecret) verifies deliveries to
// the default source only while nothing more deliberate is configured: the environment
// wins, then secrets stored in Settings, then the generated one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, PROVIDERS, type TestDatabase } from "../../tests/support/database";
import { newSecret } from "../../tests/support/svix";
import { listSourceSettings } from "./source-settings.server";
import { DEFAULT_SOURCE_SLUG, ensureDefaultSource, setSourceSecrets, SourceResolver } from "./sources.server";

const GENERATED = newSecret();
const STORED = newSecret();
const FROM_ENV = newSecret();

describe.each(PROVIDERS)("the generated development secret (%s)", (provider) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
    await ensureDefaultSource(database.db);
  });
  afterAll(() => database.drop());

  it("is the clerk source's secret when neither the environment nor Settings gives one, and only the clerk source's", async () => {
    const resolver = new SourceResolver(database.db, () => [], 0, () => [GENERATED]);
    expect((await resolver.resolve(DEFAULT_SOURCE_SLUG))?.secrets).toEqual([GENERATED]);
    await database.db.source.create({ data: { slug: "dev", name: "dev" } });
    expect((await resolver.resolve("dev"))?.secrets).toEqual([]);
    const [clerk] = await listSourceSettings(database.db, [], GENERATED);
    expect(clerk!.secrets.origin).toBe("generated");
  });

  it("gives way to a secret stored in Settings, and to CLERK_WEBHOOK_SIGNING_SECRET", async () => {
    await setSourceSecrets(database.db, DEFAULT_SOURCE_SLUG, [STORED]);
    expect((await new SourceResolver(database.db, () => [], 0, () => [GENERATED]).resolve(DEFAULT_SOURCE_SLUG))?.secrets).toEqual([STORED]);
    expect((await new SourceResolver(database.db, () => [FROM_ENV], 0, () => [GENERATED]).resolve(DEFAULT_SOURCE_SLUG))?.secrets).toEqual([FROM_ENV]);
    const [clerk] = await listSourceSettings(database.db, [], GENERATED);
    expect(clerk!.secrets.origin).toBe("stored");
  });
});
