// "Re-verify with the current secrets" for one failed delivery, and what it gave.
import { Form, Link, useNavigation } from "@remix-run/react";

import { primaryButtonClass } from "~/components/form-styles";
import type { ReverifyOutcome } from "../reverify.server";

const REVERIFY_TEXT: Record<ReverifyOutcome["status"], string> = {
  verified: "The signature matches a current secret: this delivery is an event now.",
  duplicate: "The signature matches a current secret. Its svix-id was already stored, so it joined that event as a duplicate.",
  malformed_payload: "The signature matches a current secret, but the body is not a Clerk envelope.",
  still_invalid: "It still does not verify.",
  not_reverifiable: "It cannot be re-verified.",
};

export function ReverifyResult({ outcome }: { outcome: ReverifyOutcome }) {
  return (
    <div
      role="status"
      data-testid="reverify-result"
      className={`rounded-lg border p-3 text-sm ${outcome.eventId ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-amber-200 bg-amber-50 text-amber-900"}`}
    >
      <strong>{REVERIFY_TEXT[outcome.status]}</strong> {outcome.detail.replace(/\.$/, "")}.
      {outcome.outsideTolerance && outcome.eventId ? " Its svix-timestamp was outside the 5-minute tolerance when it arrived; the event is flagged." : ""}
    </div>
  );
}

export function ReverifyPanel({ blocker, canOperate }: { blocker: string | null; canOperate: boolean }) {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "reverify";
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4 text-sm" aria-labelledby="reverify-heading">
      <h2 id="reverify-heading" className="font-semibold">
        Re-verify with the current secrets
      </h2>
      {blocker ? (
        <p className="mt-1 text-slate-600">{blocker}</p>
      ) : canOperate ? (
        <>
          <p className="mt-1 max-w-3xl text-slate-600">
            If the source&apos;s secret was wrong when this arrived, fix it in{" "}
            <Link to="/settings/sources" className="text-indigo-700 underline">
              Settings → Sources
            </Link>{" "}
            and check the stored bytes again. A valid signature turns it into an event, as ingest would have.
          </p>
          <Form method="post" className="mt-3">
            <button type="submit" name="intent" value="reverify" disabled={busy} className={primaryButtonClass}>
              {busy ? "Re-verifying…" : "Re-verify"}
            </button>
          </Form>
        </>
      ) : (
        <p className="mt-1 text-slate-600">Operators and admins can re-verify it after the source&apos;s secret is fixed.</p>
      )}
    </section>
  );
}
