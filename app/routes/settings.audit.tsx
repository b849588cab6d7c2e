// Settings → Audit log (admins): who replayed, changed targets, secrets, accounts or
// tokens, re-verified deliveries or revealed masked data. Newest first, paged.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";

import { auditActions, listAuditEntries } from "~/audit/audit-log.server";
import { requireUser } from "~/auth/session.server";
import { inputClass, secondaryButtonClass } from "~/components/form-styles";
import { RouteError } from "~/components/route-error";
import { Timestamp } from "~/components/time";
import { db } from "~/db/prisma.server";

const AuditQuery = z.object({
  action: z.string().trim().max(100).optional(),
  after: z.string().regex(/^[a-z0-9]{10,40}$/, "Invalid `after`: use the link to the next page").optional(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, "admin");
  const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([, v]) => v !== ""));
  const parsed = AuditQuery.safeParse(params);
  if (!parsed.success) throw new Response(parsed.error.issues[0]!.message, { status: 400 });
  const [page, actions] = await Promise.all([listAuditEntries(db(), parsed.data), auditActions(db())]);
  return { ...page, actions, firstPage: !parsed.data.after };
}

export default function AuditLog() {
  const { entries, nextAfter, actions, firstPage } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const next = new URLSearchParams(params);
  if (nextAfter) next.set("after", nextAfter);
  const first = new URLSearchParams(params);
  first.delete("after");
  return (
    <div>
      <Form method="get" className="flex items-end gap-3">
        <label className="text-sm">
          <span className="font-medium text-slate-700">Action</span>
          <select name="action" defaultValue={params.get("action") ?? ""} className={inputClass}>
            <option value="">Every action</option>
            {actions.map((action) => (
              <option key={action} value={action}>
                {action}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className={secondaryButtonClass}>
          Filter
        </button>
        {navigation.state === "loading" ? <span className="text-sm text-slate-500">Loading…</span> : null}
      </Form>
      {entries.length === 0 ? (
        <p className="mt-4 rounded-lg border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-600">
          {firstPage ? "Nothing recorded yet. Token and account changes, secret changes, replays, re-verifications and reveals show up here." : "No older entries."}
        </p>
      ) : (
        <div className="mt-4 overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-3 py-2">When</th>
                <th scope="col" className="px-3 py-2">Who</th>
                <th scope="col" className="px-3 py-2">Action</th>
                <th scope="col" className="px-3 py-2">Subject</th>
                <th scope="col" className="px-3 py-2">Detail</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {entries.map((entry) => (
                <tr key={entry.id} data-testid="audit-row">
                  <td className="px-3 py-2">
                    <Timestamp iso={entry.at} />
                  </td>
                  <td className="px-3 py-2">{entry.actor}</td>
                  <td className="px-3 py-2 font-mono text-xs">{entry.action}</td>
                  <td className="max-w-[16rem] truncate px-3 py-2 font-mono text-xs" title={entry.subject ?? undefined}>
                    {entry.subject ?? "—"}
                  </td>
                  <td className="max-w-[32rem] break-all px-3 py-2 font-mono text-xs text-slate-600">
                    {entry.detail ?? ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="mt-4 flex gap-3 text-sm" aria-label="Pagination">
        {!firstPage ? (
          <Link to={`?${first}`} className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
            ← Newest
          </Link>
        ) : null}
        {nextAfter ? (
          <Link to={`?${next}`} className="rounded border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50">
            Older →
          </Link>
        ) : null}
      </nav>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Audit log · Settings · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/settings/audit" backLabel="Back to the audit log" />;
}
