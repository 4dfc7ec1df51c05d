// The order desk: one Durable Object per account and market, the single writer of that account's webhook
// orders. The Worker hands it each alert it accepted; the desk stores it under (hook, alert id), so any number of
// deliveries of one alert, concurrent or not, are one alert, and works the alerts off one at a time in arrival
// order. The desk is a shell: the queue (shared/webhooks/desk-queue.ts) and each alert's status machine
// (shared/webhooks/alert-machine.ts, alert-sending.ts) decide; the desk reads Binance, sends the steps, keeps
// the reports in SQLite, sets the alarm and posts the outcome, as their actions say (alert-transition.ts).

import { DurableObject } from "cloudflare:workers";
import { withoutPassphrase } from "../../shared/webhooks/alert.ts";
import { onExchangeRead, onPlanned, queuedReport, startAlert } from "../../shared/webhooks/alert-machine.ts";
import { onFailure, onLookedUp, onSent } from "../../shared/webhooks/alert-sending.ts";
import type { AlertEnd, AlertTask, CallOutcome, Transition } from "../../shared/webhooks/alert-transition.ts";
import type { Hook } from "../../shared/webhooks/config.ts";
import {
  ACCEPT_ALARM_MS,
  type Drain,
  IDLE,
  onAlertEnded,
  onQueueHead,
  requestDrain,
} from "../../shared/webhooks/desk-queue.ts";
import { MINUTE_MS } from "../../shared/webhooks/minute-limit.ts";
import { type AlertReport, notificationBody, stepClientId } from "../../shared/webhooks/report.ts";
import { lookupCall, sendCall, stepAt } from "../../shared/webhooks/step-calls.ts";
import { hooksOf, logLevelOf, placementOf } from "../config/index.ts";
import type { GatewayEnv } from "../env.ts";
import { createLogger, type Logger } from "../log.ts";
import { BinanceCalls } from "./binance-calls.ts";
import { type AlertRow, DeskStorage } from "./desk-storage.ts";
import { accountView, lastPrice, RulesCache } from "./exchange-view.ts";

export class OrderDesk extends DurableObject<GatewayEnv> {
  readonly #storage: DeskStorage;
  readonly #log: Logger;
  readonly #rules = new RulesCache();
  #drain: Drain = IDLE;
  #draining: Promise<void> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: GatewayEnv) {
    super(ctx, env);
    this.#storage = new DeskStorage(ctx.storage.sql);
    this.#log = createLogger(logLevelOf(env));
  }

  /** Takes an alert the Worker accepted; "duplicate" if this hook already has one with this id. */
  async accept(hook: string, id: string, body: string, receivedAt: number): Promise<{ duplicate: boolean }> {
    const report = queuedReport(hook, id, receivedAt);
    const inserted = this.#storage.insert({ hook, id, body: withoutPassphrase(body), report });
    if (inserted) {
      // The alarm is the backstop: if the object is evicted before the queue is worked off, it comes back.
      await this.ctx.storage.setAlarm(Date.now() + ACCEPT_ALARM_MS);
      this.ctx.waitUntil(this.#requestDrain());
    }
    return { duplicate: !inserted };
  }

  report(hook: string, id: string): AlertReport | null {
    return this.#storage.find(hook, id)?.report ?? null;
  }

  override async alarm(): Promise<void> {
    await this.#requestDrain();
    this.#storage.prune(Date.now());
  }

  /** Starts a drain unless one runs; either way, the running drain's promise. */
  #requestDrain(): Promise<void> {
    const request = requestDrain(this.#drain);
    this.#drain = request.drain;
    if (request.start) this.#draining = this.#work();
    return this.#draining;
  }

  async #work(): Promise<void> {
    try {
      for (;;) {
        const row = this.#storage.next();
        const head = onQueueHead(this.#drain, { waiting: row !== null, now: Date.now() });
        this.#drain = head.drain;
        if (row === null || head.move.kind !== "run") return;
        await this.ctx.storage.setAlarm(head.move.alarmAt);
        const run = await this.#runAlert(row);
        const ended = onAlertEnded(this.#drain, run.end);
        this.#drain = ended.drain;
        if (ended.move.kind === "stop") {
          if (ended.move.alarmAt !== null) await this.ctx.storage.setAlarm(ended.move.alarmAt);
          return;
        }
        this.#notify(run.report);
      }
    } catch (error) {
      this.#drain = IDLE;
      throw error;
    }
  }

  /** Runs an alert until it finishes or must wait, saving its report after every transition. */
  async #runAlert(row: AlertRow): Promise<{ report: AlertReport; end: AlertEnd }> {
    const hook = this.#webhooks().get(row.report.hook);
    let transition = await this.#attempt(row.report, () =>
      startAlert(row.report, { hook, body: row.body, now: Date.now() }),
    );
    for (;;) {
      const { report, next, opened } = transition;
      this.#storage.save(report);
      if (opened !== null) this.#storage.recordOpened(report.hook, Date.now(), opened);
      if (next.kind === "wait" || next.kind === "finish") return { report, end: next };
      transition = await this.#attempt(report, () => this.#carryOut(report, next));
    }
  }

  /** A transition; should its work throw (Binance unreadable, an internal error), the alert ends with the reason. */
  async #attempt(report: AlertReport, work: () => Transition | Promise<Transition>): Promise<Transition> {
    try {
      return await work();
    } catch (error) {
      const reason = error instanceof Error ? error.message : "internal error";
      return onFailure(report, { reason, now: Date.now() });
    }
  }

  /** Carries out a task that reads or writes Binance, and hands its outcome back to the machine. */
  async #carryOut(report: AlertReport, task: AlertTask): Promise<Transition> {
    const { hook } = task;
    const calls = this.#calls(hook);
    switch (task.kind) {
      case "read-exchange": {
        const { alert } = task;
        const info = await this.#rules.get(calls, hook.market, alert.symbol, Date.now());
        const view =
          info === null
            ? null
            : {
                rules: info.rules,
                price: await lastPrice(calls, hook.market, alert.symbol),
                account: await accountView(calls, hook.market, info, alert.size?.kind === "percent"),
              };
        const opened = this.#storage.openedSince(hook.id, Date.now() - MINUTE_MS);
        return onExchangeRead(report, { hook, alert, view, opened, now: Date.now() });
      }
      case "derive-ids": {
        const { alert, steps } = task;
        const clientIds = await Promise.all(steps.map((_, index) => stepClientId(hook.id, alert.id, index)));
        return onPlanned(report, { hook, steps, clientIds, now: Date.now() });
      }
      case "look-up": {
        const call = lookupCall(stepAt(report, task.index));
        if (call === null) throw new Error("a step without a client order id cannot be looked up");
        const result: CallOutcome = await calls.call(call.method, call.path, call.params);
        return onLookedUp(report, { hook, index: task.index, result, now: Date.now() });
      }
      case "send": {
        const step = stepAt(report, task.index);
        const call = sendCall(step);
        const result = await calls.call(call.method, call.path, call.params, step.clientOrderId ?? undefined);
        return onSent(report, { hook, index: task.index, result, now: Date.now() });
      }
    }
  }

  #calls(hook: Hook): BinanceCalls {
    return new BinanceCalls(this.env, hook.account, hook.market, placementOf(this.env), {
      kind: "hook",
      name: hook.id,
    });
  }

  #webhooks(): ReadonlyMap<string, Hook> {
    const webhooks = hooksOf(this.env);
    return webhooks.ok ? webhooks.value : new Map();
  }

  /** Posts the outcome to the hook's notify URL; a failure is logged (without the URL: it holds a token). */
  #notify(report: AlertReport): void {
    const url = this.#webhooks().get(report.hook)?.notify;
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
