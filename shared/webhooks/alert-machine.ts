// One alert's status machine: queued -> running (read the exchange, plan, send the steps in order) -> done, or
// dry-run, refused, failed, partial, unknown. Pure: the order desk (workers/webhooks/order-desk.ts) hands each
// transition what happened and the time, saves the report it returns and carries out its `next` action.
// Every step is recorded as "sending" before it goes out, so a desk restarted mid-alert looks an in-flight order
// up by its client order id instead of placing it twice; it looks only once that request can no longer reach
// Binance (SETTLE_MS), so "no such order" really means "not placed" and the order is sent then.

import type { Market } from "../catalog/types.ts";
import { type Decimal, format, isZero, parseDecimal, ZERO } from "../decimal.ts";
import { messageOf } from "../encoding/binance-error.ts";
import { type Alert, readAlert } from "./alert.ts";
import type { Hook } from "./config.ts";
import { minuteLimitProblem } from "./minute-limit.ts";
import { type AccountView, planAlert, type Step, type SymbolRules } from "./plan.ts";
import type { AlertReport } from "./report.ts";
import { stepAt } from "./step-calls.ts";

/** How long an order request can still be on its way to Binance (the egress deadline and retries, with margin). */
export const SETTLE_MS = 30_000;
/** Binance answers that mean the setting is already what was asked. */
const ALREADY_SET = new Set([-4046, -4059]);
/** Binance's "order does not exist" (looking up an order sent before a restart). */
const NO_SUCH_ORDER = new Set([-2013, -2011]);

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

/** A new alert's report, before its turn. */
export function queuedReport(hook: string, id: string, receivedAt: number): AlertReport {
  const report = {
    hook,
    id,
    receivedAt,
    status: "queued" as const,
    action: null,
    symbol: null,
    reason: null,
  };
  return { ...report, steps: [], finishedAt: null };
}

/** The alert's turn came (or came again, after a restart). `hook`: its configuration now, if still configured. */
export function startAlert(
  queued: AlertReport,
  turn: { readonly hook: Hook | undefined; readonly body: string; readonly now: number },
): Transition {
  const { hook, now } = turn;
  const report = copy(queued);
  if (hook === undefined) return settle(report, "the hook is no longer configured", now);
  if (!hook.enabled) return settle(report, `hook ${hook.id} is disabled (kill switch)`, now);
  const read = readAlert(turn.body, hook.defaults, report.id);
  if (!read.alert.ok) return settle(report, read.alert.error, now);
  const alert = read.alert.value;
  report.action = alert.action;
  report.symbol = alert.symbol;
  report.status = "running";
  // The age is checked again here: an alert that waited (a backlog, a restart) is not placed late. Once a step
  // went out, the rest (brackets protecting an entry) is finished whatever the age.
  const age = now - alert.time;
  const sent = report.steps.some((step) => step.status !== "planned");
  if (!sent && age > hook.maxLagMs)
    return settle(
      report,
      `the alert was ${Math.round(age / 1000)} s old when its turn came, above maxLagSeconds ${hook.maxLagMs / 1000}`,
      now,
    );
  // Resumed after a restart: the plan made then is finished, not made again from a changed account.
  if (report.steps.length > 0) return sendNext(report, hook, now);
  return { report, opened: null, next: { kind: "read-exchange", hook, alert } };
}

/** The exchange was read: plan, and check the per-minute limit against `opened` (the hook's last minute). */
export function onExchangeRead(
  running: AlertReport,
  read: {
    readonly hook: Hook;
    readonly alert: Alert;
    readonly view: ExchangeView | null;
    readonly opened: readonly string[];
    readonly now: number;
  },
): Transition {
  const { hook, alert, view, now } = read;
  const report = copy(running);
  if (view === null)
    return settle(
      report,
      `${alert.symbol} is not a trading symbol on Binance ${marketName(hook.market)}`,
      now,
    );
  const plan = planAlert(hook, alert, view.rules, view.price, view.account);
  if (!plan.ok) return settle(report, plan.error, now);
  const limit = minuteLimitProblem(hook, plan.value, read.opened);
  if (limit !== null) return settle(report, limit, now);
  return { report, opened: null, next: { kind: "derive-ids", hook, alert, steps: plan.value } };
}

/** The plan's steps have their client order ids (`clientIds[i]` for step i): record them, then send or report. */
export function onPlanned(
  running: AlertReport,
  planned: {
    readonly hook: Hook;
    readonly steps: readonly Step[];
    readonly clientIds: readonly string[];
    readonly now: number;
  },
): Transition {
  const { hook, now } = planned;
  const report = copy(running);
  report.steps = planned.steps.map((step, index) => ({
    summary: step.summary,
    method: step.method,
    path: step.path,
    params: step.params,
    clientOrderId:
      step.kind === "order" || step.kind === "bracket" ? (planned.clientIds[index] ?? null) : null,
    status: hook.dryRun ? "skipped" : "planned",
    opens: format(step.opens),
  }));
  if (!hook.dryRun) return sendNext(report, hook, now);
  report.status = "dry-run";
  return finish(report, now);
}

/** The look-up of a step in flight before a restart answered: found, sent now (never got there), or unknown. */
export function onLookedUp(
  running: AlertReport,
  looked: { readonly hook: Hook; readonly index: number; readonly result: CallOutcome; readonly now: number },
): Transition {
  const { hook, index, result } = looked;
  if (result.kind === "refused" && NO_SUCH_ORDER.has(result.code ?? 0))
    return { report: copy(running), opened: null, next: { kind: "send", hook, index } };
  const outcome: CallOutcome = result.kind === "ok" ? result : { kind: "unknown", body: result.body };
  return onSent(running, { ...looked, result: outcome });
}

/** Binance answered a step: go on to the next one, or stop at the first it refused or left unknown. */
export function onSent(
  running: AlertReport,
  sent: { readonly hook: Hook; readonly index: number; readonly result: CallOutcome; readonly now: number },
): Transition {
  const { hook, result, now } = sent;
  const report = copy(running);
  const step = stepAt(report, sent.index);
  step.httpStatus = result.kind === "unknown" ? 0 : result.status;
  step.response = result.body;
  const opens = parseDecimal(step.opens) ?? ZERO;
  // What may have opened counts against the per-minute limit: placed, or not known not to be.
  const opened = result.kind !== "refused" && !isZero(opens) ? format(opens) : null;
  if (result.kind === "ok" || (result.kind === "refused" && ALREADY_SET.has(result.code ?? 0))) {
    step.status = "ok";
    return { ...sendNext(report, hook, now), opened };
  }
  const placedBefore = report.steps.some((s) => s.status === "ok" && s.clientOrderId !== null);
  if (result.kind === "unknown") {
    step.status = "unknown";
    report.status = "unknown";
    report.reason = `Binance did not confirm "${step.summary}": query client order id ${step.clientOrderId ?? "?"} before acting again`;
  } else {
    step.status = "failed";
    report.status = placedBefore ? "partial" : "failed";
    report.reason = `Binance refused "${step.summary}": ${messageOf(result.body)}${placedBefore ? " (earlier orders of this alert were placed: check the position)" : ""}`;
  }
  for (const later of report.steps) if (later.status === "planned") later.status = "skipped";
  return { ...finish(report, now), opened };
}

/** Carrying out an action failed (Binance could not be read, an internal error): the alert ends here. */
export function onFailure(
  running: AlertReport,
  failure: { readonly reason: string; readonly now: number },
): Transition {
  return settle(copy(running), failure.reason, failure.now);
}

/** The first step not yet done: wait for it, look it up, or send it; done when there is none. */
function sendNext(report: AlertReport, hook: Hook, now: number): Transition {
  const index = report.steps.findIndex((step) => step.status !== "ok" && step.status !== "skipped");
  const step = report.steps[index];
  if (step === undefined) {
    report.status = "done";
    return finish(report, now);
  }
  if (step.status === "sending" && step.clientOrderId !== null) {
    // Sent before a restart: looked up only once that request can no longer reach Binance.
    const settledAt = (step.sentAt ?? 0) + SETTLE_MS;
    if (now < settledAt) return { report, opened: null, next: { kind: "wait", until: settledAt } };
    return { report, opened: null, next: { kind: "look-up", hook, index } };
  }
  if (step.status !== "sending") step.sentAt = now;
  step.status = "sending";
  return { report, opened: null, next: { kind: "send", hook, index } };
}

/**
 * Ends an alert that cannot go on, with the status its steps call for: "refused" if nothing was sent,
 * "unknown" if a step's fate is open, "partial" if orders were placed.
 */
function settle(report: AlertReport, reason: string, now: number): Transition {
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

function finish(report: AlertReport, now: number): Transition {
  report.finishedAt = now;
  return { report, opened: null, next: { kind: "finish" } };
}

/** A copy the transition may change: the caller's report stays as it was. */
function copy(report: AlertReport): AlertReport {
  return { ...report, steps: report.steps.map((step) => ({ ...step })) };
}

function marketName(market: Market): string {
  return market === "um" ? "USDⓈ-M" : "COIN-M";
}
