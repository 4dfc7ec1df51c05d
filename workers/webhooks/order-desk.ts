// The order desk: one Durable Object per account and market, the single writer of that account's webhook
// orders. The Worker hands it each alert it accepted; the desk stores it under (hook, alert id), so any number of
// deliveries of one alert, concurrent or not, are one alert, and runs the alerts one at a time in arrival order:
// read the symbol's rules, price and the account, plan (shared/webhooks/plan.ts), check the per-minute limit, then
// send each step with a client order id derived from the alert. Every step is recorded before it is sent, so a
// desk restarted mid-alert looks an in-flight order up by that id instead of placing it twice.

import { DurableObject } from "cloudflare:workers";
import { readAlert, withoutPassphrase } from "../../shared/webhooks/alert.ts";
import type { Hook } from "../../shared/webhooks/config.ts";
import {
  add,
  compare,
  format,
  formatShort,
  isZero,
  parseDecimal,
  ZERO,
} from "../../shared/webhooks/decimal.ts";
import { planAlert, type Step } from "../../shared/webhooks/plan.ts";
import {
  type AlertReport,
  notificationBody,
  type StepReport,
  stepClientId,
} from "../../shared/webhooks/report.ts";
import { hooksOf, logLevelOf, placementOf } from "../config/index.ts";
import type { GatewayEnv } from "../env.ts";
import { createLogger, type Logger } from "../log.ts";
import { BinanceCalls, type CallResult, errorCode, messageOf } from "./binance-calls.ts";
import { DeskStorage } from "./desk-storage.ts";
import { accountView, lastPrice, RulesCache } from "./exchange-view.ts";

/** Binance answers that mean the setting is already what was asked. */
const ALREADY_SET = new Set([-4046, -4059]);
/** How long an order request can still be on its way to Binance (the egress deadline and retries, with margin). */
const SETTLE_MS = 30_000;
/** Binance's "order does not exist" (looking up an order sent before a restart). */
const NO_SUCH_ORDER = new Set([-2013, -2011]);

export class OrderDesk extends DurableObject<GatewayEnv> {
  readonly #storage: DeskStorage;
  readonly #log: Logger;
  readonly #rules = new RulesCache();
  #draining: Promise<void> | null = null;

  constructor(ctx: DurableObjectState, env: GatewayEnv) {
    super(ctx, env);
    this.#storage = new DeskStorage(ctx.storage.sql);
    this.#log = createLogger(logLevelOf(env));
  }

  /** Takes an alert the Worker accepted; "duplicate" if this hook already has one with this id. */
  async accept(hook: string, id: string, body: string, receivedAt: number): Promise<{ duplicate: boolean }> {
    const report: AlertReport = {
      hook,
      id,
      receivedAt,
      status: "queued",
      action: null,
      symbol: null,
      reason: null,
      steps: [],
      finishedAt: null,
    };
    const inserted = this.#storage.insert({ hook, id, body: withoutPassphrase(body), report });
    if (inserted) {
      // The alarm is the backstop: if the object is evicted before the queue is worked off, it comes back.
      await this.ctx.storage.setAlarm(Date.now() + 5000);
      this.ctx.waitUntil(this.#drain());
    }
    return { duplicate: !inserted };
  }

  report(hook: string, id: string): AlertReport | null {
    return this.#storage.find(hook, id)?.report ?? null;
  }

  override async alarm(): Promise<void> {
    await this.#drain();
    this.#storage.prune(Date.now());
  }

  /** Works the queue off, one alert at a time; concurrent callers share the one run. */
  #drain(): Promise<void> {
    if (this.#draining !== null) return this.#draining;
    const run = this.#work();
    this.#draining = run;
    void run.finally(() => {
      if (this.#draining === run) this.#draining = null;
    });
    return run;
  }

  async #work(): Promise<void> {
    // Yield first, so #draining is set before any of this runs (an empty queue would otherwise finish at once).
    await Promise.resolve();
    for (let row = this.#storage.next(); row !== null; row = this.#storage.next()) {
      const report = row.report;
      // Should the object stop mid-alert, its alarm brings it back to finish the alert.
      await this.ctx.storage.setAlarm(Date.now() + 30_000);
      let later: number | null = null;
      try {
        later = await this.#run(row.body, report);
      } catch (error) {
        settle(report, error instanceof Error ? error.message : "internal error");
      }
      if (later !== null) {
        // A step may still be in flight from before a restart: this alert (and the queue behind it) waits.
        this.#storage.save(report);
        await this.ctx.storage.setAlarm(later);
        return;
      }
      report.finishedAt = Date.now();
      this.#storage.save(report);
      this.#notify(report);
    }
  }

  /** Runs an alert; returns when to try again if it must wait (a step possibly still in flight), else null. */
  async #run(body: string, report: AlertReport): Promise<number | null> {
    const hooks = hooksOf(this.env);
    const hook = hooks.ok ? hooks.value.get(report.hook) : undefined;
    if (hook === undefined) return settle(report, "the hook is no longer configured");
    if (!hook.enabled) return settle(report, `hook ${hook.id} is disabled (kill switch)`);
    const read = readAlert(body, hook.defaults, report.id);
    if (!read.alert.ok) return settle(report, read.alert.error);
    const alert = read.alert.value;
    report.action = alert.action;
    report.symbol = alert.symbol;
    report.status = "running";
    this.#storage.save(report);

    const hint = placementOf(this.env).locationHint;
    const calls = new BinanceCalls(this.env, hook.account, hook.market, hint, {
      kind: "hook",
      name: hook.id,
    });
    const sent = report.steps.some((step) => step.status !== "planned");
    // The age is checked again here: an alert that waited (a backlog, a restart) is not placed late. Once a step
    // went out, the rest (brackets protecting an entry) is finished whatever the age.
    const age = Date.now() - alert.time;
    if (!sent && age > hook.maxLagMs)
      return settle(
        report,
        `the alert was ${Math.round(age / 1000)} s old when its turn came, above maxLagSeconds ${hook.maxLagMs / 1000}`,
      );
    let steps: Step[];
    if (report.steps.length > 0) {
      // Resumed after a restart: the plan made then is finished, not made again from a changed account.
      steps = [];
    } else {
      const info = await this.#rules.get(calls, hook.market, alert.symbol, Date.now());
      if (info === null)
        return settle(
          report,
          `${alert.symbol} is not a trading symbol on Binance ${hook.market === "um" ? "USDⓈ-M" : "COIN-M"}`,
        );
      const price = await lastPrice(calls, hook.market, alert.symbol);
      const account = await accountView(calls, hook.market, info, alert.size?.kind === "percent");
      const plan = planAlert(hook, alert, info.rules, price, account);
      if (!plan.ok) return settle(report, plan.error);
      steps = plan.value;
      const limit = this.#minuteLimit(hook, steps);
      if (limit !== null) return settle(report, limit);
      report.steps = await Promise.all(
        steps.map(async (step, index) => ({
          summary: step.summary,
          method: step.method,
          path: step.path,
          params: step.params,
          clientOrderId: placesOrder(step) ? await stepClientId(hook.id, alert.id, index) : null,
          status: hook.dryRun ? ("skipped" as const) : ("planned" as const),
          opens: format(step.opens),
        })),
      );
      if (hook.dryRun) {
        report.status = "dry-run";
        return null;
      }
      this.#storage.save(report);
    }
    return this.#execute(hook, report, calls);
  }

  /** Sends the planned steps in order; stops at the first one Binance refuses. */
  async #execute(hook: Hook, report: AlertReport, calls: BinanceCalls): Promise<number | null> {
    for (const step of report.steps) {
      if (step.status === "ok" || step.status === "skipped") continue;
      const resumed = step.status === "sending";
      // A step sent before a restart may still be on its way through the egress object: it is looked up only
      // once that request can no longer reach Binance, so a lookup that finds nothing really means "not placed".
      const settledAt = (step.sentAt ?? 0) + SETTLE_MS;
      if (resumed && step.clientOrderId !== null && Date.now() < settledAt) return settledAt;
      step.status = "sending";
      if (!resumed) step.sentAt = Date.now();
      this.#storage.save(report);
      const result = await this.#send(calls, step, resumed);
      step.httpStatus = result.kind === "unknown" ? 0 : result.status;
      step.response = result.body;
      const opens = parseDecimal(step.opens) ?? ZERO;
      // What may have opened counts against the per-minute limit: placed, or not known not to be.
      if (result.kind !== "refused" && !isZero(opens))
        this.#storage.recordOpened(hook.id, Date.now(), format(opens));
      if (result.kind === "ok" || (result.kind === "refused" && ALREADY_SET.has(result.code ?? 0))) {
        step.status = "ok";
        this.#storage.save(report);
        continue;
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
      return null;
    }
    report.status = "done";
    return null;
  }

  /** Sends a step; one that was in flight when the desk stopped is first looked up by its client order id. */
  async #send(calls: BinanceCalls, step: StepReport, resumed: boolean): Promise<CallResult> {
    const method = step.method as "POST" | "DELETE";
    const params = [...step.params] as [string, string][];
    const id = step.clientOrderId;
    if (id !== null)
      params.push([step.path.endsWith("/algoOrder") ? "clientAlgoId" : "newClientOrderId", id]);
    if (resumed && id !== null) {
      const symbol = params.find(([name]) => name === "symbol")?.[1] ?? "";
      const lookup = step.path.endsWith("/algoOrder")
        ? await calls.call("GET", step.path, [["clientAlgoId", id]])
        : await calls.call("GET", step.path, [
            ["symbol", symbol],
            ["origClientOrderId", id],
          ]);
      if (lookup.kind === "ok") return lookup;
      if (!(lookup.kind === "refused" && NO_SUCH_ORDER.has(errorCode(lookup.body) ?? 0)))
        return { kind: "unknown", body: lookup.body };
    }
    return calls.call(method, step.path, params, id ?? undefined);
  }

  /** Why the plan would open more than the hook's maxNotionalPerMinute, or null. */
  #minuteLimit(hook: Hook, steps: readonly Step[]): string | null {
    if (hook.maxNotionalPerMinute === null) return null;
    const now = Date.now();
    let opened = ZERO;
    for (const text of this.#storage.openedSince(hook.id, now - 60_000))
      opened = add(opened, parseDecimal(text) ?? ZERO);
    const adding = steps.reduce((sum, step) => add(sum, step.opens), ZERO);
    if (isZero(adding) || compare(add(opened, adding), hook.maxNotionalPerMinute) <= 0) return null;
    const quote = hook.market === "um" ? "USDT" : "USD";
    return `this alert would open ${formatShort(adding)} ${quote} on top of ${formatShort(opened)} ${quote} in the last minute, above the hook's maxNotionalPerMinute ${formatShort(hook.maxNotionalPerMinute)} ${quote}`;
  }

  /** Posts the outcome to the hook's notify URL; a failure is logged (without the URL: it holds a token). */
  #notify(report: AlertReport): void {
    const hooks = hooksOf(this.env);
    const url = hooks.ok ? hooks.value.get(report.hook)?.notify : null;
    if (url === null || url === undefined) return;
    this.ctx.waitUntil(
      fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: notificationBody(url, report),
        signal: AbortSignal.timeout(10_000),
      })
        .then((response) => {
          if (!response.ok)
            this.#log.log("warn", "hook notification refused", {
              hook: report.hook,
              status: response.status,
            });
        })
        .catch(() => this.#log.log("warn", "hook notification failed", { hook: report.hook })),
    );
  }
}

function placesOrder(step: Step): boolean {
  return step.kind === "order" || step.kind === "bracket";
}

/**
 * Ends an alert that cannot go on, with the status its steps call for: "refused" if nothing was sent,
 * "unknown" if a step's fate is open, "partial" if orders were placed.
 */
function settle(report: AlertReport, reason: string): null {
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
  return null;
}
