// One alert's status machine, every transition with the time passed in: the turn (refusals, the age check,
// resuming), the exchange read and the plan, the per-minute limit, sending, and what a restart left in flight.
import { describe, expect, it } from "vitest";
import type { Alert } from "../../../shared/webhooks/alert.ts";
import {
  onExchangeRead,
  onFailure,
  onLookedUp,
  onPlanned,
  onSent,
  queuedReport,
  SETTLE_MS,
  startAlert,
  type Transition,
} from "../../../shared/webhooks/alert-machine.ts";
import type { Step } from "../../../shared/webhooks/plan.ts";
import { bodyOf, hookOf, runningReport, stepOf, T0, VIEW } from "../../support/webhook-fixtures.ts";

const NOW = T0 + 1000;
const OK = { kind: "ok", status: 200, body: '{"orderId":1}' } as const;

function refused(code: number, msg: string) {
  return { kind: "refused", status: 400, body: JSON.stringify({ code, msg }), code } as const;
}

/** The alert's turn, then the exchange read; the transition that asks for the steps' ids. */
function planned(fields: Record<string, unknown>, hook = hookOf()) {
  const start = startAlert(queuedReport("tv", "a1", T0), { hook, body: bodyOf(fields), now: NOW });
  const alert = expectNext(start, "read-exchange").alert;
  const read = onExchangeRead(start.report, { hook, alert, view: VIEW, opened: [], now: NOW });
  return { read, steps: expectNext(read, "derive-ids").steps, alert };
}

function expectNext<K extends Transition["next"]["kind"]>(
  transition: Transition,
  kind: K,
): Extract<Transition["next"], { kind: K }> {
  expect(transition.next.kind, transition.report.reason ?? "").toBe(kind);
  return transition.next as Extract<Transition["next"], { kind: K }>;
}

/** Planned and named: ready to send its first step. */
function sending(fields: Record<string, unknown>, hook = hookOf()) {
  const { read, steps } = planned(fields, hook);
  const ids = steps.map((_, index) => `wh-${index}`);
  return onPlanned(read.report, { hook, steps, clientIds: ids, now: NOW });
}

describe("an alert's turn", () => {
  it("starts queued, with nothing planned", () => {
    expect(queuedReport("tv", "a1", T0)).toMatchObject({ status: "queued", steps: [], finishedAt: null });
  });

  it("refuses an alert whose hook is gone, disabled, or whose body cannot be read", () => {
    const queued = queuedReport("tv", "a1", T0);
    const reasons = [
      startAlert(queued, { hook: undefined, body: bodyOf({ action: "buy", quantity: 1 }), now: NOW }),
      startAlert(queued, {
        hook: hookOf({ enabled: false }),
        body: bodyOf({ action: "buy", quantity: 1 }),
        now: NOW,
      }),
      startAlert(queued, { hook: hookOf(), body: bodyOf({ action: "buy" }), now: NOW }),
    ].map((t) => [t.report.status, t.report.reason, t.report.finishedAt, t.next.kind]);
    expect(reasons).toEqual([
      ["refused", "the hook is no longer configured", NOW, "finish"],
      ["refused", "hook tv is disabled (kill switch)", NOW, "finish"],
      ["refused", "buy needs quantity, notional or percent", NOW, "finish"],
    ]);
  });

  it("refuses a backlogged alert that grew too old waiting for its turn", () => {
    const late = startAlert(queuedReport("tv", "a1", T0), {
      hook: hookOf(),
      body: bodyOf({ action: "buy", quantity: "0.01" }),
      now: T0 + 61_000,
    });
    expect([late.report.status, late.report.reason, late.next.kind]).toEqual([
      "refused",
      "the alert was 61 s old when its turn came, above maxLagSeconds 60",
      "finish",
    ]);
  });

  it("runs a fresh alert: reads the exchange, leaving the queued report as it was", () => {
    const queued = queuedReport("tv", "a1", T0);
    const start = startAlert(queued, {
      hook: hookOf(),
      body: bodyOf({ action: "buy", quantity: "0.01" }),
      now: NOW,
    });
    expect([start.report.status, start.report.action, start.report.symbol]).toEqual([
      "running",
      "buy",
      "BTCUSDT",
    ]);
    expect(expectNext(start, "read-exchange").alert.symbol).toBe("BTCUSDT");
    expect(queued.status).toBe("queued");
  });
});

describe("reading the exchange and planning", () => {
  function read(
    fields: Record<string, unknown>,
    options: { view?: typeof VIEW | null; opened?: string[] } = {},
  ) {
    const hook = hookOf({ maxNotionalPerMinute: "8000" });
    const start = startAlert(queuedReport("tv", "a1", T0), { hook, body: bodyOf(fields), now: NOW });
    const alert: Alert = expectNext(start, "read-exchange").alert;
    const view = options.view === undefined ? VIEW : options.view;
    return onExchangeRead(start.report, { hook, alert, view, opened: options.opened ?? [], now: NOW });
  }

  it("refuses a symbol that does not trade, and a plan the rules refuse", () => {
    const gone = read({ action: "buy", quantity: "0.01" }, { view: null });
    expect([gone.report.status, gone.report.reason]).toEqual([
      "refused",
      "BTCUSDT is not a trading symbol on Binance USDⓈ-M",
    ]);
    expect(read({ action: "buy", quantity: "0.1" }).report.reason).toBe(
      "order notional 6000 USDT is above the hook's maxNotional 5000 USDT",
    );
  });

  it("counts what the hook opened in the last minute against maxNotionalPerMinute", () => {
    expect(read({ action: "buy", notional: 4000 }, { opened: ["3000"] }).next.kind).toBe("derive-ids");
    const over = read({ action: "buy", notional: 4500 }, { opened: ["3000", "1000"] });
    expect([over.report.status, over.report.reason]).toEqual([
      "refused",
      "this alert would open 4500 USDT on top of 4000 USDT in the last minute, above the hook's maxNotionalPerMinute 8000 USDT",
    ]);
  });

  it("asks for the ids of the planned steps", () => {
    const { steps } = planned({ action: "buy", quantity: "0.01", leverage: 5 });
    expect(steps.map((s: Step) => s.kind)).toEqual(["leverage", "order"]);
  });
});

describe("sending the steps", () => {
  it("names the orders, not the settings, and sends the first step marked as sending", () => {
    const first = sending({ action: "buy", quantity: "0.01", leverage: 5 });
    expect(first.report.steps.map((s) => [s.clientOrderId, s.status, s.sentAt])).toEqual([
      [null, "sending", NOW],
      ["wh-1", "planned", undefined],
    ]);
    expect(first.next).toMatchObject({ kind: "send", index: 0 });
  });

  it("reports a dry run's plan and sends nothing", () => {
    const dry = sending({ action: "buy", quantity: "0.01" }, hookOf({ dryRun: true }));
    expect([dry.report.status, dry.report.steps.map((s) => s.status), dry.next.kind]).toEqual([
      "dry-run",
      ["skipped"],
      "finish",
    ]);
  });

  it("goes step by step, takes 'already set' for done, and counts what opened", () => {
    const hook = hookOf();
    const first = sending({ action: "buy", quantity: "0.01", marginType: "ISOLATED" });
    const second = onSent(first.report, {
      hook,
      index: 0,
      result: refused(-4046, "No need to change margin type."),
      now: NOW + 10,
    });
    expect([second.report.steps[0]?.status, second.opened, second.next]).toEqual([
      "ok",
      null,
      { kind: "send", hook, index: 1 },
    ]);
    const done = onSent(second.report, { hook, index: 1, result: OK, now: NOW + 20 });
    expect([done.report.status, done.report.finishedAt, done.opened, done.next.kind]).toEqual([
      "done",
      NOW + 20,
      "600.00000",
      "finish",
    ]);
    expect(done.report.steps[1]).toMatchObject({ status: "ok", httpStatus: 200, response: '{"orderId":1}' });
  });

  it("stops at a refusal: failed before any order, partial after one, later steps skipped", () => {
    const hook = hookOf();
    const first = sending({ action: "buy", quantity: "0.01", stopLossPercent: 1 });
    const failed = onSent(first.report, {
      hook,
      index: 0,
      result: refused(-2019, "Margin is insufficient."),
      now: NOW,
    });
    expect([failed.report.status, failed.report.reason, failed.opened]).toEqual([
      "failed",
      'Binance refused "BUY 0.010 BTCUSDT at market": -2019 Margin is insufficient.',
      null,
    ]);
    expect(failed.report.steps.map((s) => s.status)).toEqual(["failed", "skipped"]);
    const placed = onSent(first.report, { hook, index: 0, result: OK, now: NOW });
    const partial = onSent(placed.report, {
      hook,
      index: 1,
      result: refused(-4130, "An open stop exists."),
      now: NOW,
    });
    expect([partial.report.status, partial.report.reason]).toEqual([
      "partial",
      expect.stringMatching(
        /-4130 An open stop exists\. \(earlier orders of this alert were placed: check the position\)$/,
      ),
    ]);
  });

  it("leaves an unconfirmed order unknown, naming its client order id, and counts it as opened", () => {
    const first = sending({ action: "buy", quantity: "0.01" });
    const lost = onSent(first.report, {
      hook: hookOf(),
      index: 0,
      result: { kind: "unknown", body: "{}" },
      now: NOW,
    });
    expect([lost.report.status, lost.report.steps[0]?.httpStatus, lost.opened]).toEqual([
      "unknown",
      0,
      "600.00000",
    ]);
    expect(lost.report.reason).toBe(
      'Binance did not confirm "BUY 0.010 BTCUSDT at market": query client order id wh-0 before acting again',
    );
  });

  it("ends an alert whose work failed with the status its steps call for", () => {
    const reason = { reason: "Binance gave no price for BTCUSDT", now: NOW };
    const status = (steps: ReturnType<typeof stepOf>[]) =>
      onFailure(runningReport(steps), reason).report.status;
    expect(status([])).toBe("refused");
    expect(status([stepOf({ status: "sending" })])).toBe("unknown");
    expect(status([stepOf({ status: "ok" }), stepOf({ status: "planned" })])).toBe("partial");
    expect(status([stepOf({ status: "ok", clientOrderId: null }), stepOf()])).toBe("failed");
  });
});

describe("resuming after a restart", () => {
  const hook = hookOf();
  const body = bodyOf({ action: "buy", quantity: "0.01" });
  const sentAt = T0 + 500;
  const interrupted = runningReport([stepOf({ status: "sending", sentAt })]);
  /** Resumed at `now` once the step settled, and looked up with this result. */
  const lookedUp = (now: number, result: Parameters<typeof onLookedUp>[1]["result"]) =>
    onLookedUp(startAlert(interrupted, { hook, body, now }).report, { hook, index: 0, result, now });

  it("waits while the step may still be on its way to Binance", () => {
    const early = startAlert(interrupted, { hook, body, now: sentAt + SETTLE_MS - 1 });
    expect(early.next).toEqual({ kind: "wait", until: sentAt + SETTLE_MS });
    expect(early.report.steps[0]?.status).toBe("sending");
  });

  it("finds the order by its client order id instead of placing it again", () => {
    const now = sentAt + SETTLE_MS;
    const resumed = startAlert(interrupted, { hook, body, now });
    expect(resumed.next).toEqual({ kind: "look-up", hook, index: 0 });
    const found = lookedUp(now, OK);
    expect([found.report.status, found.report.steps[0]?.status, found.opened]).toEqual(["done", "ok", "600"]);
  });

  it("sends the order again when Binance never got it, with its first send time kept", () => {
    const now = sentAt + SETTLE_MS + 5;
    const missing = lookedUp(now, refused(-2013, "Order does not exist."));
    expect(missing.next).toEqual({ kind: "send", hook, index: 0 });
    expect(missing.report.steps[0]).toMatchObject({ status: "sending", sentAt });
    expect(onSent(missing.report, { hook, index: 0, result: OK, now }).report.status).toBe("done");
  });

  it("leaves the order unknown when the look-up settles nothing", () => {
    const unsure = lookedUp(sentAt + SETTLE_MS, refused(-1021, "Timestamp outside recvWindow."));
    expect([unsure.report.status, unsure.report.steps[0]?.status]).toEqual(["unknown", "unknown"]);
  });

  it("finishes the rest of a started plan whatever the alert's age, without planning again", () => {
    const started = runningReport([
      stepOf({ status: "ok" }),
      stepOf({ summary: "stopLoss", clientOrderId: "wh-0002" }),
    ]);
    const later = startAlert(started, { hook, body, now: T0 + 3_600_000 });
    expect(later.next).toEqual({ kind: "send", hook, index: 1 });
    expect(later.report.steps[1]).toMatchObject({ status: "sending", sentAt: T0 + 3_600_000 });
  });

  it("sends a settings step in flight again at once: it has no id to look up", () => {
    const setting = runningReport([stepOf({ status: "sending", sentAt, clientOrderId: null })]);
    expect(startAlert(setting, { hook, body, now: sentAt + 1 }).next).toEqual({
      kind: "send",
      hook,
      index: 0,
    });
  });
});
