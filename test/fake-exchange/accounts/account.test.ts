// The fake exchange keeps per-account state the way Binance does: position mode, leverage, margin type and
// balances per API key and market. Positions, order rules and the control API have files of their own.

import { describe, expect, it } from "vitest";
import {
  ALICE,
  BOB,
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

useAccountExchange();

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
