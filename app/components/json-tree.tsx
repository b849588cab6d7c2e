// A payload as a collapsible tree, with "copy path" and "copy value" on every node.
// Payloads are attacker-controlled: every key and value is rendered as React text,
// never as markup.
import { useState } from "react";

import { formatJsonPath } from "~/events/payload-diff";
import { REDACTED } from "~/events/redaction";
import { CopyButton } from "./copy-button";

type Segment = string | number;

const LONG_STRING = 400;

export function JsonTree({ value, maskedPaths = [], label = "Payload" }: { value: unknown; maskedPaths?: string[]; label?: string }) {
  // Remounting with a new key applies "expand all" / "collapse all" to every node.
  const [mode, setMode] = useState<{ open: "default" | "all" | "none"; key: number }>({ open: "default", key: 0 });
  const masked = new Set(maskedPaths);
  return (
    <div className="rounded-lg border border-slate-200 bg-white">
      <div className="flex items-center gap-2 border-b border-slate-100 px-3 py-2 text-xs">
        <span className="font-medium text-slate-700">{label}</span>
        <div className="ml-auto flex gap-1">
          <button type="button" className={toolbarButton} onClick={() => setMode((m) => ({ open: "all", key: m.key + 1 }))}>
            Expand all
          </button>
          <button type="button" className={toolbarButton} onClick={() => setMode((m) => ({ open: "none", key: m.key + 1 }))}>
            Collapse all
          </button>
          <CopyButton text={JSON.stringify(value, null, 2)} label="Copy JSON" />
        </div>
      </div>
      <div className="overflow-x-auto p-3 font-mono text-xs leading-5" data-testid="json-tree" key={mode.key}>
        <Node name={null} value={value} path={[]} depth={0} open={mode.open} masked={masked} />
      </div>
    </div>
  );
}

const toolbarButton =
  "rounded border border-slate-200 bg-white px-1.5 py-0.5 text-[11px] font-medium text-slate-600 hover:bg-slate-50 hover:text-slate-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500";

function Node({
  name,
  value,
  path,
  depth,
  open,
  masked,
}: {
  name: Segment | null;
  value: unknown;
  path: Segment[];
  depth: number;
  open: "default" | "all" | "none";
  masked: Set<string>;
}) {
  const pathText = formatJsonPath(path);
  const key = name === null ? null : <span className="text-slate-800">{typeof name === "number" ? name : JSON.stringify(name)}</span>;
  const actions = (
    // Laid over the row's right end rather than after the value: a long value would
    // otherwise push the (invisible) buttons onto a blank line of their own.
    <span className="absolute right-1 top-0 inline-flex gap-1 rounded bg-white/95 pl-1 opacity-0 transition-opacity group-hover/row:opacity-100 group-focus-within/row:opacity-100">
      {pathText ? <CopyButton text={pathText} label="Copy path" title={`Copy path ${pathText}`} /> : null}
      <CopyButton text={typeof value === "string" ? value : JSON.stringify(value, null, 2)} label="Copy value" />
    </span>
  );

  if (value !== null && typeof value === "object") {
    const entries: [Segment, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    if (entries.length === 0) {
      return (
        <div className="group/row relative pl-4" data-path={pathText}>
          {key}
          {key ? ": " : null}
          <span className="text-slate-500">{Array.isArray(value) ? "[]" : "{}"}</span>
          {actions}
        </div>
      );
    }
    const initiallyOpen = open === "all" ? true : open === "none" ? depth === 0 : depth < 3 && entries.length <= 60;
    return <Container keyLabel={key} entries={entries} isArray={Array.isArray(value)} path={path} pathText={pathText} depth={depth} open={open} masked={masked} initiallyOpen={initiallyOpen} actions={actions} />;
  }

  return (
    <div className="group/row relative rounded pl-4 hover:bg-slate-50" data-path={pathText}>
      {key}
      {key ? ": " : null}
      <Primitive value={value} masked={masked.has(pathText) || value === REDACTED} />
      {actions}
    </div>
  );
}

function Container({
  keyLabel,
  entries,
  isArray,
  path,
  pathText,
  depth,
  open,
  masked,
  initiallyOpen,
  actions,
}: {
  keyLabel: React.ReactNode;
  entries: [Segment, unknown][];
  isArray: boolean;
  path: Segment[];
  pathText: string;
  depth: number;
  open: "default" | "all" | "none";
  masked: Set<string>;
  initiallyOpen: boolean;
  actions: React.ReactNode;
}) {
  const [isOpen, setOpen] = useState(initiallyOpen);
  const [start, end] = isArray ? ["[", "]"] : ["{", "}"];
  const size = `${entries.length} ${isArray ? (entries.length === 1 ? "item" : "items") : entries.length === 1 ? "key" : "keys"}`;
  return (
    // A button, not <summary>: the row also holds copy buttons, and interactive
    // content inside a <summary> is unreachable for screen readers (axe nested-interactive).
    <div data-path={pathText} data-open={isOpen}>
      <div className="group/row relative rounded hover:bg-slate-50">
        <button type="button" aria-expanded={isOpen} onClick={() => setOpen(!isOpen)} className="cursor-pointer rounded text-left">
          <span aria-hidden className={`mr-1 inline-block w-3 text-slate-400 transition-transform ${isOpen ? "rotate-90" : ""}`}>
            ▸
          </span>
          {keyLabel}
          {keyLabel ? ": " : null}
          <span className="text-slate-500">
            {start}
            {isOpen ? null : (
              <>
                <span className="px-1 text-slate-500">{size}</span>
                {end}
              </>
            )}
          </span>
        </button>
        {actions}
      </div>
      {isOpen ? (
        <>
          <div className="ml-4 border-l border-slate-100 pl-3">
            {entries.map(([childName, child]) => (
              <Node key={String(childName)} name={childName} value={child} path={[...path, childName]} depth={depth + 1} open={open} masked={masked} />
            ))}
          </div>
          <div className="ml-4 text-slate-500">{end}</div>
        </>
      ) : null}
    </div>
  );
}

function Primitive({ value, masked }: { value: unknown; masked: boolean }) {
  const [expanded, setExpanded] = useState(false);
  if (masked) {
    return (
      <span className="rounded bg-slate-100 px-1 text-slate-500" title="Masked: one-time codes and message bodies are hidden" data-masked="true">
        {String(value)} <span className="font-sans text-[10px] uppercase tracking-wide">masked</span>
      </span>
    );
  }
  if (typeof value === "string") {
    const long = value.length > LONG_STRING;
    const shown = long && !expanded ? value.slice(0, LONG_STRING) : value;
    return (
      <span className="whitespace-pre-wrap break-all text-emerald-800">
        {JSON.stringify(shown)}
        {long ? (
          <button type="button" onClick={() => setExpanded((e) => !e)} className="ml-1 font-sans text-[11px] font-medium text-indigo-700 hover:underline">
            {expanded ? "show less" : `… show all ${value.length.toLocaleString("en")} characters`}
          </button>
        ) : null}
      </span>
    );
  }
  if (typeof value === "number") {
    const when = epochMsDate(value);
    if (when) {
      return (
        <time dateTime={when.toISOString()} title={describeInstant(when)} className="cursor-help text-sky-800 underline decoration-sky-800/40 decoration-dotted underline-offset-2">
          {String(value)}
        </time>
      );
    }
    return <span className="text-sky-800">{String(value)}</span>;
  }
  if (typeof value === "boolean" || value === null) return <span className="text-violet-700">{String(value)}</span>;
  return <span className="text-slate-500">{String(value)}</span>;
}

/**
 * Clerk's timestamps (`created_at`, `updated_at`, `expire_at`, the envelope's
 * `timestamp`) are epoch milliseconds: 13-digit integers between 2001 and 2286. Other
 * numbers (amounts, counts) never reach that range in practice.
 */
export function epochMsDate(value: number): Date | null {
  if (!Number.isInteger(value) || value < 1e12 || value >= 1e13) return null;
  return new Date(value);
}

function describeInstant(date: Date): string {
  const utc = date.toISOString().replace("T", " ").replace(/\.\d{3}Z$/, " UTC");
  const local = date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium", hour12: false });
  return `${utc}\n${local} (your time)`;
}
