import { toDateTimeLocal } from "~/events/event-list-params";

/**
 * A date and time typed as UTC in the 24-hour form every page shows
 * (`2026-01-15 14:30:00`). A text field, not `datetime-local`, whose display follows the
 * browser's locale (12-hour in en-US). Read it on the server with `asUtc`.
 */
export function UtcDateTimeInput({
  id,
  name,
  defaultValue,
  required,
  className,
}: {
  id: string;
  name: string;
  /** An ISO instant or a value already in the field's form. */
  defaultValue?: string | null;
  required?: boolean;
  className: string;
}) {
  return (
    <input
      id={id}
      name={name}
      type="text"
      inputMode="numeric"
      autoComplete="off"
      spellCheck={false}
      required={required}
      pattern="\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?"
      placeholder="2026-01-15 14:30:00"
      title="UTC, 24-hour: YYYY-MM-DD HH:MM[:SS]"
      defaultValue={toDateTimeLocal(defaultValue)}
      className={`${className} font-mono`}
    />
  );
}
