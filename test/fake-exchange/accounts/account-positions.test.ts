// The fake exchange's positions per API key and market (one-way and hedge mode, entry prices, COIN-M contracts),
// and market data at the current price: the filters in exchangeInfo, ticker/price, premiumIndex, MARKET fills.

import { describe, expect, it } from "vitest";
import {
  ALICE,
  BOB,
  cmOrder,
  fake,
  marketBuy,
  marketSell,
  positions,
  publicGet,
  setDual,
  signed,
  umOrder,
  useAccountExchange,
} from "../../support/fake-account-harness.ts";

useAccountExchange();

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
