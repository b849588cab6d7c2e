// /targets/:id's "Retry everything that failed" form as a browser posts it. The field is
// typed as UTC in the 24-hour form every page shows (UtcDateTimeInput), and the retry
// job starts from exactly that instant, whatever the server's or browser's zone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PROVIDERS } from "../../tests/support/database";
import { setupRouteTest, type RouteTestContext } from "../../tests/support/routes";
import * as targetPage from "~/routes/targets.$id";
import { createTarget } from "./create-target.server";
import { TargetCreateSchema } from "./target-input";

type Handler = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<unknown>;

async function call(handler: unknown, request: Request, params: Record<string, string>): Promise<Response> {
  try {
    const result = await (handler as Handler)({ request, params, context: {} });
    return result instanceof Response ? result : Response.json(result);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

describe.each(PROVIDERS)("retry failed sends from the target page (%s)", (provider) => {
  let t: RouteTestContext;
  let cookie: string;
  let targetId: string;

  const zone = process.env.TZ;
  beforeAll(async () => {
    // A server far from UTC: a value read as local time would start five hours late.
    process.env.TZ = "America/New_York";
    t = await setupRouteTest(provider);
    cookie = await t.cookieFor("operator");
    const input = TargetCreateSchema.parse({ name: "Consumer", url: "http://127.0.0.1:9/hooks" });
    targetId = (await createTarget(t.database.db, input, { actor: "test", allowlist: null })).target.id;
  });
  afterAll(async () => {
    process.env.TZ = zone;
    await t.database.drop();
  });

  const retry = (since: string) =>
    call(targetPage.action, t.request(`/targets/${targetId}`, { method: "POST", cookie, body: new URLSearchParams({ intent: "retry-failed", since }) }), { id: targetId });

  async function jobSince(response: Response) {
    expect(response.status).toBe(302);
    const jobId = response.headers.get("location")!.replace("/replays/", "");
    const job = await t.database.db.dispatchJob.findUniqueOrThrow({ where: { id: jobId } });
    expect(job).toMatchObject({ kind: "retry", targetId });
    return job.since?.toISOString();
  }

  it("reads `2026-01-15 14:30:00` as 14:30 UTC and starts the retry job from it", async () => {
    expect(await jobSince(await retry("2026-01-15 14:30:00"))).toBe("2026-01-15T14:30:00.000Z");
    // Minutes only, and an older datetime-local value with a T, are read the same way.
    expect(await jobSince(await retry(" 2026-01-15 14:30 "))).toBe("2026-01-15T14:30:00.000Z");
    expect(await jobSince(await retry("2026-01-15T09:05"))).toBe("2026-01-15T09:05:00.000Z");
  });

  it("answers 400 naming the field for a time it cannot read or one in the future, and starts nothing", async () => {
    const before = await t.database.db.dispatchJob.count();
    for (const since of ["15/01/2026 2:30 PM", "2026-13-45 99:99:00", "", "yesterday"]) {
      const response = await retry(since);
      expect(response.status, since).toBe(400);
      expect(await response.json()).toMatchObject({ intent: "retry-failed", field: "since", error: expect.stringContaining("2026-01-15 14:30:00 (UTC, 24-hour)") });
    }
    const future = await retry("2999-01-01 00:00:00");
    expect(future.status).toBe(400);
    expect(await future.json()).toMatchObject({ field: "since", error: expect.stringMatching(/future/) });
    expect(await t.database.db.dispatchJob.count()).toBe(before);
  });

  it("offers 24 hours ago as the default, which the field shows as UTC", async () => {
    const page = await (await call(targetPage.loader, t.request(`/targets/${targetId}`, { cookie }), { id: targetId })).json();
    const since = Date.parse(page.defaults.since);
    expect(Math.abs(Date.now() - 24 * 3600_000 - since)).toBeLessThan(60_000);
    expect(page.defaults.since).toMatch(/Z$/);
  });
});
