// GET /api/v1/issues?status=&kind=&limit=&cursor= (viewer): active issues first, then
// resolved ones → { issues: [{ id, kind, status, title, subject, count, firstSeenAt,
// lastSeenAt, resolvedAt, ... }], nextCursor }.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";

import { apiJson, rejectUnknownParameters, withApi } from "~/api/responses.server";
import { ISSUE_KINDS, ISSUE_STATUSES } from "~/alerts/issue-kinds";
import { listIssues, toApiIssue } from "~/alerts/issues.server";
import { requireApiToken } from "~/auth/tokens.server";
import { db } from "~/db/prisma.server";

const Query = z.object({
  status: z.enum([...ISSUE_STATUSES, "active"]).optional(),
  kind: z.enum(ISSUE_KINDS).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(100).optional(),
});

export const loader = withApi(async ({ request }: LoaderFunctionArgs) => {
  await requireApiToken(request, "viewer");
  const params = new URL(request.url).searchParams;
  rejectUnknownParameters(params, ["status", "kind", "limit", "cursor"]);
  const query = Query.parse(Object.fromEntries(params));
  const page = await listIssues(db(), query);
  return apiJson({ issues: page.issues.map(toApiIssue), nextCursor: page.nextCursor });
});
