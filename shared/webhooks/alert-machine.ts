// One alert's status machine: queued -> running (read the exchange, plan, send the steps in order) -> done, or
// dry-run, refused, failed, partial, unknown. Pure: the order desk (workers/webhooks/order-desk.ts) hands each
// transition what happened and the time, saves the report it returns and carries out its `next` action
// (alert-transition.ts). This file is the alert's turn and its plan; alert-sending.ts sends the steps.

import type { Market } from "../catalog/types.ts";
import { format } from "../decimal.ts";
import { type Alert, readAlert } from "./alert.ts";
import { sendNext } from "./alert-sending.ts";
import { copy, type ExchangeView, finish, settle, type Transition } from "./alert-transition.ts";
import type { Hook } from "./config.ts";
import { minuteLimitProblem } from "./minute-limit.ts";
import { planAlert, type Step } from "./plan.ts";
import type { AlertReport } from "./report.ts";

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

function marketName(market: Market): string {
  return market === "um" ? "USDⓈ-M" : "COIN-M";
}
