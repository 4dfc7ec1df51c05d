// The shapes an alert's status machine works with: what Binance answered, the action the order desk carries out
// next, and a transition (the report to save, the notional that may have opened, the next action); plus the
// endings every phase shares. Transitions copy the report: the caller's stays as it was.

import type { Decimal } from "../decimal.ts";
import type { Alert } from "./alert.ts";
import type { Hook } from "./config.ts";
import type { AccountView, Step, SymbolRules } from "./plan.ts";
import type { AlertReport } from "./report.ts";

/** A Binance call's outcome, as the desk's caller reports it. */
export type CallOutcome =
  /** Binance answered 2xx. */
  | { readonly kind: "ok"; readonly status: number; readonly body: string }
  /** Binance (or the gateway) answered with an error: nothing happened. */
  | { readonly kind: "refused"; readonly status: number; readonly body: string; readonly code: number | null }
  /** An order whose outcome nobody could settle. */
  | { readonly kind: "unknown"; readonly body: string };

export type AlertAction =
  /** Read the symbol's rules, its price and the account, then `onExchangeRead`. */
  | { readonly kind: "read-exchange"; readonly hook: Hook; readonly alert: Alert }
  /** Derive the client order id of each step (stepClientId, by index), then `onPlanned`. */
  | {
      readonly kind: "derive-ids";
      readonly hook: Hook;
      readonly alert: Alert;
      readonly steps: readonly Step[];
    }
  /** Look step `index` up by its client order id (it was in flight when the desk stopped), then `onLookedUp`. */
  | { readonly kind: "look-up"; readonly hook: Hook; readonly index: number }
  /** Send step `index` with its client order id, then `onSent`. */
  | { readonly kind: "send"; readonly hook: Hook; readonly index: number }
  /** A step may still be in flight: stop here, and come back at `until` (the queue behind waits). */
  | { readonly kind: "wait"; readonly until: number }
  /** The alert is finished: announce the report. */
  | { readonly kind: "finish" };

/** Where an alert's run stops for now. */
export type AlertEnd = Extract<AlertAction, { readonly kind: "wait" | "finish" }>;
/** What the desk carries out and hands back to the machine. */
export type AlertTask = Exclude<AlertAction, AlertEnd>;

export interface Transition {
  /** The alert's report, to be saved before `next` is carried out. */
  readonly report: AlertReport;
  /** Notional that may have opened just now (decimal text), to count against the per-minute limit. */
  readonly opened: string | null;
  readonly next: AlertAction;
}

/** What the desk read from Binance for the plan; null when the symbol does not trade. */
export interface ExchangeView {
  readonly rules: SymbolRules;
  readonly price: Decimal;
  readonly account: AccountView;
}

/**
 * Ends an alert that cannot go on, with the status its steps call for: "refused" if nothing was sent,
 * "unknown" if a step's fate is open, "partial" if orders were placed.
 */
export function settle(report: AlertReport, reason: string, now: number): Transition {
  for (const step of report.steps) if (step.status === "planned") step.status = "skipped";
  const sending = report.steps.some((step) => step.status === "sending");
  const placed = report.steps.some((step) => step.status === "ok" && step.clientOrderId !== null);
  report.status = sending
    ? "unknown"
    : placed
      ? "partial"
      : report.steps.some((s) => s.status === "ok")
        ? "failed"
        : "refused";
  report.reason = reason;
  return finish(report, now);
}

export function finish(report: AlertReport, now: number): Transition {
  report.finishedAt = now;
  return { report, opened: null, next: { kind: "finish" } };
}

/** A copy the transition may change: the caller's report stays as it was. */
export function copy(report: AlertReport): AlertReport {
  return { ...report, steps: report.steps.map((step) => ({ ...step })) };
}
