// One alert's status machine, its turn and plan, with the time passed in: refusals, the age check, the exchange
// read, the per-minute limit, and the steps named and ready to send (or reported, for a dry run).
import { describe, expect, it } from "vitest";
import type { Alert } from "../../../shared/webhooks/alert.ts";
import { onExchangeRead, queuedReport, startAlert } from "../../../shared/webhooks/alert-machine.ts";
import type { Step } from "../../../shared/webhooks/plan.ts";
import { expectNext, NOW, planned, sending } from "../../support/alert-runs.ts";
import { bodyOf, hookOf, T0, VIEW } from "../../support/webhook-fixtures.ts";

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

describe("naming the steps", () => {
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
});
