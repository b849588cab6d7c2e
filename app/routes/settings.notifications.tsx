// /settings/notifications (admins): where issue notifications go. A signed webhook
// (its secret shown once), a Slack incoming webhook, or e-mail through
// HOOKLINE_SMTP_URL; each with the kinds it receives, Send test and a delivery log.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";

import { alertOptionsFromEnv } from "~/alerts/alerts-worker.server";
import { kindLabel } from "~/alerts/components/issue-badges";
import { ISSUE_KINDS } from "~/alerts/issue-kinds";
import { CHANNEL_TYPES, channelLog, createChannel, deleteChannel, listChannels, toApiChannel, updateChannel } from "~/alerts/notification-channels.server";
import { formAlertError } from "~/alerts/route-errors.server";
import { sendTestNotification } from "~/alerts/send-test-notification.server";
import { requireUser } from "~/auth/session.server";
import { dangerButtonClass, inputClass, primaryButtonClass, secondaryButtonClass } from "~/components/form-styles";
import { RouteError } from "~/components/route-error";
import { Timestamp } from "~/components/time";
import { db } from "~/db/prisma.server";
import { currentAllowlist } from "~/dispatch/dispatch-config.server";
import { SecretOnce } from "~/dispatch/components/secret-once";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, "admin");
  const rows = await listChannels(db());
  const channels = await Promise.all(rows.map(async (row) => ({ ...toApiChannel(row), log: await channelLog(db(), row.id, 10) })));
  return { channels, smtpConfigured: Boolean(process.env.HOOKLINE_SMTP_URL) };
}

const Intent = z.object({ intent: z.enum(["create", "test", "enable", "disable", "delete"], { message: "Unknown action." }), id: z.string().optional() });

export async function action({ request }: ActionFunctionArgs) {
  const account = await requireUser(request, "admin");
  const form = await request.formData();
  const parsed = Intent.safeParse(Object.fromEntries(form));
  if (!parsed.success) return { intent: null, error: parsed.error.issues[0]!.message };
  const { intent, id } = parsed.data;
  const context = { actor: account.email, allowlist: currentAllowlist() };
  try {
    switch (intent) {
      case "create": {
        const type = z.enum(CHANNEL_TYPES).safeParse(form.get("type"));
        if (!type.success) return { intent, error: "Choose a channel type." };
        const name = String(form.get("name") ?? "").trim();
        if (!name) return { intent, error: "Give the channel a name." };
        const kinds = form.getAll("kinds").map(String).filter((k): k is (typeof ISSUE_KINDS)[number] => (ISSUE_KINDS as readonly string[]).includes(k));
        const created = await createChannel(
          db(),
          {
            name,
            type: type.data,
            url: String(form.get("url") ?? "").trim() || undefined,
            to: String(form.get("to") ?? "").trim() || undefined,
            secret: String(form.get("secret") ?? "").trim() || undefined,
            kinds: kinds.length === ISSUE_KINDS.length ? [] : kinds,
            enabled: true,
            timeoutMs: 10_000,
          },
          context,
        );
        return { intent, error: null, secret: created.secret, message: `Channel ${created.channel.name} added.` };
      }
      case "test": {
        const { sender } = alertOptionsFromEnv();
        const test = await sendTestNotification(db(), String(id), { actor: account.email, allowlist: sender.allowlist, smtp: sender.smtp });
        return {
          intent,
          error: null,
          testedId: id,
          message: test.ok ? `Test sent: answered ${test.status} in ${test.durationMs} ms.` : `Test failed: ${test.error ?? `HTTP ${test.status}`}.`,
          response: test.response,
        };
      }
      case "enable":
      case "disable":
        await updateChannel(db(), String(id), { enabled: intent === "enable" }, context);
        return { intent, error: null, message: intent === "enable" ? "Enabled." : "Disabled: it receives nothing until enabled again." };
      case "delete":
        await deleteChannel(db(), String(id), context);
        return { intent, error: null, message: "Channel deleted." };
    }
  } catch (error) {
    const failure = formAlertError(error, intent);
    return { intent, error: ((await failure.json()) as { error: string }).error };
  }
}

interface ActionResult {
  intent: string | null;
  error: string | null;
  message?: string;
  secret?: string | null;
  testedId?: string;
  response?: string | null;
}

export default function NotificationSettings() {
  const { channels, smtpConfigured } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  return (
    <div className="space-y-6">
      <section>
        <h2 className="text-base font-semibold">Notification channels</h2>
        <p className="mt-1 text-sm text-slate-600">
          Each issue that opens, reopens or resolves is sent once to every enabled channel that takes its kind. More than 10 openings within a
          minute go out as one digest. Failed sends are retried on the targets' schedule.
        </p>
      </section>
      {result?.secret ? <SecretOnce secret={result.secret} title="The channel's signing secret" /> : null}
      {result?.message ? (
        <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
          {result.message}
          {result.response ? <span className="mt-1 block font-mono text-xs">{result.response}</span> : null}
        </p>
      ) : null}
      {result?.error ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          {result.error}
        </p>
      ) : null}

      {channels.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 p-4 text-sm text-slate-600">No channels yet: issues show in the header and on /issues only.</p>
      ) : (
        <ul className="space-y-4">
          {channels.map((channel) => (
            <li key={channel.id} className="rounded-lg border border-slate-200 bg-white p-4" data-testid="notification-channel">
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-medium">{channel.name}</span>
                <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs">{channel.type}</span>
                {!channel.enabled ? <span className="rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-800">disabled</span> : null}
                <span className="min-w-0 break-all font-mono text-xs text-slate-600">{channel.type === "email" ? channel.to?.join(", ") : channel.url}</span>
                <Form method="post" className="ml-auto flex gap-2">
                  <input type="hidden" name="id" value={channel.id} />
                  <button type="submit" name="intent" value="test" className={secondaryButtonClass} disabled={busy}>
                    Send test
                  </button>
                  <button type="submit" name="intent" value={channel.enabled ? "disable" : "enable"} className={secondaryButtonClass} disabled={busy}>
                    {channel.enabled ? "Disable" : "Enable"}
                  </button>
                  <button type="submit" name="intent" value="delete" className={dangerButtonClass} disabled={busy}>
                    Delete
                  </button>
                </Form>
              </div>
              <p className="mt-1 text-xs text-slate-500">Kinds: {channel.kinds.length ? channel.kinds.map(kindLabel).join(", ") : "all"}</p>
              {channel.log.length ? (
                <div className="mt-3 overflow-x-auto">
                  <table className="w-full text-left text-xs">
                    <thead className="text-slate-500">
                      <tr>
                        <th scope="col" className="py-1 pr-2">
                          Created
                        </th>
                        <th scope="col" className="hidden py-1 pr-2 sm:table-cell">
                          Type
                        </th>
                        <th scope="col" className="py-1 pr-2">
                          Status
                        </th>
                        <th scope="col" className="hidden py-1 pr-2 sm:table-cell">
                          Attempts
                        </th>
                        <th scope="col" className="py-1 pr-2">
                          Answer
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {channel.log.map((entry) => (
                        <tr key={entry.id} className="border-t border-slate-100 align-top">
                          <td className="py-1 pr-2">
                            <Timestamp iso={entry.createdAt} />
                          </td>
                          <td className="hidden py-1 pr-2 sm:table-cell">
                            {entry.type}
                            {entry.digestOf ? " (digest)" : ""}
                          </td>
                          <td className="py-1 pr-2">
                            <span className={entry.status === "failed" ? "font-medium text-red-700" : undefined}>{entry.status}</span>
                            {/* On a phone the type and attempts fold into this cell, leaving room for the answer. */}
                            <span className="block whitespace-nowrap text-slate-600 sm:hidden">
                              {entry.type}
                              {entry.digestOf ? " (digest)" : ""} · ×{entry.attempts}
                            </span>
                          </td>
                          <td className="hidden py-1 pr-2 tabular-nums sm:table-cell">{entry.attempts}</td>
                          <td className="min-w-[8rem] break-words py-1 pr-2 font-mono">{entry.lastError ?? entry.lastStatus ?? ""}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              ) : (
                <p className="mt-2 text-xs text-slate-500">Nothing sent yet.</p>
              )}
            </li>
          ))}
        </ul>
      )}

      <Form method="post" className="max-w-xl space-y-3 rounded-lg border border-slate-200 bg-white p-4">
        <h3 className="text-sm font-semibold">Add a channel</h3>
        <input type="hidden" name="intent" value="create" />
        <label className="block text-sm">
          Name
          <input name="name" required className={inputClass} />
        </label>
        <label className="block text-sm">
          Type
          <select name="type" className={inputClass} defaultValue="webhook">
            <option value="webhook">Webhook (signed, Standard Webhooks / Svix headers)</option>
            <option value="slack">Slack incoming webhook</option>
            <option value="email">E-mail{smtpConfigured ? "" : " (set HOOKLINE_SMTP_URL first)"}</option>
          </select>
        </label>
        <label className="block text-sm">
          URL (webhook or Slack)
          <input name="url" type="url" className={inputClass} placeholder="https://…" />
        </label>
        <label className="block text-sm">
          Recipients (e-mail; comma-separated)
          <input name="to" className={inputClass} placeholder="ops@example.com" />
        </label>
        <label className="block text-sm">
          Signing secret (webhook; leave empty to generate one)
          <input name="secret" autoComplete="off" className={inputClass} placeholder="whsec_…" />
        </label>
        <fieldset className="text-sm">
          <legend>Issue kinds</legend>
          <div className="mt-1 grid grid-cols-2 gap-1">
            {ISSUE_KINDS.map((kind) => (
              <label key={kind} className="flex items-center gap-2">
                <input type="checkbox" name="kinds" value={kind} defaultChecked />
                {kindLabel(kind)}
              </label>
            ))}
          </div>
        </fieldset>
        <button type="submit" className={primaryButtonClass} disabled={busy}>
          Add channel
        </button>
      </Form>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Notifications · Settings · Hookline" }];

export function ErrorBoundary() {
  return <RouteError backTo="/settings" backLabel="Back to settings" />;
}
