// What a job sends, in a few words, for lists and headings.
export function describeSelection(job: { kind: string; mode?: string; eventCount: number | null; filter: Record<string, unknown> | null; onlyUndelivered: boolean; since: string | null }) {
  if (job.kind === "retry") return `Retry failed since ${job.since?.replace("T", " ").slice(0, 19) ?? "?"} UTC`;
  if (job.onlyUndelivered) return "Outage recovery";
  if (job.eventCount !== null) return job.eventCount === 1 ? "One event" : `${job.eventCount.toLocaleString("en")} chosen events`;
  const filter = job.filter ?? {};
  const parts = Object.entries(filter).map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(",") : String(value)}`);
  if (job.mode === "latest") return parts.length ? `Rebuild: latest per resource, ${parts.join(" ")}` : "Rebuild: latest event of every resource";
  return parts.length ? `Filter: ${parts.join(" ")}` : "All events";
}
