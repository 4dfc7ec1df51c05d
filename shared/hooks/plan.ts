// From an alert to Binance calls: pure, given what the executor read from the exchange (the symbol's filters,
// its price, the account's position mode, positions, leverage, margin type and balance). Sizes are rounded down
// to the step, prices to the tick; risk limits are checked on the rounded numbers; anything that cannot be done
// as asked is refused with one sentence and no call at all.

import type { Market } from "../catalog/types.ts";
import type { Param } from "../encoding/query.ts";
import { err, ok, type Result } from "../result.ts";
import type { Alert, Size, Trigger } from "./alert.ts";
import type { Hook } from "./config.ts";
import {
  abs,
  add,
  compare,
  type Decimal,
  decimal,
  divide,
  floorToStep,
  format,
  formatShort,
  isZero,
  min,
  multiply,
  roundToStep,
  subtract,
  ZERO,
} from "./decimal.ts";

export interface SymbolRules {
  readonly symbol: string;
  readonly tickSize: Decimal;
  readonly stepSize: Decimal;
  readonly minQty: Decimal;
  readonly maxQty: Decimal;
  /** MARKET_LOT_SIZE's maxQty: market orders are bound by it (often below LOT_SIZE's). */
  readonly marketMaxQty: Decimal;
  /** USDⓈ-M MIN_NOTIONAL, or null (COIN-M). */
  readonly minNotional: Decimal | null;
  /** COIN-M contract size in USD, or null (USDⓈ-M). */
  readonly contractSize: Decimal | null;
}

export interface AccountView {
  readonly hedge: boolean;
  /** One-way: the signed BOTH position. Hedge: LONG (>= 0) and SHORT (magnitude, >= 0). */
  readonly both: Decimal;
  readonly long: Decimal;
  readonly short: Decimal;
  readonly leverage: number;
  readonly marginType: "ISOLATED" | "CROSSED";
  /** Available balance in the margin asset (USDT; the coin for COIN-M). */
  readonly availableBalance: Decimal;
}

export type StepKind = "leverage" | "marginType" | "order" | "bracket" | "cancel" | "cancelAlgo";

export interface Step {
  readonly kind: StepKind;
  readonly method: "POST" | "DELETE";
  readonly path: string;
  readonly params: readonly Param[];
  /** Notional this step opens (0 for reducing or closing), in the quote currency. */
  readonly opens: Decimal;
  /** What it does, for the alert's report ("BUY 0.016 BTCUSDT LONG at market"). */
  readonly summary: string;
}

type Side = "BUY" | "SELL";
type PositionSide = "BOTH" | "LONG" | "SHORT";

interface OrderIntent {
  readonly side: Side;
  readonly positionSide: PositionSide;
  readonly quantity: Decimal;
  readonly reduceOnly: boolean;
  /** The part of the quantity that opens or adds to a position. */
  readonly opening: Decimal;
}

export function planAlert(
  hook: Hook,
  alert: Alert,
  rules: SymbolRules,
  price: Decimal,
  account: AccountView,
): Result<Step[], string> {
  const market = hook.market;
  const prefix = market === "um" ? "/fapi/v1" : "/dapi/v1";
  const symbol = rules.symbol;
  if (alert.action === "cancel") {
    const steps: Step[] = [
      step(
        "cancel",
        "DELETE",
        `${prefix}/allOpenOrders`,
        [["symbol", symbol]],
        `cancel ${symbol} open orders`,
      ),
    ];
    if (market === "um")
      steps.push(
        step(
          "cancelAlgo",
          "DELETE",
          `${prefix}/algoOpenOrders`,
          [["symbol", symbol]],
          `cancel ${symbol} algo orders`,
        ),
      );
    return ok(steps);
  }
  const leverage = alert.leverage ?? account.leverage;
  const limit =
    alert.type === "LIMIT" && alert.price !== null ? roundToStep(alert.price, rules.tickSize) : null;
  // Sizes and limits use the higher of the limit price and the market: a marketable limit order fills at the
  // market, and the higher price never understates what an order is worth.
  const reference = limit !== null && compare(limit, price) > 0 ? limit : price;
  // Brackets are placed around where the entry fills: the limit price, or the market.
  const entry = limit ?? price;
  const sized = (size: Size | null, whole: Decimal) =>
    contracts(size, whole, market, rules, reference, leverage, account);
  const intents = orderIntents(alert, account, sized);
  if (!intents.ok) return intents;
  const orders = intents.value.filter((intent) => !isZero(intent.quantity));
  if (orders.length === 0) return err(`nothing to do: no ${symbol} position for ${alert.action}`);

  const opening = orders.reduce((sum, intent) => add(sum, intent.opening), ZERO);
  if (!isZero(opening) && leverage > hook.maxLeverage)
    return err(`leverage ${leverage} is above the hook's maxLeverage ${hook.maxLeverage}`);
  for (const intent of orders) {
    const problem = checkOrder(intent, alert.type, hook, rules, reference, market);
    if (problem !== null) return err(problem);
  }

  const steps: Step[] = [];
  // Settings only before an order that opens: a close must never wait on (or be refused for) a margin change.
  const opensSomething = !isZero(opening);
  if (opensSomething && alert.leverage !== null && alert.leverage !== account.leverage)
    steps.push(
      step(
        "leverage",
        "POST",
        `${prefix}/leverage`,
        [
          ["symbol", symbol],
          ["leverage", String(alert.leverage)],
        ],
        `set ${symbol} leverage to ${alert.leverage}x`,
      ),
    );
  if (opensSomething && alert.marginType !== null && alert.marginType !== account.marginType)
    steps.push(
      step(
        "marginType",
        "POST",
        `${prefix}/marginType`,
        [
          ["symbol", symbol],
          ["marginType", alert.marginType],
        ],
        `set ${symbol} margin to ${alert.marginType}`,
      ),
    );
  for (const intent of orders) steps.push(orderStep(intent, alert, rules, reference, market, prefix));

  const brackets = bracketSteps(alert, orders, rules, entry, market, prefix, account.hedge);
  if (!brackets.ok) return brackets;
  steps.push(...brackets.value);
  return ok(steps);
}

/** The orders an action needs, given the position. */
function orderIntents(
  alert: Alert,
  account: AccountView,
  sized: (size: Size | null, whole: Decimal) => Result<Decimal, string>,
): Result<OrderIntent[], string> {
  const open = (side: Side, positionSide: PositionSide, quantity: Decimal): OrderIntent => ({
    side,
    positionSide,
    quantity,
    reduceOnly: false,
    opening: quantity,
  });
  const reduce = (side: Side, positionSide: PositionSide, quantity: Decimal): OrderIntent => ({
    side,
    positionSide,
    quantity,
    // In hedge mode a reducing order is one on the opposite side of its position; Binance refuses reduceOnly.
    reduceOnly: positionSide === "BOTH",
    opening: ZERO,
  });
  const action = alert.action;
  const size = sized(alert.size, ZERO);
  if (!account.hedge) {
    const position = account.both;
    switch (action) {
      case "buy":
      case "sell": {
        if (!size.ok) return size;
        const side: Side = action === "buy" ? "BUY" : "SELL";
        if (!alert.reduceOnly) return ok([open(side, "BOTH", size.value)]);
        const held = side === "SELL" ? position : subtract(ZERO, position);
        if (compare(held, ZERO) <= 0) return err(`reduceOnly ${action}: no position it would reduce`);
        return ok([reduce(side, "BOTH", min(size.value, held))]);
      }
      case "long":
      case "short": {
        if (!size.ok) return size;
        const side: Side = action === "long" ? "BUY" : "SELL";
        const against = action === "long" ? subtract(ZERO, position) : position;
        const closing = compare(against, ZERO) > 0 ? against : ZERO;
        // One order both closes the opposite position and opens this one (one-way mode nets them).
        return ok([
          {
            side,
            positionSide: "BOTH",
            quantity: add(closing, size.value),
            reduceOnly: false,
            opening: size.value,
          },
        ]);
      }
      case "close": {
        if (isZero(position)) return ok([]);
        const amount = sized(alert.size, abs(position));
        if (!amount.ok) return amount;
        return ok([
          reduce(compare(position, ZERO) > 0 ? "SELL" : "BUY", "BOTH", min(amount.value, abs(position))),
        ]);
      }
      case "flip": {
        if (isZero(position)) return ok([]);
        const next = alert.size === null ? ok(abs(position)) : size;
        if (!next.ok) return next;
        const side: Side = compare(position, ZERO) > 0 ? "SELL" : "BUY";
        return ok([
          {
            side,
            positionSide: "BOTH",
            quantity: add(abs(position), next.value),
            reduceOnly: false,
            opening: next.value,
          },
        ]);
      }
      default:
        return ok([]);
    }
  }
  const wanted = alert.positionSide;
  switch (action) {
    case "buy":
    case "sell": {
      if (!size.ok) return size;
      const side: Side = action === "buy" ? "BUY" : "SELL";
      const natural: PositionSide = action === "buy" ? "LONG" : "SHORT";
      const reducing: PositionSide = action === "buy" ? "SHORT" : "LONG";
      const positionSide = wanted ?? (alert.reduceOnly ? reducing : natural);
      if (positionSide === natural && alert.reduceOnly)
        return err(`reduceOnly ${action} on the ${natural} side would open a position, not reduce one`);
      if (positionSide === natural) return ok([open(side, positionSide, size.value)]);
      const held = positionSide === "LONG" ? account.long : account.short;
      if (isZero(held)) return err(`${action}: no ${positionSide} position to reduce`);
      return ok([reduce(side, positionSide, min(size.value, held))]);
    }
    case "long":
    case "short": {
      if (!size.ok) return size;
      const intents: OrderIntent[] = [];
      const opposite = action === "long" ? account.short : account.long;
      if (!isZero(opposite))
        intents.push(
          reduce(action === "long" ? "BUY" : "SELL", action === "long" ? "SHORT" : "LONG", opposite),
        );
      intents.push(
        open(action === "long" ? "BUY" : "SELL", action === "long" ? "LONG" : "SHORT", size.value),
      );
      return ok(intents);
    }
    case "close": {
      const sides: PositionSide[] = wanted === null ? ["LONG", "SHORT"] : [wanted];
      const intents: OrderIntent[] = [];
      for (const positionSide of sides) {
        const held = positionSide === "LONG" ? account.long : account.short;
        if (isZero(held)) continue;
        const amount = sized(alert.size, held);
        if (!amount.ok) return amount;
        intents.push(reduce(positionSide === "LONG" ? "SELL" : "BUY", positionSide, min(amount.value, held)));
      }
      return ok(intents);
    }
    case "flip": {
      const longHeld = !isZero(account.long);
      const shortHeld = !isZero(account.short);
      if (longHeld === shortHeld)
        return longHeld ? err("flip: both a LONG and a SHORT position are open; close one first") : ok([]);
      const from: PositionSide = longHeld ? "LONG" : "SHORT";
      const held = longHeld ? account.long : account.short;
      const next = alert.size === null ? ok(held) : size;
      if (!next.ok) return next;
      return ok([
        reduce(longHeld ? "SELL" : "BUY", from, held),
        open(longHeld ? "SELL" : "BUY", longHeld ? "SHORT" : "LONG", next.value),
      ]);
    }
    default:
      return ok([]);
  }
}

/**
 * An order size in contracts (USDⓈ-M: base asset; COIN-M: contracts), rounded down to the step. `whole` is what
 * a percent refers to when closing (the position); otherwise a percent is of the available balance, as margin.
 */
function contracts(
  size: Size | null,
  whole: Decimal,
  market: Market,
  rules: SymbolRules,
  price: Decimal,
  leverage: number,
  account: AccountView,
): Result<Decimal, string> {
  if (size === null) return ok(whole);
  const hundred = decimal("100");
  let raw: Decimal;
  if (size.kind === "quantity") raw = size.value;
  else if (size.kind === "percent" && !isZero(whole)) raw = divide(multiply(whole, size.value), hundred);
  else {
    const notional =
      size.kind === "notional"
        ? size.value
        : marginNotional(
            divide(multiply(account.availableBalance, size.value), hundred),
            market,
            price,
            leverage,
          );
    raw = market === "um" ? divide(notional, price) : divide(notional, rules.contractSize ?? decimal("1"));
  }
  const rounded = floorToStep(raw, rules.stepSize);
  if (compare(rounded, rules.minQty) < 0)
    return err(
      `quantity ${formatShort(raw)} rounds down to ${formatShort(rounded)}, below ${rules.symbol}'s minimum ${formatShort(rules.minQty)}`,
    );
  return ok(rounded);
}

/** The notional a margin buys at a leverage (COIN-M margin is in coin: valued at the price). */
function marginNotional(margin: Decimal, market: Market, price: Decimal, leverage: number): Decimal {
  const levered = multiply(margin, decimal(String(leverage)));
  return market === "um" ? levered : multiply(levered, price);
}

function notionalOf(quantity: Decimal, market: Market, rules: SymbolRules, price: Decimal): Decimal {
  return market === "um" ? multiply(quantity, price) : multiply(quantity, rules.contractSize ?? decimal("1"));
}

/** Why an order may not go, or null. */
function checkOrder(
  intent: OrderIntent,
  type: "MARKET" | "LIMIT",
  hook: Hook,
  rules: SymbolRules,
  price: Decimal,
  market: Market,
): string | null {
  const quote = market === "um" ? "USDT" : "USD";
  const maxQty = type === "MARKET" ? rules.marketMaxQty : rules.maxQty;
  if (compare(intent.quantity, maxQty) > 0)
    return `quantity ${formatShort(intent.quantity)} is above ${rules.symbol}'s maximum ${formatShort(maxQty)}${type === "MARKET" ? " for market orders" : ""}`;
  if (isZero(intent.opening)) return null;
  const notional = notionalOf(intent.quantity, market, rules, price);
  if (rules.minNotional !== null && compare(notional, rules.minNotional) < 0)
    return `order notional ${formatShort(notional)} ${quote} is below ${rules.symbol}'s minimum ${formatShort(rules.minNotional)} ${quote}`;
  const opens = notionalOf(intent.opening, market, rules, price);
  if (compare(opens, hook.maxNotional) > 0)
    return `order notional ${formatShort(opens)} ${quote} is above the hook's maxNotional ${formatShort(hook.maxNotional)} ${quote}`;
  return null;
}

function orderStep(
  intent: OrderIntent,
  alert: Alert,
  rules: SymbolRules,
  reference: Decimal,
  market: Market,
  prefix: string,
): Step {
  const params: Param[] = [
    ["symbol", rules.symbol],
    ["side", intent.side],
  ];
  if (intent.positionSide !== "BOTH") params.push(["positionSide", intent.positionSide]);
  params.push(["type", alert.type]);
  if (alert.type === "LIMIT" && alert.price !== null) {
    params.push(["timeInForce", alert.timeInForce]);
    params.push(["price", format(roundToStep(alert.price, rules.tickSize))]);
  }
  params.push(["quantity", format(intent.quantity)]);
  if (intent.reduceOnly) params.push(["reduceOnly", "true"]);
  const where =
    alert.type === "LIMIT" && alert.price !== null
      ? `at ${format(roundToStep(alert.price, rules.tickSize))}`
      : "at market";
  const side = intent.positionSide === "BOTH" ? "" : ` ${intent.positionSide}`;
  return {
    kind: "order",
    method: "POST",
    path: `${prefix}/order`,
    params,
    opens: notionalOf(intent.opening, market, rules, reference),
    summary: `${intent.side} ${format(intent.quantity)} ${rules.symbol}${side} ${where}${intent.reduceOnly ? " (reduce only)" : ""}`,
  };
}

/** Take-profit and stop-loss for the position the alert opens: USDⓈ-M algo orders, COIN-M conditional orders. */
function bracketSteps(
  alert: Alert,
  orders: readonly OrderIntent[],
  rules: SymbolRules,
  reference: Decimal,
  market: Market,
  prefix: string,
  hedge: boolean,
): Result<Step[], string> {
  if (alert.takeProfit === null && alert.stopLoss === null) return ok([]);
  const entry = orders.find((intent) => !isZero(intent.opening));
  if (entry === undefined) return err("takeProfit and stopLoss need an order that opens a position");
  const long = entry.side === "BUY";
  const steps: Step[] = [];
  for (const [kind, trigger] of [
    ["TAKE_PROFIT_MARKET", alert.takeProfit],
    ["STOP_MARKET", alert.stopLoss],
  ] as const) {
    if (trigger === null) continue;
    const above = (kind === "TAKE_PROFIT_MARKET") === long;
    const price = triggerPrice(trigger, reference, above, rules.tickSize);
    const name = kind === "TAKE_PROFIT_MARKET" ? "takeProfit" : "stopLoss";
    const position = compare(price, reference);
    if (above ? position <= 0 : position >= 0)
      return err(
        `${name} ${formatShort(price)} must be ${above ? "above" : "below"} the entry ${formatShort(reference)} for a ${long ? "long" : "short"}`,
      );
    const side: Side = long ? "SELL" : "BUY";
    const params: Param[] = [];
    if (market === "um") params.push(["algoType", "CONDITIONAL"]);
    params.push(["symbol", rules.symbol], ["side", side]);
    if (hedge) params.push(["positionSide", long ? "LONG" : "SHORT"]);
    params.push(["type", kind]);
    params.push([market === "um" ? "triggerPrice" : "stopPrice", format(price)]);
    params.push(["closePosition", "true"], ["workingType", "MARK_PRICE"]);
    steps.push({
      kind: "bracket",
      method: "POST",
      path: market === "um" ? `${prefix}/algoOrder` : `${prefix}/order`,
      params,
      opens: ZERO,
      summary: `${name} ${side} ${rules.symbol} when the mark price reaches ${format(price)}`,
    });
  }
  return ok(steps);
}

function triggerPrice(trigger: Trigger, reference: Decimal, above: boolean, tick: Decimal): Decimal {
  if (trigger.kind === "price") return roundToStep(trigger.value, tick);
  const offset = divide(multiply(reference, trigger.value), decimal("100"));
  return roundToStep(above ? add(reference, offset) : subtract(reference, offset), tick);
}

function step(
  kind: StepKind,
  method: "POST" | "DELETE",
  path: string,
  params: Param[],
  summary: string,
): Step {
  return { kind, method, path, params, opens: ZERO, summary };
}
