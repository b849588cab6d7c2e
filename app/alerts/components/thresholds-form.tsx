// The subject's issue thresholds over the defaults, on the issue page (empty = default).
import { Form } from "@remix-run/react";

import { inputClass, secondaryButtonClass } from "~/components/form-styles";

const THRESHOLD_FIELDS = {
  source: [
    { name: "verificationFailures", label: "Failed deliveries that open an issue", placeholder: "3" },
    { name: "verificationWindowMinutes", label: "…within minutes", placeholder: "5" },
    { name: "silenceMinutes", label: "Silent after minutes (off: never)", placeholder: "60" },
  ],
  target: [
    { name: "consecutiveFailures", label: "Failed attempts in a row that open an issue", placeholder: "3" },
    { name: "backlogMinutes", label: "Backlog: oldest due send waited minutes", placeholder: "15" },
  ],
} as const;

export function ThresholdsForm({ thresholds }: { thresholds: { subject: "source" | "target"; values: Record<string, number | null | undefined>; canChange: boolean } }) {
  return (
    <details className="mt-4 rounded-lg border border-slate-200 bg-white p-4 text-sm">
      <summary className="cursor-pointer font-semibold">Thresholds for this {thresholds.subject}</summary>
      <Form method="post" className="mt-3 grid gap-3 sm:grid-cols-3">
        {THRESHOLD_FIELDS[thresholds.subject].map((field) => {
          const value = thresholds.values[field.name];
          return (
            <label key={field.name} className="block">
              {field.label}
              <input
                name={field.name}
                defaultValue={value === null ? "off" : (value ?? "")}
                placeholder={`default ${field.placeholder}`}
                disabled={!thresholds.canChange}
                className={inputClass}
              />
            </label>
          );
        })}
        {thresholds.canChange ? (
          <div className="sm:col-span-3">
            <button type="submit" name="intent" value="thresholds" className={secondaryButtonClass}>
              Save thresholds
            </button>
          </div>
        ) : null}
      </Form>
    </details>
  );
}

