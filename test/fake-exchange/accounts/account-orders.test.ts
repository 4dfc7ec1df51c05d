// The fake exchange's order rules the way Binance applies them: position side and reduceOnly per position mode,
// symbol filters under strictFilters, batchOrders and order/test, and COIN-M conditional and USDⓈ-M algo orders.

import { describe, expect, it } from "vitest";
import {
  ALICE,
  cmOrder,
  error,
  errorOf,
  fake,
  marketBuy,
  marketSell,
  positions,
  setDual,
  signed,
  umOrder,
  useAccountExchange,
} from "../../support/fake-account-harness.ts";
import { fakeControl } from "../../support/fake-control.ts";

useAccountExchange();

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
