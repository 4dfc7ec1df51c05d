// Webhook actions against the fake exchange: every action in one-way and hedge mode, each size mode with
// rounding, limit prices, leverage and margin type, and brackets on both markets.
import { beforeEach, describe, expect, it } from "vitest";
import { fake, MAIN, placed, position, run, SECOND } from "../support/workerd/webhooks-helpers.ts";

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
