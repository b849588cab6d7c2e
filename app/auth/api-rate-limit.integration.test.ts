// The API token rate limit over real HTTP: a burst past the bucket is answered 429
// with Retry-After, other tokens are not affected, and a script paging at a modest
// pace never meets it.
import { afterAll, beforeAll, expect, it } from "vitest";

import { startRemixTestServer, type RemixTestServer } from "../../tests/support/remix-server";

const RATE = 20;
const BURST = 20;

let server: RemixTestServer;
beforeAll(async () => {
  server = await startRemixTestServer("sqlite", { HOOKLINE_API_RATE_PER_SECOND: String(RATE), HOOKLINE_API_BURST: String(BURST) });
});
afterAll(() => server?.close());

const list = (authorization: string, query = "") => fetch(`${server.url}/api/v1/events?limit=5${query}`, { headers: { authorization } });

it("answers 429 rate_limited with Retry-After to a burst past the bucket, and only to that token", async () => {
  const greedy = await server.bearer("viewer");
  const patient = await server.bearer("viewer");
  const answers = await Promise.all(Array.from({ length: BURST * 3 }, () => list(greedy)));
  const limited = answers.filter((r) => r.status === 429);
  expect(answers.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(BURST);
  expect(limited.length).toBeGreaterThan(BURST / 2);
  const first = limited[0]!;
  expect(Number(first.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  expect(first.headers.get("content-type")).toContain("application/json");
  expect(await first.json()).toMatchObject({ error: "rate_limited" });
  expect((await list(patient)).status).toBe(200);
});

it("never limits a script paging at a modest pace", async () => {
  const script = await server.bearer("viewer");
  const statuses: number[] = [];
  // Half the rate, for longer than the burst would last.
  for (let i = 0; i < BURST * 2; i++) {
    const started = Date.now();
    statuses.push((await list(script, `&dir=asc`)).status);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 / (RATE / 2) - (Date.now() - started))));
  }
  expect(statuses.filter((s) => s !== 200)).toEqual([]);
});
