// Sending an alert's planned steps, in order, stopping at the first Binance refuses or leaves unknown. Every step
// is recorded as "sending" before it goes out, so a desk restarted mid-alert looks an in-flight order up by its
// client order id instead of placing it twice; it looks only once that request can no longer reach Binance
// (SETTLE_MS), so "no such order" really means "not placed" and the order is sent then.

import { format, isZero, parseDecimal, ZERO } from "../decimal.ts";
import { messageOf } from "../encoding/binance-error.ts";
import { type CallOutcome, copy, finish, settle, type Transition } from "./alert-transition.ts";
import type { Hook } from "./config.ts";
import type { AlertReport } from "./report.ts";
import { stepAt } from "./step-calls.ts";

/** How long an order request can still be on its way to Binance (the egress deadline and retries, with margin). */
export const SETTLE_MS = 30_000;
/** Binance answers that mean the setting is already what was asked. */
const ALREADY_SET = new Set([-4046, -4059]);
/** Binance's "order does not exist" (looking up an order sent before a restart). */
const NO_SUCH_ORDER = new Set([-2013, -2011]);

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
export function sendNext(report: AlertReport, hook: Hook, now: number): Transition {
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
