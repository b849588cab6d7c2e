// The billing timeline as an SVG: one lane for the subscription's top-level status, one
// per subscription item with its coloured status periods and free-trial-ending markers,
// and a lane of payment attempt marks. Every shape links to its event and explains itself
// on hover (<title>). Hand-rolled SVG: lanes of rectangles need no chart library.
// Neutral ink (axis, grid, lane labels and backgrounds) uses Tailwind's slate classes, so
// dark mode's palette swap (app/theme-dark.css) turns it over with the rest of the page;
// status colours are literal and the same in both.
import { useEffect, useRef, useState } from "react";

import type { BillingTimeline, PaymentMark, StatusLane, StatusPeriod } from "~/billing/billing-timeline";
import { PAYMENT_COLORS, STATUS_LEGEND_ORDER, statusColor, TRIAL_MARKER_COLOR } from "~/billing/status-colors";

const AXIS_HEIGHT = 28;
const BAR_HEIGHT = 20;
const PAYMENT_ROW = 16;
/** Below this width (a phone) the lane labels go above their bars instead of beside them. */
const NARROW_BELOW = 640;

interface Layout {
  /** viewBox width. */
  width: number;
  plotLeft: number;
  plotRight: number;
  laneHeight: number;
  /** Top of a lane's bar, from the top of the lane. */
  barTop: number;
  /** Labels in a column left of the plot (wide), or in a line above each lane's bar (narrow). */
  labelsAbove: boolean;
  maxTicks: number;
}

// Wide: drawn at 1000 units and scaled to the card; under ~900 px it keeps its size
// and the figure scrolls sideways. Narrow: drawn at the measured width, 1 unit = 1 px,
// so the text stays at its real size on a phone and nothing scrolls.
const WIDE: Layout = { width: 1000, plotLeft: 200, plotRight: 984, laneHeight: 38, barTop: 9, labelsAbove: false, maxTicks: 7 };

function narrowLayout(width: number): Layout {
  return { width, plotLeft: 8, plotRight: width - 14, laneHeight: 46, barTop: 20, labelsAbove: true, maxTicks: Math.max(2, Math.floor(width / 70)) };
}

/** The figure's width in CSS pixels once it is on screen, when it is narrower than NARROW_BELOW. */
function useNarrowWidth() {
  const ref = useRef<HTMLElement>(null);
  const [width, setWidth] = useState<number | null>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => {
      const available = Math.floor(element.clientWidth);
      setWidth(available > 0 && available < NARROW_BELOW ? Math.max(available, 280) : null);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

const TERMINAL_STATUSES = new Set(["ended", "abandoned", "expired"]);
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const STEPS = [HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 91 * DAY, 365 * DAY];

function iso(ms: number) {
  return new Date(ms).toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

function duration(ms: number): string {
  if (ms >= DAY) return `${Math.round((ms / DAY) * 10) / 10} d`;
  if (ms >= HOUR) return `${Math.round((ms / HOUR) * 10) / 10} h`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 1000)} s`;
}

export function timeTicks(start: number, end: number, maxTicks = 7): { at: number; label: string }[] {
  const span = Math.max(end - start, 1);
  const step = STEPS.find((candidate) => span / candidate <= maxTicks) ?? 365 * DAY;
  const ticks: { at: number; label: string }[] = [];
  for (let at = Math.ceil(start / step) * step; at <= end; at += step) {
    const date = new Date(at);
    const day = `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}`;
    ticks.push({ at, label: step < DAY ? `${day} ${date.toISOString().slice(11, 16)}` : step >= 91 * DAY ? `${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}` : day });
  }
  return ticks;
}

function truncate(text: string, max: number) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Payment marks that would overlap are stacked in rows. */
function stackPayments(marks: PaymentMark[], x: (ms: number) => number, maxRows: number): { mark: PaymentMark; row: number }[] {
  const rowEnds: number[] = [];
  return [...marks]
    .sort((a, b) => a.at - b.at)
    .map((mark) => {
      const px = x(mark.at);
      let row = rowEnds.findIndex((end) => px - end >= 14);
      if (row === -1) row = rowEnds.length < maxRows ? rowEnds.length : rowEnds.indexOf(Math.min(...rowEnds));
      rowEnds[row] = px;
      return { mark, row };
    });
}

export function BillingTimelineChart({ timeline, now }: { timeline: BillingTimeline; now: number }) {
  const { ref, width: narrowWidth } = useNarrowWidth();
  const range = timeline.range;
  if (!range) return <p className="text-sm text-slate-600">No billing events to draw.</p>;
  const layout = narrowWidth ? narrowLayout(narrowWidth) : WIDE;
  const { width, plotLeft, plotRight, laneHeight, barTop, labelsAbove } = layout;
  const span = Math.max(range.end - range.start, 1);
  const x = (ms: number) => plotLeft + ((Math.min(Math.max(ms, range.start), range.end) - range.start) / span) * (plotRight - plotLeft);
  const lanes: StatusLane[] = [...timeline.subscriptionLanes, ...timeline.itemLanes];
  // A phone squeezes the marks together: more rows before they overlap.
  const payments = stackPayments(timeline.payments, x, labelsAbove ? 5 : 3);
  const paymentRows = Math.max(1, ...payments.map((p) => p.row + 1));
  const paymentMarksTop = labelsAbove ? barTop + 4 : 14;
  const paymentLaneHeight = Math.max(laneHeight, paymentMarksTop + paymentRows * PAYMENT_ROW);
  const paymentTop = AXIS_HEIGHT + lanes.length * laneHeight;
  const height = paymentTop + paymentLaneHeight + 8;
  const ticks = timeTicks(range.start, range.end, layout.maxTicks);
  const nowInRange = now >= range.start && now <= range.end;
  const attemptsText = `${timeline.attempts.length} attempt${timeline.attempts.length === 1 ? "" : "s"}`;

  const description = [
    ...timeline.subscriptionLanes.map((lane) => `Subscription: ${lane.periods.map((p) => p.status).join(" → ") || "never seen"}`),
    ...timeline.itemLanes.map((lane) => `${lane.label}: ${lane.periods.map((p) => p.status).join(" → ")}`),
    `${timeline.payments.length} payment events`,
  ].join(". ");

  return (
    <figure ref={ref} className="m-0 overflow-x-auto">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        className={`h-auto w-full select-none ${labelsAbove ? "" : "min-w-[900px]"}`}
        role="group"
        aria-label={`Billing timeline. ${description}`}
        data-testid="billing-chart"
        data-layout={labelsAbove ? "narrow" : "wide"}
        fontFamily="ui-sans-serif, system-ui, sans-serif"
      >
        <defs>
          <pattern id="inferred-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill="transparent" />
            <line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" strokeWidth="2.5" strokeOpacity="0.7" />
          </pattern>
        </defs>

        {/* Lane backgrounds first, so the grid lines show across every lane. */}
        {lanes.map((lane, index) => (
          <LaneBackground key={lane.key} y={AXIS_HEIGHT + index * laneHeight} width={width} height={laneHeight} odd={index % 2 === 1} />
        ))}
        <LaneBackground y={paymentTop} width={width} height={paymentLaneHeight} odd={lanes.length % 2 === 1} />

        {/* Time axis and grid */}
        {ticks.map((tick, index) => {
          const tx = x(tick.at);
          // On a phone the first and last labels would run off the edge: anchor them inward.
          const anchor = labelsAbove && index === 0 && tx - plotLeft < 40 ? "start" : labelsAbove && plotRight - tx < 40 ? "end" : "middle";
          return (
            <g key={tick.at}>
              <line x1={tx} x2={tx} y1={AXIS_HEIGHT - 4} y2={height - 8} className="stroke-slate-200" strokeWidth={1} />
              <text x={tx} y={AXIS_HEIGHT - 10} fontSize={11} textAnchor={anchor} className="fill-slate-600">
                {tick.label}
              </text>
            </g>
          );
        })}

        {lanes.map((lane, index) => {
          const top = AXIS_HEIGHT + index * laneHeight;
          const barY = top + barTop;
          return (
            <g key={lane.key} data-testid="chart-lane" data-lane-kind={lane.kind}>
              <LaneLabel label={lane.label} sublabel={lane.sublabel} top={top} labelsAbove={labelsAbove} width={width} />
              {lane.periods.length === 0 ? (
                <text x={plotLeft + 4} y={barY + 14} fontSize={11} className="fill-slate-600" fontStyle="italic">
                  never seen: no {lane.kind === "subscription" ? "subscription" : "item"} event stored
                </text>
              ) : null}
              {lane.periods.map((period) => (
                <Period key={`${period.startEvent.id}-${period.start}`} period={period} x={x} y={barY} rangeEnd={range.end} now={now} lane={lane} edge={width - 4} />
              ))}
              {lane.markers.map((marker) => {
                const mx = x(marker.at);
                return (
                  <a key={marker.event.id} href={`/events/${marker.event.id}`} data-testid="trial-marker">
                    <title>{`${marker.detail} · ${marker.event.type} at ${iso(marker.at)}`}</title>
                    <path d={`M ${mx} ${barY - 5} l 6 6 l -6 6 l -6 -6 z`} fill={TRIAL_MARKER_COLOR} stroke="#ffffff" strokeWidth={1.5} />
                  </a>
                );
              })}
            </g>
          );
        })}

        <g data-testid="chart-payments">
          <LaneLabel label="Payment attempts" sublabel={attemptsText} mono={false} top={paymentTop} labelsAbove={labelsAbove} width={width} />
          {payments.length === 0 ? (
            <text x={plotLeft + 4} y={paymentTop + paymentMarksTop + 8} fontSize={11} className="fill-slate-600" fontStyle="italic">
              no payment attempt stored
            </text>
          ) : null}
          {payments.map(({ mark, row }) => {
            const cx = x(mark.at);
            const cy = paymentTop + paymentMarksTop + row * PAYMENT_ROW;
            const color = PAYMENT_COLORS[mark.status] ?? PAYMENT_COLORS.pending!;
            const text = [
              `Payment ${mark.status}${mark.amount.text ? ` · ${mark.amount.text}` : ""}`,
              mark.failedReason ? `reason: ${mark.failedReason}` : null,
              `${mark.attemptId}${mark.chargeType ? ` (${mark.chargeType})` : ""}`,
              `${mark.event.type} at ${iso(mark.at)}`,
              mark.linkedBy === "payer" ? "placed by payer (the attempt names no subscription or item)" : null,
            ]
              .filter(Boolean)
              .join("\n");
            return (
              <a key={mark.event.id} href={`/events/${mark.event.id}`} data-testid="payment-mark" data-status={mark.status}>
                <title>{text}</title>
                <circle cx={cx} cy={cy} r={6} fill={color.fill} stroke={color.stroke} strokeWidth={1.5} />
                {mark.status === "failed" ? (
                  <path d={`M ${cx - 3} ${cy - 3} L ${cx + 3} ${cy + 3} M ${cx + 3} ${cy - 3} L ${cx - 3} ${cy + 3}`} stroke="#ffffff" strokeWidth={1.6} />
                ) : mark.status === "paid" ? (
                  <path d={`M ${cx - 3} ${cy} L ${cx - 1} ${cy + 2.5} L ${cx + 3.2} ${cy - 2.5}`} stroke="#ffffff" strokeWidth={1.6} fill="none" />
                ) : null}
              </a>
            );
          })}
        </g>

        {labelsAbove ? null : <line x1={plotLeft} x2={plotLeft} y1={AXIS_HEIGHT} y2={height - 8} className="stroke-slate-300" />}
        {nowInRange ? (
          <g>
            <line x1={x(now)} x2={x(now)} y1={AXIS_HEIGHT - 2} y2={height - 8} className="stroke-indigo-600" strokeDasharray="4 3" />
            <text x={x(now) - 3} y={height - 11} fontSize={10} textAnchor="end" className="fill-indigo-700">
              now
            </text>
          </g>
        ) : null}
      </svg>
      <Legend timeline={timeline} />
    </figure>
  );
}

/** Lanes alternate between the card's surface and a faint tint, in either theme. */
function LaneBackground({ y, width, height, odd }: { y: number; width: number; height: number; odd: boolean }) {
  return <rect x={0} y={y} width={width} height={height} className={odd ? "fill-slate-50" : "fill-white dark:fill-slate-100"} data-testid="lane-background" />;
}

function LaneLabel({
  label,
  sublabel,
  mono = true,
  top,
  labelsAbove,
  width,
}: {
  label: string;
  sublabel: string;
  mono?: boolean;
  top: number;
  labelsAbove: boolean;
  width: number;
}) {
  if (labelsAbove) {
    // One line above the bar: the name, then the id as far as it fits.
    const name = truncate(label, 28);
    const room = Math.floor((width - 16 - name.length * 7.2 - 12) / 6.2);
    return (
      <text x={8} y={top + 14} fontSize={12}>
        <tspan fontWeight={600} className="fill-slate-900">
          {name}
        </tspan>
        {room >= 8 ? (
          <tspan dx={8} fontSize={10} className="fill-slate-600" fontFamily={mono ? "ui-monospace, monospace" : undefined}>
            {truncate(sublabel, room)}
          </tspan>
        ) : null}
      </text>
    );
  }
  return (
    <>
      <text x={8} y={top + 16} fontSize={12} fontWeight={600} className="fill-slate-900">
        {truncate(label, 24)}
      </text>
      <text x={8} y={top + 30} fontSize={10} className="fill-slate-600" fontFamily={mono ? "ui-monospace, monospace" : undefined}>
        {sublabel}
      </text>
    </>
  );
}

function Period({
  period,
  x,
  y,
  rangeEnd,
  now,
  lane,
  edge,
}: {
  period: StatusPeriod;
  x: (ms: number) => number;
  y: number;
  rangeEnd: number;
  now: number;
  lane: StatusLane;
  /** The right edge of the drawing: a label that would cross it ends at the bar's end instead. */
  edge: number;
}) {
  const color = statusColor(period.status);
  const x1 = x(period.start);
  const x2 = x(period.end ?? rangeEnd);
  const width = Math.max(3, x2 - x1);
  const until = period.end === null ? `until now (${duration(now - period.start)} so far)` : `to ${iso(period.end)} (${duration(period.end - period.start)})`;
  const title = [
    `${lane.kind === "subscription" ? "Subscription" : lane.label}: ${color.label}`,
    `from ${iso(period.start)} ${until}`,
    `set by ${period.startEvent.type}`,
    period.inferred ? "inferred from the subscription's copy of this item" : null,
  ]
    .filter(Boolean)
    .join("\n");
  const dark = ["active", "past_due", "canceled"].includes(period.status);
  // Statuses after which nothing more happens recede to a thin line, so the live ones stand out.
  const over = TERMINAL_STATUSES.has(period.status);
  const barY = over ? y + BAR_HEIGHT / 2 - 3 : y;
  const barHeight = over ? 6 : BAR_HEIGHT;
  const labelFits = width > color.label.length * 6.5 + 8;
  return (
    <a href={`/events/${period.startEvent.id}`} data-testid="status-period" data-status={period.status}>
      <title>{title}</title>
      {/* A transparent full-height target keeps thin bars easy to hover and click. */}
      <rect x={x1} y={y} width={width} height={BAR_HEIGHT} fill="transparent" />
      <rect x={x1} y={barY} width={width} height={barHeight} rx={3} fill={color.fill} />
      {period.inferred ? <rect x={x1} y={barY} width={width} height={barHeight} rx={3} fill="url(#inferred-hatch)" /> : null}
      {period.end === null && !over ? <path d={`M ${x1 + width - 1} ${y + 4} l 6 6 l -6 6 z`} fill={color.fill} /> : null}
      {over ? (
        <text
          x={x1 + 4 + color.label.length * 6 > edge ? x1 + width : x1 + 4}
          y={barY - 3}
          fontSize={10}
          textAnchor={x1 + 4 + color.label.length * 6 > edge ? "end" : "start"}
          className="fill-slate-600"
          pointerEvents="none"
        >
          {color.label}
        </text>
      ) : labelFits ? (
        <text x={x1 + 5} y={y + 14} fontSize={11} fill={dark ? "#ffffff" : "#0f172a"} pointerEvents="none" data-on-bar="">
          {color.label}
        </text>
      ) : null}
    </a>
  );
}

function Legend({ timeline }: { timeline: BillingTimeline }) {
  const used = new Set([...timeline.subscriptionLanes, ...timeline.itemLanes].flatMap((lane) => lane.periods.map((p) => p.status)));
  const statuses = [...STATUS_LEGEND_ORDER.filter((s) => used.has(s)), ...[...used].filter((s) => !STATUS_LEGEND_ORDER.includes(s))];
  const anyInferred = [...timeline.subscriptionLanes, ...timeline.itemLanes].some((lane) => lane.periods.some((p) => p.inferred));
  const anyTrial = timeline.itemLanes.some((lane) => lane.markers.length);
  const paymentStatuses = [...new Set(timeline.payments.map((p) => p.status))];
  return (
    <figcaption className="mt-2 flex flex-wrap items-center gap-x-4 gap-y-1.5 text-xs text-slate-700" data-testid="chart-legend">
      {statuses.map((status) => (
        <span key={status} className="inline-flex items-center gap-1.5">
          <span aria-hidden className="inline-block h-3 w-5 rounded-sm" style={{ background: statusColor(status).fill }} />
          {statusColor(status).label}
        </span>
      ))}
      {paymentStatuses.map((status) => {
        const color = PAYMENT_COLORS[status] ?? PAYMENT_COLORS.pending!;
        return (
          <span key={status} className="inline-flex items-center gap-1.5">
            <svg aria-hidden width="14" height="14" viewBox="0 0 14 14">
              <circle cx="7" cy="7" r="5.5" fill={color.fill} stroke={color.stroke} strokeWidth="1.5" />
            </svg>
            {color.label}
          </span>
        );
      })}
      {anyTrial ? (
        <span className="inline-flex items-center gap-1.5">
          <svg aria-hidden width="14" height="14" viewBox="0 0 14 14">
            <path d="M 7 1 l 6 6 l -6 6 l -6 -6 z" fill={TRIAL_MARKER_COLOR} />
          </svg>
          Free trial ending
        </span>
      ) : null}
      {anyInferred ? (
        <span className="inline-flex items-center gap-1.5">
          <span aria-hidden className="inline-block h-3 w-5 rounded-sm" style={{ background: "repeating-linear-gradient(45deg,#94a3b8 0 3px,#e2e8f0 3px 6px)" }} />
          Inferred (from a subscription's copy of the item)
        </span>
      ) : null}
      <span className="text-slate-500">▸ still in that status · hover a shape for details, click to open its event</span>
    </figcaption>
  );
}
