// GET /api/v1/events — the event list as JSON (DESIGN.md "HTTP surface"): the same
// filter as the /events page, keyset cursor, at most 500 a page. Viewers and up.
import type { LoaderFunctionArgs } from "@remix-run/node";

import { apiJson, invalidParameter, rejectUnknownParameters, valueOrInvalid, withApi } from "~/api/responses.server";
import { requireApiToken } from "~/auth/tokens.server";
import { database } from "~/db/prisma.server";
import { parseEventListQuery } from "~/events/event-filter";
import { InvalidCursorError, listEvents } from "~/events/event-query.server";

const PARAMETERS = ["type", "outcome", "source", "resource", "q", "from", "to", "sort", "dir", "limit", "cursor"] as const;

export const loader = withApi(async ({ request }: LoaderFunctionArgs) => {
  await requireApiToken(request, "viewer");
  const params = new URL(request.url).searchParams;
  rejectUnknownParameters(params, PARAMETERS);
  const query = valueOrInvalid(parseEventListQuery(params));
  try {
    const page = await listEvents(database(), query);
    return apiJson({ events: page.events, nextCursor: page.nextCursor });
  } catch (error) {
    if (error instanceof InvalidCursorError) throw invalidParameter("cursor", error.message);
    throw error;
  }
});
