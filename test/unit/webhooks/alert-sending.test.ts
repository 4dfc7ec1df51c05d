// Sending an alert's steps, with the time passed in: step by step, the first refusal or unknown answer ending the
// alert, what counts as opened, and what a restart left in flight (wait, look it up, send it when Binance never
// got it).
import { describe, expect, it } from "vitest";
import { startAlert } from "../../../shared/webhooks/alert-machine.ts";
import { onFailure, onLookedUp, onSent, SETTLE_MS } from "../../../shared/webhooks/alert-sending.ts";
import { NOW, OK, refused, sending } from "../../support/alert-runs.ts";
import { bodyOf, hookOf, runningReport, stepOf, T0 } from "../../support/webhook-fixtures.ts";

describe("sending the steps", () => {
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
