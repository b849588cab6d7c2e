// The target choice shared by the batch-replay forms (/replays/new and
// /replays/rebuild): a notice when no target can receive, and the select itself.
import { Link } from "@remix-run/react";

import { inputClass } from "~/components/form-styles";

export interface TargetChoice {
  id: string;
  name: string;
  url: string;
}

export function NoTargetNotice() {
  return (
    <p className="mt-6 rounded-lg border border-dashed border-slate-300 bg-white p-4 text-sm text-slate-600">
      There is no enabled target to send to.{" "}
      <Link to="/targets" className="text-indigo-700 underline">
        Add a target
      </Link>{" "}
      first.
    </p>
  );
}

/** `preferred` is chosen when it is one of `targets`; a single target is chosen by default. */
export function TargetSelect({ targets, preferred, className }: { targets: TargetChoice[]; preferred?: string | null; className: string }) {
  const chosen = targets.some((t) => t.id === preferred) ? preferred! : targets.length === 1 ? targets[0]!.id : "";
  return (
    <label className={`block text-sm ${className}`}>
      <span className="font-medium text-slate-700">Target</span>
      <select name="targetId" required className={inputClass} defaultValue={chosen}>
        <option value="" disabled>
          Choose a target…
        </option>
        {targets.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name} — {t.url}
          </option>
        ))}
      </select>
    </label>
  );
}
