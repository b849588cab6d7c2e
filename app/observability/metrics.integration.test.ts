import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { setupRouteTest, type RouteTestContext } from "../../tests/support/routes";
import { startTestServer, type TestServer } from "../../tests/support/server";
import { envelope, newSecret, signedHeaders } from "../../tests/support/svix";
import { loader } from "~/routes/metrics";

const SECRET = newSecret();

describe("GET /metrics", () => {
  let ctx: RouteTestContext;
  let server: TestServer;
  beforeAll(async () => {
    ctx = await setupRouteTest("sqlite");
    server = await startTestServer("sqlite", { secrets: [SECRET] });
  });
  afterAll(async () => {
    await server.close();
    await ctx.database.drop();
  });

  it("needs a token, then reports deliveries by outcome and the ingest latency histogram", async () => {
    const anonymous = await loader({ request: ctx.request("/metrics"), params: {}, context: {} }).catch((r: Response) => r);
    expect((anonymous as Response).status).toBe(401);

    const body = JSON.stringify(envelope("user.created", { id: "user_m1", object: "user" }));
    await fetch(`${server.url}/webhooks/clerk`, { method: "POST", body, headers: signedHeaders(SECRET, body) });
    await fetch(`${server.url}/webhooks/clerk`, { method: "POST", body, headers: { "svix-id": "msg_x", "svix-timestamp": "1", "svix-signature": "v1,AAAA" } });

    const response = await loader({ request: ctx.request("/metrics", { headers: { authorization: await ctx.bearerFor("viewer") } }), params: {}, context: {} });
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/hookline_deliveries_total\{outcome="verified"\} 1/);
    expect(text).toMatch(/hookline_deliveries_total\{outcome="invalid_signature"\} 1/);
    expect(text).toMatch(/hookline_ingest_duration_seconds_count\{outcome="verified"\} 1/);
    expect(text).toMatch(/# TYPE hookline_dispatch_queue_depth gauge/);
    expect(text).toMatch(/# TYPE hookline_job_progress gauge/);
  });
});
