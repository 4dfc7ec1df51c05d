// Webhooks against the fake exchange: every action in one-way and hedge mode, each size mode with rounding,
// brackets, exactly-once under 50 concurrent deliveries, refusals that place nothing, the kill switch, dry run,
// outcome notifications and the status endpoint.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { type AlertReport, stepClientId } from "../../shared/hooks/report.ts";
import { signedQuery } from "../support/client-signing.ts";
import { CLIENTS, REAL_KEYS } from "../support/credentials.ts";
import { fakeControl } from "../support/fake-control.ts";
import { HOOK_PASSPHRASE } from "../support/test-hooks.ts";

const fake = fakeControl(inject("fakeExchangeUrl"));
const MAIN = REAL_KEYS.hmac.apiKey;
const SECOND = REAL_KEYS.ed25519.apiKey;
const READER = CLIENTS.hook.token;
let counter = 0;

function gateway(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`https://gateway.test${path}`, init));
}

/** An alert with a fresh id and time, as TradingView would send it. */
function alertBody(fields: Record<string, unknown>): Record<string, unknown> {
  counter++;
  return {
    passphrase: HOOK_PASSPHRASE,
    id: `t${Date.now()}-${counter}`,
    time: new Date().toISOString(),
    symbol: "BTCUSDT",
    ...fields,
  };
}

async function deliver(
  hook: string,
  body: Record<string, unknown> | string,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await gateway(`/hooks/${hook}`, {
    method: "POST",
    headers: { "Content-Type": typeof body === "string" ? "text/plain" : "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** The hook's account's reader: the second account's hooks are read with its client's token. */
function readerOf(hook: string): string {
  return hook === "hedge" ? CLIENTS.second.token : READER;
}

async function status(hook: string, id: string, token: string = readerOf(hook)): Promise<Response> {
  return gateway(`/hooks/${hook}/alerts/${encodeURIComponent(id)}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
}

/** Delivers an alert and waits until the desk finished it. */
async function run(hook: string, fields: Record<string, unknown>): Promise<AlertReport> {
  const body = alertBody(fields);
  const { status: code, json } = await deliver(hook, body);
  expect(code, JSON.stringify(json)).toBe(202);
  return finished(hook, String(body.id));
}

async function finished(hook: string, id: string): Promise<AlertReport> {
  for (let i = 0; i < 200; i++) {
    const response = await status(hook, id);
    const report = (await response.json()) as AlertReport;
    if (report.status !== "queued" && report.status !== "running") return report;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`alert ${id} never finished`);
}

/** The orders the fake received for an API key, as "SIDE positionSide TYPE qty" lines. */
async function placed(market: "um" | "cm" = "um", apiKey: string = MAIN): Promise<string[]> {
  const requests = (await fake.requests()).filter(
    (r) =>
      r.method === "POST" &&
      r.apiKey === apiKey &&
      r.path.startsWith(market === "um" ? "/fapi/" : "/dapi/") &&
      /\/(order|algoOrder)$/.test(r.path) &&
      r.status === 200,
  );
  return requests.map((r) => {
    const p = new URLSearchParams(r.rawQuery || r.rawBody);
    return [
      p.get("side"),
      p.get("positionSide") ?? "-",
      p.get("type"),
      p.get("quantity") ?? "-",
      p.get("reduceOnly") ?? "",
    ]
      .join(" ")
      .trim();
  });
}

async function position(
  apiKey: string = MAIN,
  market: "um" | "cm" = "um",
  symbol = "BTCUSDT",
  side = "BOTH",
) {
  const account = await fake.account(apiKey, market);
  return account.positions.find((p) => p.symbol === symbol && p.positionSide === side)?.positionAmt ?? "0";
}

beforeEach(async () => {
  await fake.reset();
  await fake.setStrict(true);
});

describe("actions in one-way mode", () => {
  it("buys by quantity, notional and percent of the balance, rounded to the step", async () => {
    expect((await run("tv", { action: "buy", quantity: "0.0109" })).status).toBe("done");
    expect((await run("tv", { action: "buy", notional: 1000 })).status).toBe("done");
    // 2% of 10000 USDT as margin at the default 20x: 4000 USDT at 60000 -> 0.066.
    expect((await run("tv", { action: "buy", percent: 2 })).status).toBe("done");
    expect(await placed()).toEqual(["BUY - MARKET 0.010", "BUY - MARKET 0.016", "BUY - MARKET 0.066"]);
    expect(await position()).toMatch(/^0\.0920*$/);
  });

  it("sells, goes long across a short, closes and flips", async () => {
    await run("tv", { action: "sell", quantity: "0.02" });
    const long = await run("tv", { action: "long", quantity: "0.01" });
    expect(long.status, long.reason ?? "").toBe("done");
    expect(await position()).toMatch(/^0\.010*$/);
    await run("tv", { action: "flip" });
    expect(await position()).toMatch(/^-0\.010*$/);
    await run("tv", { action: "close" });
    expect(await position()).toMatch(/^0(\.0*)?$/);
    expect(await placed()).toEqual([
      "SELL - MARKET 0.020",
      "BUY - MARKET 0.030",
      "SELL - MARKET 0.020",
      "BUY - MARKET 0.010 true",
    ]);
    const nothing = await run("tv", { action: "close" });
    expect([nothing.status, nothing.reason]).toEqual([
      "refused",
      "nothing to do: no BTCUSDT position for close",
    ]);
  });

  it("goes short across a long in one order", async () => {
    await run("tv", { action: "buy", quantity: "0.02" });
    expect((await run("tv", { action: "short", quantity: "0.01" })).status).toBe("done");
    expect(await position()).toMatch(/^-0\.010*$/);
    expect(await placed()).toEqual(["BUY - MARKET 0.020", "SELL - MARKET 0.030"]);
  });

  it("places a limit order at the tick, sets leverage and margin type first, and cancels", async () => {
    const report = await run("tv", {
      action: "buy",
      type: "limit",
      price: "59000.04",
      quantity: "0.01",
      leverage: 5,
      marginType: "isolated",
    });
    expect(report.status, report.reason ?? "").toBe("done");
    expect(report.steps.map((s) => s.summary)).toEqual([
      "set BTCUSDT leverage to 5x",
      "set BTCUSDT margin to ISOLATED",
      "BUY 0.010 BTCUSDT at 59000.00",
    ]);
    const account = await fake.account(MAIN, "um");
    expect([account.leverage.BTCUSDT, account.marginType.BTCUSDT]).toEqual([5, "ISOLATED"]);
    const open = await fake.orders("um");
    expect(open.map((o) => [o.status, o.price, o.clientOrderId])).toEqual([
      ["NEW", "59000.00", report.steps[2]?.clientOrderId],
    ]);
    expect((await run("tv", { action: "cancel" })).status).toBe("done");
    expect((await fake.orders("um")).map((o) => o.status)).toEqual(["CANCELED"]);
  });

  it("brackets the entry with USDⓈ-M algo orders", async () => {
    const report = await run("tv", {
      action: "buy",
      quantity: "0.01",
      takeProfitPercent: 2,
      stopLoss: "58000",
    });
    expect(report.status, report.reason ?? "").toBe("done");
    const algo = (await fake.requests()).filter(
      (r) => r.path === "/fapi/v1/algoOrder" && r.method === "POST",
    );
    expect(algo.map((r) => Object.fromEntries(new URLSearchParams(r.rawQuery || r.rawBody)))).toMatchObject([
      { type: "TAKE_PROFIT_MARKET", side: "SELL", triggerPrice: "61200.00", closePosition: "true" },
      { type: "STOP_MARKET", side: "SELL", triggerPrice: "58000.00", closePosition: "true" },
    ]);
    expect(algo.every((r) => r.status === 200)).toBe(true);
  });
});

describe("actions in hedge mode", () => {
  beforeEach(async () => {
    await fake.setAccount({ apiKey: SECOND, market: "um", dualSidePosition: true });
  });

  it("opens each side, closes the opposite one first, closes both and flips", async () => {
    await run("hedge", { action: "buy", quantity: "0.01" });
    const short = await run("hedge", { action: "short", quantity: "0.02" });
    expect(short.status, short.reason ?? "").toBe("done");
    expect([
      await position(SECOND, "um", "BTCUSDT", "LONG"),
      await position(SECOND, "um", "BTCUSDT", "SHORT"),
    ]).toEqual([expect.stringMatching(/^0(\.0*)?$/), expect.stringMatching(/^-0\.020*$/)]);
    await run("hedge", { action: "flip" });
    expect(await position(SECOND, "um", "BTCUSDT", "LONG")).toMatch(/^0\.020*$/);
    await run("hedge", { action: "sell", quantity: "0.01" });
    const closed = await run("hedge", { action: "close" });
    expect(closed.status, closed.reason ?? "").toBe("done");
    expect(await placed("um", SECOND)).toEqual([
      "BUY LONG MARKET 0.010",
      "SELL LONG MARKET 0.010",
      "SELL SHORT MARKET 0.020",
      "BUY SHORT MARKET 0.020",
      "BUY LONG MARKET 0.020",
      "SELL SHORT MARKET 0.010",
      "SELL LONG MARKET 0.020",
      "BUY SHORT MARKET 0.010",
    ]);
  });
});

describe("hedge mode, long and cancel", () => {
  beforeEach(async () => {
    await fake.setAccount({ apiKey: SECOND, market: "um", dualSidePosition: true });
  });

  it("goes long by closing the short side first, and cancels open orders", async () => {
    await run("hedge", { action: "sell", quantity: "0.01" });
    const long = await run("hedge", { action: "long", quantity: "0.01" });
    expect(long.status, long.reason ?? "").toBe("done");
    expect(await placed("um", SECOND)).toEqual([
      "SELL SHORT MARKET 0.010",
      "BUY SHORT MARKET 0.010",
      "BUY LONG MARKET 0.010",
    ]);
    await run("hedge", { action: "buy", quantity: "0.01", type: "limit", price: "59000" });
    expect((await run("hedge", { action: "cancel" })).status).toBe("done");
    expect((await fake.orders("um")).filter((o) => o.type === "LIMIT").map((o) => o.status)).toEqual([
      "CANCELED",
    ]);
  });
});

describe("COIN-M", () => {
  it("sizes in contracts and brackets with conditional orders", async () => {
    const report = await run("cm", {
      action: "buy",
      symbol: "BTCUSD_PERP",
      notional: 1000,
      stopLossPercent: 1,
    });
    expect(report.status, report.reason ?? "").toBe("done");
    expect(await placed("cm")).toEqual(["BUY - MARKET 10", "SELL - STOP_MARKET -"]);
  });
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
      steps: [
        {
          summary: "BUY 0.010 BTCUSDT at market",
          method: "POST",
          path: "/fapi/v1/order",
          params: [
            ["symbol", "BTCUSDT"],
            ["side", "BUY"],
            ["type", "MARKET"],
            ["quantity", "0.010"],
          ],
          clientOrderId,
          opens: "600",
          status: "sending",
        },
      ],
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
