// The fake exchange keeps per-account state the way Binance does: position mode, leverage, margin type,
// balances and positions per API key and market, with the order rules that follow from them.

import { createHmac } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeExchange, startFakeExchange } from "../fake-exchange/index.ts";
import { fakeControl } from "../support/fake-control.ts";

const ALICE = { apiKey: "alice-account-key", secret: "alice-account-secret" };
const BOB = { apiKey: "bob-account-key", secret: "bob-account-secret" };
type Who = typeof ALICE;

interface Answer {
  status: number;
  text: string;
  body: Record<string, unknown>;
  list: Record<string, unknown>[];
}

let fake: FakeExchange;

beforeAll(async () => {
  fake = await startFakeExchange();
  for (const key of [ALICE, BOB]) fake.registerKey({ apiKey: key.apiKey, type: "hmac", secret: key.secret });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
});

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  return {
    status: response.status,
    text,
    body: parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {},
    list: Array.isArray(parsed) ? (parsed as Record<string, unknown>[]) : [],
  };
}

/** A signed request (HMAC, fresh timestamp) of `who`; params in the query. */
async function signed(method: string, path: string, params = "", who: Who = ALICE): Promise<Answer> {
  const payload = `${params}${params === "" ? "" : "&"}timestamp=${fake.serverTime()}`;
  const signature = createHmac("sha256", who.secret).update(payload).digest("hex");
  const response = await fetch(`${fake.url}${path}?${payload}&signature=${signature}`, {
    method,
    headers: { "X-MBX-APIKEY": who.apiKey },
  });
  return answer(response);
}

async function publicGet(pathAndQuery: string): Promise<Answer> {
  return answer(await fetch(`${fake.url}${pathAndQuery}`));
}

const error = (code: number, msg: string) => ({ code, msg });
const errorOf = (reply: Answer) => [reply.status, reply.body];

const umOrder = (params: string, who: Who = ALICE) => signed("POST", "/fapi/v1/order", params, who);
const cmOrder = (params: string, who: Who = ALICE) => signed("POST", "/dapi/v1/order", params, who);
const marketBuy = (quantity: string, extra = "") =>
  umOrder(`symbol=BTCUSDT&side=BUY&type=MARKET&quantity=${quantity}${extra}`);
const marketSell = (quantity: string, extra = "") =>
  umOrder(`symbol=BTCUSDT&side=SELL&type=MARKET&quantity=${quantity}${extra}`);
const setDual = (market: "fapi" | "dapi", on: boolean, who: Who = ALICE) =>
  signed("POST", `/${market}/v1/positionSide/dual`, `dualSidePosition=${on}`, who);

async function positions(symbol = "BTCUSDT", who: Who = ALICE): Promise<Record<string, unknown>[]> {
  return (await signed("GET", "/fapi/v2/positionRisk", `symbol=${symbol}`, who)).list;
}

describe("position mode", () => {
  it("is one-way by default, switches per account and market, and answers -4059 for no change", async () => {
    expect((await signed("GET", "/fapi/v1/positionSide/dual")).body).toEqual({ dualSidePosition: false });
    expect((await signed("GET", "/dapi/v1/positionSide/dual")).body).toEqual({ dualSidePosition: false });
    const changed = await setDual("fapi", true);
    expect([changed.status, changed.body]).toEqual([200, { code: 200, msg: "success" }]);
    expect((await signed("GET", "/fapi/v1/positionSide/dual")).body).toEqual({ dualSidePosition: true });
    expect((await signed("GET", "/dapi/v1/positionSide/dual")).body).toEqual({ dualSidePosition: false });
    expect((await signed("GET", "/fapi/v1/positionSide/dual", "", BOB)).body).toEqual({
      dualSidePosition: false,
    });
    expect(errorOf(await setDual("fapi", true))).toEqual([
      400,
      error(-4059, "No need to change position side."),
    ]);
    expect(errorOf(await setDual("dapi", false))).toEqual([
      400,
      error(-4059, "No need to change position side."),
    ]);
    expect((await signed("POST", "/fapi/v1/positionSide/dual", "dualSidePosition=yes")).body.code).toBe(
      -1130,
    );
    expect((await signed("POST", "/fapi/v1/positionSide/dual")).body.code).toBe(-1102);
  });

  it("refuses to change with a position (-4068) or open orders (-4067), and only for that account", async () => {
    await marketBuy("0.010");
    expect(errorOf(await setDual("fapi", true))).toEqual([
      400,
      error(-4068, "Position side cannot be changed if there exists position."),
    ]);
    expect((await setDual("fapi", true, BOB)).status).toBe(200);
    await marketSell("0.010");
    expect((await setDual("fapi", true)).status).toBe(200);

    await cmOrder("symbol=BTCUSD_PERP&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=50000");
    expect(errorOf(await setDual("dapi", true))).toEqual([
      400,
      error(-4067, "Position side cannot be changed if there exists open orders."),
    ]);
    await signed("DELETE", "/dapi/v1/allOpenOrders", "symbol=BTCUSD_PERP");
    expect((await setDual("dapi", true)).status).toBe(200);
  });

  it("counts open algo orders as open orders", async () => {
    await signed(
      "POST",
      "/fapi/v1/algoOrder",
      "algoType=CONDITIONAL&symbol=BTCUSDT&side=SELL&type=STOP_MARKET&quantity=0.010&triggerPrice=55000",
    );
    expect((await setDual("fapi", true)).body.code).toBe(-4067);
  });
});

describe("leverage and margin type", () => {
  it("changes leverage per symbol with Binance's answer shapes and rejects values outside 1..125", async () => {
    const um = await signed("POST", "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=20");
    expect(um.text).toBe('{"leverage":20,"maxNotionalValue":"250000","symbol":"BTCUSDT"}');
    const cm = await signed("POST", "/dapi/v1/leverage", "symbol=BTCUSD_PERP&leverage=20");
    expect(cm.text).toBe('{"leverage":20,"maxQty":"1000","symbol":"BTCUSD_PERP"}');
    await signed("POST", "/fapi/v1/leverage", "symbol=ETHUSDT&leverage=7");
    expect(errorOf(await signed("POST", "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=200"))).toEqual([
      400,
      error(-4028, "Leverage 200 is not valid"),
    ]);
    expect((await signed("POST", "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=0")).body.code).toBe(-4028);
    expect((await signed("POST", "/fapi/v1/leverage", "symbol=BTCUSDT")).body.code).toBe(-1102);
    expect((await signed("POST", "/fapi/v1/leverage", "symbol=NOPE&leverage=5")).body.code).toBe(-1121);
    expect((await positions("ETHUSDT"))[0]?.leverage).toBe("7");
    expect((await positions("BTCUSDT"))[0]?.leverage).toBe("20");
    expect((await positions("BTCUSDT", BOB))[0]?.leverage).toBe("20");
    const config = await signed("GET", "/fapi/v1/symbolConfig", "symbol=ETHUSDT");
    expect(config.list).toEqual([
      {
        symbol: "ETHUSDT",
        marginType: "CROSSED",
        isAutoAddMargin: false,
        leverage: 7,
        maxNotionalValue: "1000000",
      },
    ]);
  });

  it("switches margin type, answers -4046 for no change and refuses with open orders or a position", async () => {
    expect(errorOf(await signed("POST", "/fapi/v1/marginType", "symbol=BTCUSDT&marginType=CROSSED"))).toEqual(
      [400, error(-4046, "No need to change margin type.")],
    );
    const isolated = await signed("POST", "/fapi/v1/marginType", "symbol=BTCUSDT&marginType=ISOLATED");
    expect([isolated.status, isolated.body]).toEqual([200, { code: 200, msg: "success" }]);
    expect(
      (await signed("POST", "/fapi/v1/marginType", "symbol=BTCUSDT&marginType=ISOLATED")).body.code,
    ).toBe(-4046);
    expect((await positions())[0]?.marginType).toBe("isolated");
    expect((await positions("ETHUSDT"))[0]?.marginType).toBe("cross");
    expect((await signed("POST", "/fapi/v1/marginType", "symbol=BTCUSDT&marginType=cross")).body.code).toBe(
      -1130,
    );

    await umOrder("symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.010&price=50000");
    expect(errorOf(await signed("POST", "/fapi/v1/marginType", "symbol=BTCUSDT&marginType=CROSSED"))).toEqual(
      [400, error(-4047, "Margin type cannot be changed if there exists open orders.")],
    );
    await signed("DELETE", "/fapi/v1/allOpenOrders", "symbol=BTCUSDT");
    await cmOrder("symbol=BTCUSD_PERP&side=SELL&type=MARKET&quantity=2");
    expect(
      errorOf(await signed("POST", "/dapi/v1/marginType", "symbol=BTCUSD_PERP&marginType=ISOLATED")),
    ).toEqual([400, error(-4048, "Margin type cannot be changed if there exists position.")]);
  });

  it("refuses to lower an isolated position's leverage (-4161)", async () => {
    await signed("POST", "/fapi/v1/marginType", "symbol=BTCUSDT&marginType=ISOLATED");
    await marketBuy("0.010");
    expect((await signed("POST", "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=10")).body.code).toBe(-4161);
    expect((await signed("POST", "/fapi/v1/leverage", "symbol=BTCUSDT&leverage=25")).status).toBe(200);
  });
});

describe("balances", () => {
  it("answers USDⓈ-M v2/v3 and COIN-M balances in Binance's shapes with the default wallets", async () => {
    const v3 = await signed("GET", "/fapi/v3/balance");
    expect(v3.list).toEqual([
      {
        accountAlias: "SgsR",
        asset: "USDT",
        balance: "10000.00000000",
        crossWalletBalance: "10000.00000000",
        crossUnPnl: "0.00000000",
        availableBalance: "10000.00000000",
        maxWithdrawAmount: "10000.00000000",
        marginAvailable: true,
        updateTime: expect.any(Number),
      },
    ]);
    expect((await signed("GET", "/fapi/v2/balance")).list).toEqual(v3.list);
    expect((await signed("GET", "/dapi/v1/balance")).list).toEqual([
      {
        accountAlias: "SgsR",
        asset: "BTC",
        balance: "1.00000000",
        crossWalletBalance: "1.00000000",
        crossUnPnl: "0.00000000",
        availableBalance: "1.00000000",
        withdrawAvailable: "1.00000000",
        updateTime: expect.any(Number),
      },
    ]);
  });

  it("shows balances set through the control API and the cross positions' unrealized PnL", async () => {
    fake.setAccount({
      apiKey: ALICE.apiKey,
      market: "um",
      balance: "500.00000000",
      availableBalance: "123.45",
    });
    await marketBuy("0.010");
    fake.setPrice("um", "BTCUSDT", "61000.00");
    const [usdt] = (await signed("GET", "/fapi/v3/balance")).list;
    expect(usdt).toMatchObject({
      balance: "500.00000000",
      availableBalance: "123.45",
      crossUnPnl: "10.00000000",
    });
    expect((await signed("GET", "/fapi/v3/balance", "", BOB)).list[0]?.availableBalance).toBe(
      "10000.00000000",
    );
  });
});

describe("positions", () => {
  it("lists every symbol on BOTH in one-way mode, flat by default, with the mark price", async () => {
    const all = (await signed("GET", "/fapi/v2/positionRisk")).list;
    expect(all.map((entry) => `${entry.symbol}:${entry.positionSide}`)).toEqual([
      "BTCUSDT:BOTH",
      "ETHUSDT:BOTH",
    ]);
    expect(all[0]).toEqual({
      entryPrice: "0.0",
      breakEvenPrice: "0.0",
      marginType: "cross",
      isAutoAddMargin: "false",
      isolatedMargin: "0.00000000",
      leverage: "20",
      liquidationPrice: "0",
      markPrice: "60000.00000000",
      maxNotionalValue: "250000",
      positionAmt: "0.000",
      notional: "0",
      isolatedWallet: "0",
      symbol: "BTCUSDT",
      unRealizedProfit: "0.00000000",
      positionSide: "BOTH",
      updateTime: 0,
    });
    expect((await signed("GET", "/fapi/v3/positionRisk")).list).toEqual([]);
    expect((await signed("GET", "/fapi/v2/positionRisk", "symbol=NOPE")).body.code).toBe(-1121);
  });

  it("moves on MARKET fills (BUY adds, SELL subtracts, flips restart the entry), not on resting LIMITs", async () => {
    await marketBuy("0.010");
    await umOrder("symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=0.5&price=65000");
    expect(await positions()).toMatchObject([
      { positionAmt: "0.010", entryPrice: "60000.00", notional: "600.00000000" },
    ]);
    fake.setPrice("um", "BTCUSDT", "63000.00");
    await marketBuy("0.010");
    expect(await positions()).toMatchObject([
      {
        positionAmt: "0.020",
        entryPrice: "61500",
        markPrice: "63000.00000000",
        unRealizedProfit: "30.00000000",
        notional: "1260.00000000",
      },
    ]);
    await marketSell("0.005");
    expect(await positions()).toMatchObject([{ positionAmt: "0.015", entryPrice: "61500" }]);
    await marketSell("0.020");
    expect(await positions()).toMatchObject([{ positionAmt: "-0.005", entryPrice: "63000.00" }]);
    await marketBuy("0.005");
    expect(await positions()).toMatchObject([{ positionAmt: "0.000", entryPrice: "0.0" }]);
    expect(await positions("BTCUSDT", BOB)).toMatchObject([{ positionAmt: "0.000" }]);
  });

  it("keeps LONG and SHORT apart in hedge mode, shorts negative, and v3 lists only active positions", async () => {
    await setDual("fapi", true);
    await umOrder("symbol=BTCUSDT&side=BUY&positionSide=LONG&type=MARKET&quantity=0.030");
    await umOrder("symbol=BTCUSDT&side=SELL&positionSide=SHORT&type=MARKET&quantity=0.020");
    await umOrder("symbol=BTCUSDT&side=SELL&positionSide=LONG&type=MARKET&quantity=0.010");
    await umOrder("symbol=BTCUSDT&side=BUY&positionSide=SHORT&type=MARKET&quantity=0.005");
    const both = await positions();
    expect(both.map((entry) => [entry.positionSide, entry.positionAmt])).toEqual([
      ["LONG", "0.020"],
      ["SHORT", "-0.015"],
    ]);
    await umOrder(
      "symbol=ETHUSDT&side=BUY&positionSide=LONG&type=LIMIT&timeInForce=GTC&quantity=1&price=2900",
    );
    const v3 = (await signed("GET", "/fapi/v3/positionRisk")).list;
    expect(v3.map((entry) => [entry.symbol, entry.positionSide, entry.positionAmt])).toEqual([
      ["BTCUSDT", "LONG", "0.020"],
      ["BTCUSDT", "SHORT", "-0.015"],
      ["ETHUSDT", "LONG", "0.000"],
    ]);
    expect(v3[0]).toMatchObject({
      notional: "1200.00000000",
      initialMargin: "60.00000000",
      marginAsset: "USDT",
    });
    expect(v3[0]).not.toHaveProperty("leverage");
    expect(fake.account(ALICE.apiKey, "um").positions).toEqual([
      { symbol: "BTCUSDT", positionSide: "LONG", positionAmt: "0.02", entryPrice: "60000.00" },
      { symbol: "BTCUSDT", positionSide: "SHORT", positionAmt: "-0.015", entryPrice: "60000.00" },
    ]);
  });

  it("keeps COIN-M positions in contracts with a harmonic entry price and notional in the coin", async () => {
    await cmOrder("symbol=BTCUSD_PERP&side=BUY&type=MARKET&quantity=3");
    fake.setPrice("cm", "BTCUSD_PERP", "40000.0");
    await cmOrder("symbol=BTCUSD_PERP&side=BUY&type=MARKET&quantity=3");
    const list = (await signed("GET", "/dapi/v1/positionRisk", "pair=BTCUSD")).list;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      symbol: "BTCUSD_PERP",
      positionAmt: "6",
      entryPrice: "48000",
      markPrice: "40000.00000000",
      leverage: "20",
      maxQty: "1000",
      marginType: "cross",
      positionSide: "BOTH",
      notionalValue: "0.01500000",
      unRealizedProfit: "-0.00250000",
    });
    expect((await signed("GET", "/dapi/v1/positionRisk")).list).toHaveLength(2);
  });
});

describe("order rules", () => {
  it("requires positionSide BOTH (or none) in one-way mode and LONG/SHORT in hedge mode (-4061)", async () => {
    const mismatch = [400, error(-4061, "Order's position side does not match user's setting.")];
    expect(errorOf(await marketBuy("0.010", "&positionSide=LONG"))).toEqual(mismatch);
    expect((await marketBuy("0.010", "&positionSide=BOTH")).status).toBe(200);
    expect(errorOf(await marketBuy("0.010", "&positionSide=UP"))).toEqual([
      400,
      error(-4060, "Invalid position side."),
    ]);
    await marketSell("0.010");
    await setDual("fapi", true);
    expect(errorOf(await marketBuy("0.010"))).toEqual(mismatch);
    expect(errorOf(await marketBuy("0.010", "&positionSide=BOTH"))).toEqual(mismatch);
    expect(
      errorOf(await cmOrder("symbol=BTCUSD_PERP&side=BUY&type=MARKET&quantity=1&positionSide=LONG")),
    ).toEqual(mismatch);
  });

  it("refuses reduceOnly in hedge mode (-1106) and closing more than the hedge position (-2022)", async () => {
    await setDual("fapi", true);
    const sent = [400, error(-1106, "Parameter 'reduceOnly' sent when not required.")];
    expect(errorOf(await marketSell("0.010", "&positionSide=LONG&reduceOnly=true"))).toEqual(sent);
    expect(errorOf(await marketBuy("0.010", "&positionSide=LONG&reduceOnly=false"))).toEqual(sent);
    const rejected = [400, error(-2022, "ReduceOnly Order is rejected.")];
    expect(errorOf(await marketSell("0.010", "&positionSide=LONG"))).toEqual(rejected);
    await marketBuy("0.010", "&positionSide=LONG");
    expect(errorOf(await marketSell("0.011", "&positionSide=LONG"))).toEqual(rejected);
    expect(errorOf(await marketBuy("0.001", "&positionSide=SHORT"))).toEqual(rejected);
    expect((await marketSell("0.010", "&positionSide=LONG")).status).toBe(200);
  });

  it("rejects one-way reduceOnly orders with no position, the same direction, or a flip (-2022)", async () => {
    const rejected = [400, error(-2022, "ReduceOnly Order is rejected.")];
    expect(errorOf(await marketSell("0.010", "&reduceOnly=true"))).toEqual(rejected);
    await marketBuy("0.010");
    expect(errorOf(await marketBuy("0.001", "&reduceOnly=true"))).toEqual(rejected);
    expect(errorOf(await marketSell("0.011", "&reduceOnly=true"))).toEqual(rejected);
    const limit = "symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&price=70000&reduceOnly=true";
    expect((await umOrder(`${limit}&quantity=0.004`)).body.status).toBe("NEW");
    expect((await marketSell("0.010", "&reduceOnly=true")).body.status).toBe("FILLED");
    expect(await positions()).toMatchObject([{ positionAmt: "0.000" }]);
    expect(
      (await cmOrder("symbol=BTCUSD_PERP&side=BUY&type=MARKET&quantity=1&reduceOnly=true")).body.code,
    ).toBe(-2022);
  });

  it("checks symbol filters only with strictFilters (tick, step, min/max quantity, notional, percent price)", async () => {
    const limit = (quantity: string, price: string, extra = "") =>
      umOrder(
        `symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=${quantity}&price=${price}${extra}`,
      );
    expect((await limit("1", "0.1")).status).toBe(200);
    const control = fakeControl(fake.url);
    await control.setStrict(true);
    expect(errorOf(await limit("0.0015", "60000"))).toEqual([
      400,
      error(-1111, "Precision is over the maximum defined for this asset."),
    ]);
    expect(errorOf(await limit("0.010", "60000.05"))).toEqual([
      400,
      error(-4014, "Price not increased by tick size."),
    ]);
    expect(errorOf(await limit("0.010", "60000.001"))).toEqual([
      400,
      error(-1111, "Precision is over the maximum defined for this asset."),
    ]);
    expect(errorOf(await limit("0.0", "60000"))).toEqual([
      400,
      error(-4003, "Quantity less than or equal to zero."),
    ]);
    expect(errorOf(await limit("1001", "60000"))).toEqual([
      400,
      error(-4005, "Quantity greater than max quantity."),
    ]);
    expect(errorOf(await limit("0.001", "60000"))).toEqual([
      400,
      error(-4164, "Order's notional must be no smaller than 100 (unless you choose reduce only)."),
    ]);
    expect(errorOf(await limit("0.010", "63000.10"))).toEqual([
      400,
      error(-4016, "Limit price can't be higher than 63000.00."),
    ]);
    expect(errorOf(await limit("0.010", "200"))).toEqual([400, error(-4013, "Price less than min price.")]);
    expect((await limit("0.010", "60000.10")).status).toBe(200);
    const eth = await umOrder("symbol=ETHUSDT&side=BUY&type=MARKET&quantity=0.005");
    expect(errorOf(eth)).toEqual([
      400,
      error(-4164, "Order's notional must be no smaller than 20 (unless you choose reduce only)."),
    ]);
    await marketBuy("0.002");
    expect((await marketSell("0.001", "&reduceOnly=true")).status).toBe(200);
    expect((await cmOrder("symbol=BTCUSD_PERP&side=BUY&type=MARKET&quantity=1")).status).toBe(200);
    expect((await cmOrder("symbol=BTCUSD_PERP&side=BUY&type=MARKET&quantity=1.5")).body.code).toBe(-1111);
    await control.reset();
    expect((await limit("1", "0.1")).status).toBe(200);
  });

  it("applies the rules to batchOrders per element and to order/test", async () => {
    const batch = JSON.stringify([
      { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.010" },
      { symbol: "BTCUSDT", side: "SELL", type: "MARKET", quantity: "0.020", reduceOnly: "true" },
      { symbol: "BTCUSDT", side: "SELL", type: "MARKET", quantity: "0.010", positionSide: "SHORT" },
      { symbol: "BTCUSDT", side: "SELL", type: "MARKET", quantity: "0.010", reduceOnly: "true" },
    ]);
    const placed = await signed("POST", "/fapi/v1/batchOrders", `batchOrders=${encodeURIComponent(batch)}`);
    expect(placed.list.map((item) => item.status ?? item.code)).toEqual(["FILLED", -2022, -4061, "FILLED"]);
    expect(await positions()).toMatchObject([{ positionAmt: "0.000" }]);
    expect(
      (
        await signed(
          "POST",
          "/fapi/v1/order/test",
          "symbol=BTCUSDT&side=SELL&type=MARKET&quantity=1&reduceOnly=true",
        )
      ).body.code,
    ).toBe(-2022);
  });
});

describe("conditional orders", () => {
  it("accepts COIN-M STOP_MARKET / TAKE_PROFIT_MARKET with closePosition or reduceOnly; they stay NEW", async () => {
    await cmOrder("symbol=BTCUSD_PERP&side=BUY&type=MARKET&quantity=2");
    const stop = await cmOrder(
      "symbol=BTCUSD_PERP&side=SELL&type=STOP_MARKET&stopPrice=55000&closePosition=true",
    );
    expect(stop.body).toMatchObject({
      status: "NEW",
      type: "STOP_MARKET",
      closePosition: true,
      stopPrice: "55000",
    });
    const take = await cmOrder(
      "symbol=BTCUSD_PERP&side=SELL&type=TAKE_PROFIT_MARKET&stopPrice=65000&quantity=2&reduceOnly=true",
    );
    expect(take.body).toMatchObject({ status: "NEW", reduceOnly: true, origQty: "2" });
    expect((await signed("GET", "/dapi/v1/positionRisk", "symbol=BTCUSD_PERP")).list[0]?.positionAmt).toBe(
      "2",
    );
    expect(
      (
        await cmOrder(
          "symbol=BTCUSD_PERP&side=SELL&type=STOP_MARKET&stopPrice=55000&closePosition=true&quantity=2",
        )
      ).body.code,
    ).toBe(-4137);
    expect((await cmOrder("symbol=BTCUSD_PERP&side=SELL&type=MARKET&closePosition=true")).body.code).toBe(
      -1106,
    );
  });

  it("follows the position-side rules for COIN-M conditional orders in hedge mode", async () => {
    await setDual("dapi", true);
    const base = "symbol=BTCUSD_PERP&type=STOP_MARKET&stopPrice=55000&closePosition=true";
    expect((await cmOrder(`${base}&side=SELL&positionSide=LONG`)).body.status).toBe("NEW");
    expect((await cmOrder(`${base}&side=SELL`)).body.code).toBe(-4061);
    expect((await cmOrder(`${base}&side=BUY&positionSide=LONG`)).body.code).toBe(-2022);
    expect(
      (
        await cmOrder(
          "symbol=BTCUSD_PERP&type=STOP_MARKET&stopPrice=55000&side=SELL&positionSide=LONG&quantity=1&reduceOnly=true",
        )
      ).body.code,
    ).toBe(-1106);
  });

  it("follows the same rules for USDⓈ-M algo orders", async () => {
    const algo = (params: string) =>
      signed(
        "POST",
        "/fapi/v1/algoOrder",
        `algoType=CONDITIONAL&symbol=BTCUSDT&type=STOP_MARKET&triggerPrice=55000&${params}`,
      );
    expect((await algo("side=SELL&closePosition=true&positionSide=LONG")).body.code).toBe(-4061);
    expect((await algo("side=SELL&quantity=0.010&reduceOnly=true&clientAlgoId=one-way")).body).toMatchObject({
      algoStatus: "NEW",
    });
    await signed("DELETE", "/fapi/v1/algoOrder", "clientAlgoId=one-way");
    await setDual("fapi", true);
    expect((await algo("side=SELL&closePosition=true&positionSide=LONG")).body).toMatchObject({
      algoStatus: "NEW",
      closePosition: true,
      positionSide: "LONG",
    });
    expect(errorOf(await algo("side=SELL&closePosition=true"))).toEqual([
      400,
      error(-4061, "Order's position side does not match user's setting."),
    ]);
    expect(errorOf(await algo("side=SELL&quantity=0.010&positionSide=LONG&reduceOnly=true"))).toEqual([
      400,
      error(-1106, "Parameter 'reduceOnly' sent when not required."),
    ]);
    expect((await algo("side=SELL&closePosition=true&positionSide=SHORT")).body.code).toBe(-2022);
    expect(fake.algoOrders().map((order) => order.apiKey)).toEqual([ALICE.apiKey, ALICE.apiKey]);
    await fakeControl(fake.url).setStrict(true);
    expect((await algo("side=BUY&quantity=0.001&positionSide=LONG")).body.code).toBe(-4164);
    expect(
      (
        await signed(
          "POST",
          "/fapi/v1/algoOrder",
          "algoType=CONDITIONAL&symbol=BTCUSDT&type=STOP_MARKET&triggerPrice=55000.05&side=BUY&quantity=0.010&positionSide=LONG",
        )
      ).body.code,
    ).toBe(-4014);
  });
});

describe("market data at the current price", () => {
  it("publishes the filters it enforces in exchangeInfo", async () => {
    const info = (await publicGet("/fapi/v1/exchangeInfo")).body as {
      symbols: { symbol: string; filters: unknown[] }[];
    };
    const btc = info.symbols.find((symbol) => symbol.symbol === "BTCUSDT");
    expect(btc?.filters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ filterType: "PRICE_FILTER", tickSize: "0.10", minPrice: "261.10" }),
        expect.objectContaining({
          filterType: "LOT_SIZE",
          stepSize: "0.001",
          minQty: "0.001",
          maxQty: "1000",
        }),
        expect.objectContaining({ filterType: "MARKET_LOT_SIZE", stepSize: "0.001" }),
        expect.objectContaining({ filterType: "MIN_NOTIONAL", notional: "100" }),
        expect.objectContaining({ filterType: "PERCENT_PRICE", multiplierUp: "1.0500" }),
      ]),
    );
    const cm = (await publicGet("/dapi/v1/exchangeInfo")).body as {
      symbols: { filters: { filterType: string }[] }[];
    };
    expect(cm.symbols[0]?.filters.map((filter) => filter.filterType)).not.toContain("MIN_NOTIONAL");
  });

  it("answers ticker/price and premiumIndex with the moved price and fills MARKET orders there", async () => {
    fake.setPrice("um", "BTCUSDT", "61234.50");
    expect((await publicGet("/fapi/v1/ticker/price?symbol=BTCUSDT")).body.price).toBe("61234.50");
    const mark = await publicGet("/fapi/v1/premiumIndex?symbol=BTCUSDT");
    expect(mark.body).toMatchObject({
      symbol: "BTCUSDT",
      markPrice: "61234.50000000",
      indexPrice: "61234.50000000",
      lastFundingRate: "0.00010000",
    });
    expect((await publicGet("/fapi/v1/premiumIndex")).list).toHaveLength(2);
    const cm = await publicGet("/dapi/v1/premiumIndex?symbol=BTCUSD_PERP");
    expect(cm.list).toEqual([
      expect.objectContaining({ symbol: "BTCUSD_PERP", pair: "BTCUSD", markPrice: "60000.00000000" }),
    ]);
    expect((await publicGet("/fapi/v1/premiumIndex?symbol=NOPE")).body.code).toBe(-1121);
    expect((await marketBuy("0.010")).body).toMatchObject({ avgPrice: "61234.50", cumQuote: "612.345" });
    fake.reset();
    expect((await publicGet("/fapi/v1/ticker/price?symbol=BTCUSDT")).body.price).toBe("60000.00");
  });
});

describe("control API", () => {
  it("sets and reads accounts over HTTP, and reset forgets them", async () => {
    const control = fakeControl(fake.url);
    const set = await control.setAccount({
      apiKey: BOB.apiKey,
      market: "um",
      dualSidePosition: true,
      availableBalance: "42.5",
      leverage: { BTCUSDT: 5 },
      marginType: { ETHUSDT: "ISOLATED" },
      positions: [{ symbol: "BTCUSDT", positionSide: "SHORT", positionAmt: "-0.2", entryPrice: "59000" }],
    });
    expect(set).toMatchObject({
      dualSidePosition: true,
      balance: "10000.00000000",
      availableBalance: "42.5",
      leverage: { BTCUSDT: 5, ETHUSDT: 20 },
      marginType: { BTCUSDT: "CROSSED", ETHUSDT: "ISOLATED" },
      positions: [{ symbol: "BTCUSDT", positionSide: "SHORT", positionAmt: "-0.2", entryPrice: "59000" }],
    });
    expect(await control.account(BOB.apiKey, "um")).toEqual(set);
    const risk = await positions("BTCUSDT", BOB);
    expect(risk.map((entry) => [entry.positionSide, entry.positionAmt, entry.unRealizedProfit])).toEqual([
      ["LONG", "0.000", "0.00000000"],
      ["SHORT", "-0.200", "-200.00000000"],
    ]);
    expect(
      (await umOrder("symbol=BTCUSDT&side=BUY&positionSide=SHORT&type=MARKET&quantity=0.2", BOB)).status,
    ).toBe(200);
    expect((await control.account(BOB.apiKey, "um")).positions).toEqual([]);
    await expect(
      control.setAccount({ apiKey: BOB.apiKey, market: "um", leverage: { BTCUSDT: 300 } }),
    ).rejects.toThrow(/400/);
    await control.reset();
    expect(await control.account(BOB.apiKey, "um")).toMatchObject({
      dualSidePosition: false,
      availableBalance: "10000.00000000",
      positions: [],
    });
    expect((await control.account(BOB.apiKey, "cm")).balance).toBe("1.00000000");
  });

  it("records notifications posted to /__fake/notify/… and moves prices", async () => {
    const control = fakeControl(fake.url);
    const posted = await fetch(`${fake.url}/__fake/notify/telegram/bot1?chat=7`, {
      method: "POST",
      headers: { "Content-Type": "text/plain; charset=utf-8", "X-Token": "t" },
      body: "order placed: not JSON",
    });
    expect(posted.status).toBe(204);
    await fetch(`${fake.url}/__fake/notify/slack`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"text":"hi"}',
    });
    const seen = await control.notifications();
    expect(seen.map(({ path, query, contentType, body }) => ({ path, query, contentType, body }))).toEqual([
      {
        path: "/__fake/notify/telegram/bot1",
        query: "chat=7",
        contentType: "text/plain; charset=utf-8",
        body: "order placed: not JSON",
      },
      { path: "/__fake/notify/slack", query: "", contentType: "application/json", body: '{"text":"hi"}' },
    ]);
    expect(seen[0]?.headers["x-token"]).toBe("t");
    expect(fake.notifications).toHaveLength(2);
    expect(fake.requests).toHaveLength(0);

    await control.setPrice("cm", "ETHUSD_PERP", "3100.50");
    expect((await publicGet("/dapi/v1/ticker/price?symbol=ETHUSD_PERP")).list[0]?.price).toBe("3100.50");
    await expect(control.setPrice("um", "NOPE", "1")).rejects.toThrow(/400/);
    await expect(control.setPrice("um", "BTCUSDT", "abc")).rejects.toThrow(/400/);
    await control.reset();
    expect(await control.notifications()).toEqual([]);
    expect((await publicGet("/dapi/v1/ticker/price?symbol=ETHUSD_PERP")).list[0]?.price).toBe("3000.00");
  });

  it("starts with strictFilters from the options and returns to it on reset", async () => {
    const strict = await startFakeExchange({ strictFilters: true });
    try {
      strict.registerKey({ apiKey: ALICE.apiKey, type: "hmac", secret: ALICE.secret });
      const place = async () => {
        const payload = `symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&timestamp=${strict.serverTime()}`;
        const signature = createHmac("sha256", ALICE.secret).update(payload).digest("hex");
        const response = await fetch(`${strict.url}/fapi/v1/order?${payload}&signature=${signature}`, {
          method: "POST",
          headers: { "X-MBX-APIKEY": ALICE.apiKey },
        });
        return response.status;
      };
      expect(await place()).toBe(400);
      strict.setStrictFilters(false);
      expect(await place()).toBe(200);
      strict.reset();
      expect(await place()).toBe(400);
    } finally {
      await strict.close();
    }
  });
});
