// GET /metrics — Prometheus text format. Scrapers authenticate with an API token
// (`bearer_token` in the scrape config); any role may read.
import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireApiToken } from "~/auth/tokens.server";
import { database } from "~/db/prisma.server";
import { metrics } from "~/observability/metrics.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireApiToken(request, "viewer");
  const m = metrics();
  m.attach(database());
  return new Response(await m.registry.metrics(), {
    headers: { "content-type": m.registry.contentType, "cache-control": "no-store" },
  });
}
