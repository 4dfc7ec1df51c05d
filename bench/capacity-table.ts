// The capacity table of `npm run bench`: one row per load and target (the runtime's ceiling, the relay, the Node
// relay), each with deliveries/s and latency, its share of the ceiling's and the Node relay's deliveries at the
// same load, the runtime's memory across the row and the admission of a new client under that load.

import type { AdmissionResult, Spread } from "./admission.ts";
import type { FanoutResult } from "./fanout.ts";
import type { RssSpan } from "./memory.ts";

export type Target = "ceiling" | "relay" | "Node";

export interface CapacityRow {
  readonly clients: number;
  readonly perSecond: number;
  readonly target: Target;
  readonly fanout: FanoutResult;
  /** The workerd runtime's resident memory across the row; null for the Node relay (not a workerd process). */
  readonly rss: RssSpan | null;
  readonly admission: AdmissionResult;
}

const COLUMNS = [
  ["K x R", 11],
  ["target", 8],
  ["expected", 9],
  ["deliv/s", 9],
  ["p50", 6],
  ["p99", 7],
  ["/ceil", 7],
  ["/Node", 7],
  ["RSS MB b/peak/a", 18],
  ["101 p50/max", 15],
  ["1st event p50/max", 19],
] as const;

export function formatCapacity(rows: readonly CapacityRow[]): string[] {
  const header = COLUMNS.map(([label, width], i) => (i < 2 ? label.padEnd(width) : label.padStart(width)));
  return [header.join(""), ...rows.map((row) => formatRow(row, rows))];
}

function formatRow(row: CapacityRow, rows: readonly CapacityRow[]): string {
  const at = (target: Target) =>
    rows.find((r) => r.clients === row.clients && r.perSecond === row.perSecond && r.target === target);
  const share = (target: Target) => {
    const base = at(target);
    return base === undefined ? "-" : (row.fanout.perSecond / base.fanout.perSecond).toFixed(2);
  };
  const { fanout, rss, admission } = row;
  const cells = [
    `${row.clients} x ${row.perSecond}`,
    row.target,
    String(fanout.expectedPerSecond),
    fanout.perSecond.toFixed(0),
    fanout.p50.toFixed(0),
    fanout.p99.toFixed(0),
    share("ceiling"),
    share("Node"),
    rss === null ? "-" : `${rss.before}/${rss.peak}/${rss.after}`,
    spreadCell(admission.upgrade, admission.timeoutMs),
    spreadCell(admission.firstEvent, admission.timeoutMs),
  ];
  return cells
    .map((cell, i) => (i < 2 ? cell.padEnd(COLUMNS[i]?.[1] ?? 0) : cell.padStart(COLUMNS[i]?.[1] ?? 0)))
    .join("");
}

/** "p50/max" in ms; a figure that reached the timeout is marked ">". */
function spreadCell(spread: Spread, timeoutMs: number): string {
  const ms = (value: number) => `${value >= timeoutMs ? ">" : ""}${value.toFixed(0)}`;
  return `${ms(spread.p50)}/${ms(spread.max)}`;
}
