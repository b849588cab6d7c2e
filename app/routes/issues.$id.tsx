// /issues/:id: one issue: occurrences over time, samples, history, and the one action
// that fixes it (re-verify, retry failed sends, open the target or subscription), plus
// acknowledge / mute / resolve for operators and admins. Titles and labels come from
// payloads and consumers' answers: rendered as text.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";

import { acknowledgeIssue } from "~/alerts/acknowledge-issue.server";
import { parseSourceSettings, parseTargetSettings, SourceAlertSettingsSchema, TargetAlertSettingsSchema } from "~/alerts/alert-settings";
import { FixPanel } from "~/alerts/components/fix-panel";
import { IssueActions } from "~/alerts/components/issue-actions";
import { IssueHeader } from "~/alerts/components/issue-header";
import { IssueHistory, IssueSamples } from "~/alerts/components/issue-history";
import { OccurrenceChart } from "~/alerts/components/occurrence-chart";
import { ThresholdsForm } from "~/alerts/components/thresholds-form";
import { countReverifiable, reverifyIssueDeliveries, retryIssueTarget } from "~/alerts/fix-issue.server";
import { IssueNotFoundError, issueDetail } from "~/alerts/issues.server";
import { muteIssue } from "~/alerts/mute-issue.server";
import { resolveIssue } from "~/alerts/resolve-issue.server";
import { formAlertError } from "~/alerts/route-errors.server";
import { setSourceAlertSettings, setTargetAlertSettings } from "~/alerts/set-alert-settings.server";
import { hasRole } from "~/auth/roles";
import { requireUser } from "~/auth/session.server";
import { RouteError } from "~/components/route-error";
import { database, db } from "~/db/prisma.server";
import { SourceResolver } from "~/sources/sources.server";

async function load(id: string) {
  try {
    return await issueDetail(db(), id);
  } catch (error) {
    if (error instanceof IssueNotFoundError) throw new Response(error.message, { status: 404 });
    throw error;
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const account = await requireUser(request);
  const { row, issue } = await load(String(params.id));
  const reverifiable = row.kind === "verification_failures" ? await countReverifiable(database(), row) : 0;
  const target =
    row.subjectType === "target" ? await db().target.findUnique({ where: { id: row.subjectId }, select: { id: true, name: true, deletedAt: true, alertSettings: true } }) : null;
  const source = row.subjectType === "source" ? await db().source.findUnique({ where: { slug: row.subjectId }, select: { alertSettings: true } }) : null;
  return {
    issue,
    reverifiable,
    target: target ? { id: target.id, name: target.name, deleted: Boolean(target.deletedAt) } : null,
    canManage: hasRole(account.role, "operator"),
    // Thresholds of the subject over the defaults: sources are admins' to change, targets operators'.
    thresholds: source
      ? { subject: "source" as const, values: parseSourceSettings(source.alertSettings), canChange: hasRole(account.role, "admin") }
      : target && !target.deletedAt
        ? { subject: "target" as const, values: parseTargetSettings(target.alertSettings), canChange: hasRole(account.role, "operator") }
        : null,
  };
}

const Intent = z.object({
  intent: z.enum(["acknowledge", "resolve", "mute", "unmute", "reverify", "retry-failed", "thresholds"], { message: "Unknown action." }),
  hours: z.coerce.number().int().min(1).max(24 * 30).optional(),
});

/** Empty fields fall back to the default; "off" switches source_silent off for the source. */
function thresholdsFrom(form: FormData, fields: string[]) {
  const values: Record<string, number | null> = {};
  for (const name of fields) {
    const raw = String(form.get(name) ?? "").trim();
    if (raw === "") continue;
    values[name] = raw.toLowerCase() === "off" ? null : Number(raw);
  }
  return values;
}

export async function action({ request, params }: ActionFunctionArgs) {
  const account = await requireUser(request, "operator");
  const id = String(params.id);
  const form = await request.formData();
  const parsed = Intent.safeParse(Object.fromEntries(form));
  if (!parsed.success) return { intent: null, error: parsed.error.issues[0]!.message, message: null };
  const { intent, hours } = parsed.data;
  try {
    switch (intent) {
      case "thresholds": {
        const issue = await db().issue.findUnique({ where: { id }, select: { subjectType: true, subjectId: true } });
        if (!issue || (issue.subjectType !== "source" && issue.subjectType !== "target")) return { intent, error: "This issue's subject has no thresholds.", message: null };
        if (issue.subjectType === "source") {
          if (!hasRole(account.role, "admin")) throw new Response("Only admins change a source's thresholds.", { status: 403 });
          const input = SourceAlertSettingsSchema.safeParse(thresholdsFrom(form, ["verificationFailures", "verificationWindowMinutes", "silenceMinutes"]));
          if (!input.success) return { intent, error: `Invalid ${input.error.issues[0]!.path.join(".")}: ${input.error.issues[0]!.message}`, message: null };
          await setSourceAlertSettings(db(), issue.subjectId, input.data, account.email);
        } else {
          const input = TargetAlertSettingsSchema.safeParse(thresholdsFrom(form, ["consecutiveFailures", "backlogMinutes"]));
          if (!input.success) return { intent, error: `Invalid ${input.error.issues[0]!.path.join(".")}: ${input.error.issues[0]!.message}`, message: null };
          await setTargetAlertSettings(db(), issue.subjectId, input.data, account.email);
        }
        return { intent, error: null, message: "Thresholds saved; the next check uses them." };
      }
      case "acknowledge":
        await acknowledgeIssue(db(), id, account.email);
        return { intent, error: null, message: "Acknowledged." };
      case "resolve":
        await resolveIssue(db(), id, account.email);
        return { intent, error: null, message: "Resolved. It opens again if the condition comes back." };
      case "mute": {
        const until = new Date(Date.now() + (hours ?? 24) * 3600_000);
        await muteIssue(db(), id, account.email, until);
        return { intent, error: null, message: `Muted until ${until.toISOString().replace("T", " ").slice(0, 16)} UTC.` };
      }
      case "unmute":
        await muteIssue(db(), id, account.email, null);
        return { intent, error: null, message: "Notifications are on again." };
      case "reverify": {
        // Current secrets, read fresh (no resolver cache): the point is that they just changed.
        const { summary, issue } = await reverifyIssueDeliveries(database(), id, { sources: new SourceResolver(db(), undefined, 0) }, account.email);
        const delivered = summary.counts.verified + summary.counts.duplicate;
        const message =
          `Re-verified ${summary.checked} ${summary.checked === 1 ? "delivery" : "deliveries"}: ${delivered} became events, ${summary.counts.still_invalid} still fail.` +
          (issue.status === "resolved" ? " The issue is resolved." : " The issue stays open while failures remain in the window.") +
          (summary.remaining ? " More remain: run it again." : "");
        return { intent, error: null, message };
      }
      case "retry-failed": {
        const job = await retryIssueTarget(database(), id, account.email);
        throw redirect(`/replays/${job.id}`);
      }
    }
  } catch (error) {
    if (error instanceof Response) throw error;
    const failure = formAlertError(error, intent);
    return { intent, error: ((await failure.json()) as { error: string }).error, message: null };
  }
}

export default function IssuePage() {
  const { issue, reverifiable, target, canManage, thresholds } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" ? String(navigation.formData?.get("intent") ?? "") : null;

  return (
    <div>
      <IssueHeader issue={issue} />

      {result?.message ? (
        <p role="status" className="mt-4 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
          {result.message}
        </p>
      ) : null}
      {result?.error ? (
        <p role="alert" className="mt-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          {result.error}
        </p>
      ) : null}

      <FixPanel issue={issue} reverifiable={reverifiable} target={target} canManage={canManage} busy={busy} />
      {canManage && issue.status !== "resolved" ? <IssueActions status={issue.status} /> : null}
      {thresholds ? <ThresholdsForm thresholds={thresholds} /> : null}

      <section className="mt-6" aria-labelledby="chart">
        <h2 id="chart" className="text-sm font-semibold">
          Occurrences
        </h2>
        <div className="mt-2 rounded-lg border border-slate-200 bg-white p-3">
          <OccurrenceChart occurrences={issue.occurrences} />
        </div>
      </section>

      <div className="mt-6 grid grid-cols-1 gap-6 md:grid-cols-2">
        <IssueSamples samples={issue.samples} />
        <IssueHistory changes={issue.changes} />
      </div>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.issue.title.slice(0, 60) ?? "Issue"} · Hookline` }];

export function ErrorBoundary() {
  return <RouteError backTo="/issues" backLabel="Back to issues" />;
}
