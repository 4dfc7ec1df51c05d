// Webhook deliveries: exactly once under 50 concurrent deliveries and across a desk restart, refusals that place
// nothing, the kill switch, the age checks, dry run, notifications and the status endpoint.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { type AlertReport, stepClientId } from "../../shared/webhooks/report.ts";
import { signedQuery } from "../support/client-signing.ts";
import { CLIENTS } from "../support/credentials.ts";
import { HOOK_PASSPHRASE } from "../support/test-webhooks.ts";
import { stepOf } from "../support/webhook-fixtures.ts";
import {
  alertBody,
  deliver,
  fake,
  finished,
  gateway,
  placed,
  run,
  status,
} from "../support/workerd/webhooks-helpers.ts";

beforeEach(async () => {
  await fake.reset();
  await fake.setStrict(true);
});

describe("exactly once", () => {
  it("places one order for 50 concurrent deliveries of one alert", async () => {
    const body = alertBody({ action: "buy", quantity: "0.01" });
    const replies = await Promise.all(Array.from({ length: 50 }, () => deliver("tv", body)));
    expect(replies.filter((r) => r.status === 202)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 200 && r.json.status === "duplicate")).toHaveLength(49);
    expect((await finished("tv", String(body.id))).status).toBe("done");
    await deliver("tv", body);
    expect(await placed()).toEqual(["BUY - MARKET 0.010"]);
  });

  it("settles an order whose answer was lost by its client order id, and places it once", async () => {
    await fake.injectFault({
      kind: "unknown-503",
      execute: true,
      match: { method: "POST", path: "/fapi/v1/order" },
    });
    const report = await run("tv", { action: "buy", quantity: "0.01" });
    expect(report.status, report.reason ?? "").toBe("done");
    expect((await fake.orders("um")).map((o) => o.clientOrderId)).toEqual([report.steps[0]?.clientOrderId]);
  });
});

describe("a desk restarted mid-alert", () => {
  /** Leaves the desk as if it stopped while sending step 0 of an alert: the step recorded as "sending". */
  async function interrupted(body: Record<string, unknown>, clientOrderId: string) {
    const desk = env.ORDER_DESK.getByName("desk:main:um:default");
    const report: AlertReport = {
      hook: "tv",
      id: String(body.id),
      receivedAt: Date.now(),
      status: "running",
      action: "buy",
      symbol: "BTCUSDT",
      reason: null,
      finishedAt: null,
      steps: [stepOf({ clientOrderId, status: "sending" })],
    };
    await runInDurableObject(desk, async (_instance, state) => {
      state.storage.sql.exec(
        "INSERT INTO alerts (hook, id, received_at, body, status, report) VALUES (?, ?, ?, ?, ?, ?)",
        report.hook,
        report.id,
        report.receivedAt,
        JSON.stringify(body),
        report.status,
        JSON.stringify(report),
      );
      // The alarm the desk set when it started the alert, which brings it back after a stop.
      await state.storage.setAlarm(Date.now());
    });
    expect(await runDurableObjectAlarm(desk)).toBe(true);
    return finished("tv", report.id);
  }

  it("finds the order it sent before stopping instead of placing it again", async () => {
    const body = alertBody({ action: "buy", quantity: "0.01" });
    const clientOrderId = await stepClientId("tv", String(body.id), 0);
    // The order reached Binance before the desk stopped.
    const params = `symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.010&newClientOrderId=${clientOrderId}`;
    const sent = await gateway(`/fapi/v1/order?${await signedQuery(CLIENTS.trader.apiSecret, params)}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": CLIENTS.trader.apiKey },
    });
    expect(sent.status).toBe(200);
    const report = await interrupted(body, clientOrderId);
    expect([report.status, report.steps[0]?.status]).toEqual(["done", "ok"]);
    expect(await placed()).toEqual(["BUY - MARKET 0.010"]);
  });

  it("keeps working off its queue after an alarm found it empty", async () => {
    await run("tv", { action: "buy", quantity: "0.01" });
    const desk = env.ORDER_DESK.getByName("desk:main:um:default");
    await runInDurableObject(desk, async (_instance, state) => state.storage.setAlarm(Date.now()));
    expect(await runDurableObjectAlarm(desk)).toBe(true);
    expect((await run("tv", { action: "buy", quantity: "0.01" })).status).toBe("done");
  });

  it("refuses an alert that grew too old waiting for its turn", async () => {
    const body = alertBody({ action: "buy", quantity: "0.01", time: Date.now() - 61_000 });
    const desk = env.ORDER_DESK.getByName("desk:main:um:default");
    await runInDurableObject(desk, async (_instance, state) => {
      const report = {
        hook: "tv",
        id: body.id,
        receivedAt: Date.now() - 30_000,
        status: "queued",
        action: null,
        symbol: null,
        reason: null,
        steps: [],
        finishedAt: null,
      };
      state.storage.sql.exec(
        "INSERT INTO alerts (hook, id, received_at, body, status, report) VALUES (?, ?, ?, ?, 'queued', ?)",
        "tv",
        String(body.id),
        report.receivedAt,
        JSON.stringify(body),
        JSON.stringify(report),
      );
      await state.storage.setAlarm(Date.now());
    });
    expect(await runDurableObjectAlarm(desk)).toBe(true);
    const report = await finished("tv", String(body.id));
    expect([report.status, report.reason]).toEqual([
      "refused",
      expect.stringMatching(/^the alert was 6\d s old when its turn came, above maxLagSeconds 60$/),
    ]);
    expect(await placed()).toEqual([]);
  });

  it("keeps no passphrase at rest", async () => {
    const report = await run("tv", { action: "buy", quantity: "0.01" });
    const desk = env.ORDER_DESK.getByName("desk:main:um:default");
    const stored = await runInDurableObject(
      desk,
      async (_instance, state) =>
        state.storage.sql.exec<{ body: string }>("SELECT body FROM alerts WHERE id = ?", report.id).one()
          .body,
    );
    expect(stored).toContain('"action":"buy"');
    expect(stored).not.toContain(HOOK_PASSPHRASE);
  });

  it("sends the order when Binance never got it", async () => {
    const body = alertBody({ action: "buy", quantity: "0.01" });
    const report = await interrupted(body, await stepClientId("tv", String(body.id), 0));
    expect(report.status).toBe("done");
    expect((await fake.orders("um")).map((o) => o.clientOrderId)).toEqual([report.steps[0]?.clientOrderId]);
  });
});

describe("refusals place nothing", () => {
  it("answers each bad delivery clearly", async () => {
    const refusal = async (hook: string, body: Record<string, unknown> | string, headers = {}) => {
      const { status: code, json } = await deliver(hook, body, headers);
      return `${code} ${json.code} ${json.msg}`;
    };
    expect(
      await refusal("tv", alertBody({ action: "buy", quantity: 1, passphrase: "wrong-but-long-enough" })),
    ).toBe("401 -9032 Wrong or missing passphrase.");
    expect(
      await refusal(
        "tv",
        alertBody({ action: "buy", quantity: 1, time: new Date(Date.now() - 120_000).toISOString() }),
      ),
    ).toMatch(/^400 -9035 Alert refused: its time is 1[12]\d s old; this hook accepts alerts up to 60 s old/);
    expect(await refusal("tv", alertBody({ action: "buy", quantity: 1, symbol: "SOLUSDT" }))).toBe(
      "400 -9036 Alert refused: SOLUSDT is not among this hook's symbols. Nothing was placed.",
    );
    expect(await refusal("tv", '{"passphrase": "x", "action": buy}')).toMatch(
      /^400 -9034 Alert refused: the alert is not JSON \(expected value at line 1 column 31\)/,
    );
    expect(await refusal("tv", "BUY BTCUSDT 0.01")).toMatch(
      /^400 -9034 Alert refused: the alert is not JSON/,
    );
    expect(await refusal("tv", alertBody({ action: "buy" }))).toBe(
      "400 -9034 Alert refused: buy needs quantity, notional or percent. Nothing was placed.",
    );
    expect(await refusal("off", alertBody({ action: "buy", quantity: 1 }))).toBe(
      "423 -9033 Hook off is disabled (kill switch): nothing was placed.",
    );
    expect(
      await refusal("ip", alertBody({ action: "buy", quantity: 1 }), { "CF-Connecting-IP": "203.0.113.9" }),
    ).toMatch(/^403 -9031/);
    expect(await refusal("nope", alertBody({ action: "buy", quantity: 1 }))).toMatch(/^404 -9030/);
    expect(await placed()).toEqual([]);
  });

  it("takes JSON sent as text/plain, and TradingView's addresses on an allowlisted hook", async () => {
    const body = alertBody({ action: "buy", quantity: "0.01" });
    const { status: code } = await deliver("ip", JSON.stringify(body), {
      "CF-Connecting-IP": "52.89.214.238",
    });
    expect(code).toBe(202);
    expect((await finished("ip", String(body.id))).status).toBe("done");
  });

  it("refuses orders beyond the limits and below the minimum notional, with the reason", async () => {
    const big = await run("tv", { action: "buy", quantity: "0.1" });
    expect([big.status, big.reason]).toEqual([
      "refused",
      "order notional 6000 USDT is above the hook's maxNotional 5000 USDT",
    ]);
    const small = await run("tv", { action: "buy", quantity: "0.001" });
    expect(small.reason).toBe("order notional 60 USDT is below BTCUSDT's minimum 100 USDT");
    const leverage = await run("tv", { action: "buy", quantity: "0.01", leverage: 50 });
    expect(leverage.reason).toBe("leverage 50 is above the hook's maxLeverage 20");
    expect((await run("minute", { action: "buy", notional: 4000 })).status).toBe("done");
    const minute = await run("minute", { action: "buy", notional: 4500 });
    expect([minute.status, minute.reason]).toEqual([
      "refused",
      expect.stringMatching(/above the hook's maxNotionalPerMinute 8000 USDT$/),
    ]);
    expect(await placed()).toEqual(["BUY - MARKET 0.066"]);
  });
});

describe("dry run, status and notifications", () => {
  it("reports the order a dry-run hook would place, and places nothing", async () => {
    const report = await run("dry", { action: "buy", notional: 1000, stopLossPercent: 1 });
    expect(report.status).toBe("dry-run");
    expect(report.steps.map((s) => [s.status, s.summary])).toEqual([
      ["skipped", "BUY 0.016 BTCUSDT at market"],
      ["skipped", "stopLoss SELL BTCUSDT when the mark price reaches 59400.00"],
    ]);
    expect(await placed()).toEqual([]);
  });

  it("posts each outcome to the hook's notify URL", async () => {
    const report = await run("tv", { action: "buy", quantity: "0.01" });
    for (let i = 0; i < 100 && (await fake.notifications()).length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const [note] = await fake.notifications();
    expect(note?.path).toBe("/__fake/notify/tv");
    const posted = JSON.parse(note?.body ?? "{}") as { text: string; report: AlertReport };
    expect(posted.text).toBe(`[tv] buy BTCUSDT (${report.id}): done\nBUY 0.010 BTCUSDT at market`);
    expect(posted.report.status).toBe("done");
  });

  it("tells what happened only to read clients of the hook's account", async () => {
    const report = await run("tv", { action: "buy", quantity: "0.01" });
    expect((await status("tv", report.id)).status).toBe(200);
    expect((await gateway(`/hooks/tv/alerts/${report.id}`)).status).toBe(401);
    expect((await status("tv", report.id, CLIENTS.second.token)).status).toBe(404);
    expect((await status("tv", "no-such-alert")).status).toBe(404);
    expect((await status("tv", report.id, CLIENTS.viewer.token)).status).toBe(401);
  });
});
