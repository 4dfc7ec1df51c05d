// The webhook core, pure: WEBHOOKS parsing, alert reading (JSON or text, TradingView's placeholders), exact
// decimals, and the plan of Binance calls for every action in one-way and hedge mode.
import { describe, expect, it } from "vitest";
import { decimal, floorToStep, format, roundToStep } from "../../../shared/decimal.ts";
import { type Alert, normalizeSymbol, readAlert } from "../../../shared/webhooks/alert.ts";
import { parseHooks, TRADINGVIEW_IPS } from "../../../shared/webhooks/config.ts";
import { planAlert, type SymbolRules } from "../../../shared/webhooks/plan.ts";
import { accountOf as account, hookOf, PASS, PRICE, UM_RULES } from "../../support/webhook-fixtures.ts";

function alertOf(fields: Record<string, unknown>, hook = hookOf()): Alert {
  const read = readAlert(
    JSON.stringify({ passphrase: PASS, time: "2026-11-23T12:00:00Z", symbol: "BTCUSDT", ...fields }),
    hook.defaults,
    "fallback-id",
  );
  if (!read.alert.ok) throw new Error(read.alert.error);
  return read.alert.value;
}

const CM_RULES: SymbolRules = {
  symbol: "BTCUSD_PERP",
  tickSize: decimal("0.1"),
  stepSize: decimal("1"),
  minQty: decimal("1"),
  maxQty: decimal("1000000"),
  marketMaxQty: decimal("1000000"),
  minNotional: null,
  contractSize: decimal("100"),
};

/** The plan as "METHOD path k=v&k=v" lines, or the refusal. */
function plan(
  fields: Record<string, unknown>,
  view = account(),
  hook = hookOf(),
  rules = UM_RULES,
): string[] | string {
  const result = planAlert(hook, alertOf(fields, hook), rules, PRICE, view);
  if (!result.ok) return result.error;
  return result.value.map((s) => `${s.method} ${s.path} ${s.params.map(([k, v]) => `${k}=${v}`).join("&")}`);
}

describe("WEBHOOKS", () => {
  it("reads hooks with their defaults and presets", () => {
    const hook = hookOf({ allowIps: "tradingview", maxNotionalPerMinute: 20000, defaults: { leverage: 5 } });
    expect([...(hook.allowIps ?? [])]).toEqual([...TRADINGVIEW_IPS]);
    expect(format(hook.maxNotional)).toBe("5000");
    expect(hook.maxLagMs).toBe(60_000);
    expect(hook.enabled).toBe(true);
    expect(hook.market).toBe("um");
  });

  it("names the hook and field of a mistake, never the passphrase", () => {
    const bad = (settings: Record<string, unknown>) => {
      const parsed = parseHooks(
        JSON.stringify({ tv: { passphrase: PASS, symbols: ["BTCUSDT"], maxNotional: 1, ...settings } }),
      );
      return parsed.ok ? "ok" : parsed.error.message;
    };
    expect(bad({ maxNotional: -1 })).toContain('WEBHOOKS["tv"]: maxNotional');
    expect(bad({ symbol: ["X"] })).toContain('unknown field "symbol"');
    expect(bad({ passphrase: "short" })).toContain("passphrase must be");
    expect(bad({ allowIps: ["300.1.1.1"] })).toContain("allowIps");
    expect(bad({ defaults: { passphrase: "x" } })).toContain('defaults cannot set "passphrase"');
    expect(bad({ maxLeverage: 200 })).toContain("maxLeverage");
    for (const message of [bad({ passphrase: `${PASS}\u0001` }), bad({ market: "spot" })])
      expect(message).not.toContain(PASS);
  });
});

describe("alerts", () => {
  it("reads TradingView's tickers, quoted numbers and times", () => {
    expect(normalizeSymbol("BINANCE:BTCUSDT.P")).toBe("BTCUSDT");
    expect(normalizeSymbol("btcusd_perp")).toBe("BTCUSD_PERP");
    const alert = alertOf({
      action: "BUY",
      symbol: "BINANCE:BTCUSDT.P",
      quantity: "0.010",
      time: "1795003200",
    });
    expect(alert).toMatchObject({
      action: "buy",
      symbol: "BTCUSDT",
      type: "MARKET",
      time: 1_795_003_200_000,
    });
    expect(alert.size?.kind).toBe("quantity");
    expect(alertOf({ action: "buy", quantity: 1e-3 }).size).toMatchObject({ kind: "quantity" });
    expect(alertOf({ action: "buy", notional: 100 }).id).toBe("fallback-id");
  });

  it("refuses what cannot be read, in one sentence naming the field", () => {
    const problem = (body: string) => {
      const read = readAlert(body, {}, "x");
      return read.alert.ok ? "ok" : read.alert.error;
    };
    const base = { passphrase: PASS, time: "2026-11-23T12:00:00Z", symbol: "BTCUSDT" };
    expect(problem('{"action": buy}')).toMatch(/^the alert is not JSON \(.* at line 1 column 12\)/);
    expect(problem("buy BTCUSDT 0.01")).toMatch(/^the alert is not JSON/);
    expect(problem(JSON.stringify({ ...base, action: "hodl" }))).toContain("action must be one of");
    expect(problem(JSON.stringify({ ...base, action: "buy" }))).toBe(
      "buy needs quantity, notional or percent",
    );
    expect(
      problem(JSON.stringify({ ...base, action: "buy", quantity: "{{strategy.order.contracts}}" })),
    ).toBe("quantity must be a positive number");
    expect(problem(JSON.stringify({ ...base, action: "buy", quantity: 1, notional: 100 }))).toContain(
      "only one of",
    );
    expect(problem(JSON.stringify({ ...base, time: undefined, action: "close" }))).toContain(
      "time is required",
    );
    expect(problem(JSON.stringify({ ...base, action: "buy", quantity: 1, type: "limit" }))).toBe(
      "a limit order needs a price",
    );
    expect(readAlert(JSON.stringify({ ...base, action: "close" }), {}, "x").passphrase).toBe(PASS);
  });
});

describe("decimals", () => {
  it("round to steps and ticks exactly", () => {
    expect(format(floorToStep(decimal("0.0169999"), decimal("0.001")))).toBe("0.016");
    expect(format(roundToStep(decimal("60123.456"), decimal("0.10")))).toBe("60123.50");
    expect(format(floorToStep(decimal("7.9"), decimal("1")))).toBe("7");
  });
});

describe("plans, one-way mode", () => {
  it("buys and sells by quantity, notional and percent of the balance, rounded down to the step", () => {
    expect(plan({ action: "buy", quantity: "0.0109" })).toEqual([
      "POST /fapi/v1/order symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.010",
    ]);
    // 1000 USDT at 60000: 0.016666... -> 0.016.
    expect(plan({ action: "sell", notional: 1000 })).toEqual([
      "POST /fapi/v1/order symbol=BTCUSDT&side=SELL&type=MARKET&quantity=0.016",
    ]);
    // 2% of 10000 USDT as margin at 10x: 2000 USDT -> 0.033.
    expect(plan({ action: "buy", percent: 2 })).toEqual([
      "POST /fapi/v1/order symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.033",
    ]);
    expect(plan({ action: "buy", quantity: "0.01", type: "limit", price: "59999.97" })).toEqual([
      "POST /fapi/v1/order symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&price=60000.00&quantity=0.010",
    ]);
  });

  it("goes long or short across an opposite position in one order, closes and flips", () => {
    const short = account({ both: decimal("-0.020") });
    expect(plan({ action: "long", quantity: "0.01" }, short)).toEqual([
      "POST /fapi/v1/order symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.030",
    ]);
    expect(plan({ action: "close" }, short)).toEqual([
      "POST /fapi/v1/order symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.020&reduceOnly=true",
    ]);
    expect(plan({ action: "close", percent: 50 }, short)).toEqual([
      "POST /fapi/v1/order symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.010&reduceOnly=true",
    ]);
    expect(plan({ action: "flip" }, short)).toEqual([
      "POST /fapi/v1/order symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.040",
    ]);
    expect(plan({ action: "close" })).toBe("nothing to do: no BTCUSDT position for close");
    expect(plan({ action: "cancel" })).toEqual([
      "DELETE /fapi/v1/allOpenOrders symbol=BTCUSDT",
      "DELETE /fapi/v1/algoOpenOrders symbol=BTCUSDT",
    ]);
  });

  it("sets leverage and margin type first, and brackets the entry with algo orders", () => {
    expect(
      plan({
        action: "buy",
        quantity: "0.01",
        leverage: 5,
        marginType: "isolated",
        takeProfitPercent: 2,
        stopLoss: 58000,
      }),
    ).toEqual([
      "POST /fapi/v1/leverage symbol=BTCUSDT&leverage=5",
      "POST /fapi/v1/marginType symbol=BTCUSDT&marginType=ISOLATED",
      "POST /fapi/v1/order symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.010",
      "POST /fapi/v1/algoOrder algoType=CONDITIONAL&symbol=BTCUSDT&side=SELL&type=TAKE_PROFIT_MARKET&triggerPrice=61200.00&closePosition=true&workingType=MARK_PRICE",
      "POST /fapi/v1/algoOrder algoType=CONDITIONAL&symbol=BTCUSDT&side=SELL&type=STOP_MARKET&triggerPrice=58000.00&closePosition=true&workingType=MARK_PRICE",
    ]);
    expect(plan({ action: "sell", quantity: "0.01", stopLoss: 58000 })).toBe(
      "stopLoss 58000 must be above the entry 60000 for a short",
    );
  });

  it("refuses orders outside the limits, and never for reducing", () => {
    expect(plan({ action: "buy", quantity: "0.001" })).toBe(
      "order notional 60 USDT is below BTCUSDT's minimum 100 USDT",
    );
    expect(plan({ action: "buy", quantity: "0.1" })).toBe(
      "order notional 6000 USDT is above the hook's maxNotional 5000 USDT",
    );
    expect(plan({ action: "buy", quantity: "0.0004" })).toBe(
      "quantity 0.0004 rounds down to 0, below BTCUSDT's minimum 0.001",
    );
    expect(plan({ action: "buy", quantity: "0.01", leverage: 50 })).toBe(
      "leverage 50 is above the hook's maxLeverage 20",
    );
    // Closing a large position is always allowed.
    expect(plan({ action: "close" }, account({ both: decimal("0.5"), leverage: 100 }))).toEqual([
      "POST /fapi/v1/order symbol=BTCUSDT&side=SELL&type=MARKET&quantity=0.5&reduceOnly=true",
    ]);
  });
});

describe("plans that must not overreach", () => {
  it("never changes leverage or margin before a close, and refuses a reduce-only order that would open", () => {
    const hook = hookOf({ defaults: { leverage: 5, marginType: "isolated" } });
    expect(plan({ action: "close" }, account({ both: decimal("0.020") }), hook)).toEqual([
      "POST /fapi/v1/order symbol=BTCUSDT&side=SELL&type=MARKET&quantity=0.020&reduceOnly=true",
    ]);
    const hedge = account({ hedge: true, long: decimal("0.020") });
    expect(plan({ action: "buy", quantity: "0.01", reduceOnly: true, positionSide: "long" }, hedge)).toBe(
      "reduceOnly buy on the LONG side would open a position, not reduce one",
    );
  });

  it("values a marketable limit order at the market, and bounds market orders by MARKET_LOT_SIZE", () => {
    // 1000 USDT with a sell limit at 30000 while the market is 60000: it fills near 60000, so 0.016, not 0.033.
    expect(plan({ action: "sell", notional: 1000, type: "limit", price: 30000 })).toEqual([
      "POST /fapi/v1/order symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&price=30000.00&quantity=0.016",
    ]);
    expect(plan({ action: "buy", quantity: 121 }, account(), hookOf({ maxNotional: 10_000_000 }))).toBe(
      "quantity 121 is above BTCUSDT's maximum 120 for market orders",
    );
    expect(plan({ action: "buy", quantity: "0.01", stopLoss: "60000" })).toBe(
      "stopLoss 60000 must be below the entry 60000 for a long",
    );
  });
});

describe("plans, hedge mode", () => {
  const hedge = (long: string, short: string) =>
    account({ hedge: true, long: decimal(long), short: decimal(short) });

  it("opens on the action's side and closes the opposite side first for long and short", () => {
    expect(plan({ action: "buy", quantity: "0.01" }, hedge("0", "0"))).toEqual([
      "POST /fapi/v1/order symbol=BTCUSDT&side=BUY&positionSide=LONG&type=MARKET&quantity=0.010",
    ]);
    expect(plan({ action: "sell", quantity: "0.01", reduceOnly: true }, hedge("0.020", "0"))).toEqual([
      "POST /fapi/v1/order symbol=BTCUSDT&side=SELL&positionSide=LONG&type=MARKET&quantity=0.010",
    ]);
    expect(plan({ action: "long", quantity: "0.01" }, hedge("0", "0.030"))).toEqual([
      "POST /fapi/v1/order symbol=BTCUSDT&side=BUY&positionSide=SHORT&type=MARKET&quantity=0.030",
      "POST /fapi/v1/order symbol=BTCUSDT&side=BUY&positionSide=LONG&type=MARKET&quantity=0.010",
    ]);
  });

  it("closes both sides or one, and flips a single side", () => {
    expect(plan({ action: "close" }, hedge("0.020", "0.030"))).toEqual([
      "POST /fapi/v1/order symbol=BTCUSDT&side=SELL&positionSide=LONG&type=MARKET&quantity=0.020",
      "POST /fapi/v1/order symbol=BTCUSDT&side=BUY&positionSide=SHORT&type=MARKET&quantity=0.030",
    ]);
    expect(plan({ action: "close", positionSide: "short" }, hedge("0.020", "0.030"))).toEqual([
      "POST /fapi/v1/order symbol=BTCUSDT&side=BUY&positionSide=SHORT&type=MARKET&quantity=0.030",
    ]);
    expect(plan({ action: "flip" }, hedge("0.020", "0"))).toEqual([
      "POST /fapi/v1/order symbol=BTCUSDT&side=SELL&positionSide=LONG&type=MARKET&quantity=0.020",
      "POST /fapi/v1/order symbol=BTCUSDT&side=SELL&positionSide=SHORT&type=MARKET&quantity=0.020",
    ]);
    expect(plan({ action: "flip" }, hedge("0.020", "0.010"))).toContain("close one first");
    expect(plan({ action: "buy", quantity: "0.01", takeProfit: 61000 }, hedge("0", "0"))).toContain(
      "POST /fapi/v1/algoOrder algoType=CONDITIONAL&symbol=BTCUSDT&side=SELL&positionSide=LONG&type=TAKE_PROFIT_MARKET&triggerPrice=61000.00&closePosition=true&workingType=MARK_PRICE",
    );
  });
});

describe("plans, COIN-M", () => {
  it("sizes in contracts and brackets with conditional orders", () => {
    const hook = hookOf({ market: "cm", maxNotional: 100000 });
    // 1000 USD of 100 USD contracts: 10; 10% of 1 BTC at 10x and 60000: 60000 USD -> 600 contracts.
    expect(plan({ action: "buy", notional: 1000, symbol: "BTCUSD_PERP" }, account(), hook, CM_RULES)).toEqual(
      ["POST /dapi/v1/order symbol=BTCUSD_PERP&side=BUY&type=MARKET&quantity=10"],
    );
    expect(
      plan(
        { action: "buy", percent: 10, symbol: "BTCUSD_PERP" },
        account({ availableBalance: decimal("1") }),
        hook,
        CM_RULES,
      ),
    ).toEqual(["POST /dapi/v1/order symbol=BTCUSD_PERP&side=BUY&type=MARKET&quantity=600"]);
    expect(
      plan(
        { action: "short", quantity: 5, symbol: "BTCUSD_PERP", stopLossPercent: 1 },
        account(),
        hook,
        CM_RULES,
      ),
    ).toEqual([
      "POST /dapi/v1/order symbol=BTCUSD_PERP&side=SELL&type=MARKET&quantity=5",
      "POST /dapi/v1/order symbol=BTCUSD_PERP&side=BUY&type=STOP_MARKET&stopPrice=60600.0&closePosition=true&workingType=MARK_PRICE",
    ]);
    expect(plan({ action: "cancel", symbol: "BTCUSD_PERP" }, account(), hook, CM_RULES)).toEqual([
      "DELETE /dapi/v1/allOpenOrders symbol=BTCUSD_PERP",
    ]);
  });
});
