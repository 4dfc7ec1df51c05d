// Turning planned orders into Binance calls: the order itself (limit price at the tick, reduce-only in one-way
// mode only), and take-profit / stop-loss brackets as USDⓈ-M algo orders or COIN-M conditional orders.

import type { Market } from "../catalog/types.ts";
import {
  add,
  compare,
  type Decimal,
  decimal,
  divide,
  format,
  formatShort,
  isZero,
  multiply,
  roundToStep,
  subtract,
  ZERO,
} from "../decimal.ts";
import type { Param } from "../encoding/query.ts";
import { err, ok, type Result } from "../result.ts";
import type { Alert, Trigger } from "./alert.ts";
import type { OrderIntent, Side, Step, StepKind, SymbolRules } from "./plan-types.ts";

export function notionalOf(quantity: Decimal, market: Market, rules: SymbolRules, price: Decimal): Decimal {
  return market === "um" ? multiply(quantity, price) : multiply(quantity, rules.contractSize ?? decimal("1"));
}

/** Why an order may not go, or null. */
export function orderStep(
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
export function bracketSteps(
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

export function step(
  kind: StepKind,
  method: "POST" | "DELETE",
  path: string,
  params: Param[],
  summary: string,
): Step {
  return { kind, method, path, params, opens: ZERO, summary };
}
