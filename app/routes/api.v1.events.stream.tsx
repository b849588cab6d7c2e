// GET /api/v1/events/stream — new events as Server-Sent Events (issue 12). The server
// mounts the same stream directly, ahead of Remix (app/server/app.server.ts); this
// route answers when the request reaches Remix anyway (HOOKLINE_INGEST_VIA_REMIX=1,
// tests that call loaders). Viewers and up, by token or session.
import type { LoaderFunctionArgs } from "@remix-run/node";

import { database } from "~/db/prisma.server";
import { eventStreamResponse } from "~/stream/event-stream.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return eventStreamResponse(database(), request);
}
