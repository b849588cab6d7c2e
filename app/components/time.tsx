/** A UTC timestamp with the full ISO value on hover, readable at a glance. */
export function Timestamp({ iso }: { iso: string }) {
  const date = new Date(iso);
  const text = date.toISOString().replace("T", " ").replace(/\.\d{3}Z$/, " UTC");
  return (
    <time dateTime={iso} title={iso} className="whitespace-nowrap tabular-nums">
      {text}
    </time>
  );
}
