// From an alert to Binance calls: pure, given what the executor read from the exchange (the symbol's filters,
// its price, the account's position mode, positions, leverage, margin type and balance). Sizes are rounded down
// to the step, prices to the tick; risk limits are checked on the rounded numbers; anything that cannot be done
// as asked is refused with one sentence and no call at all.

import type { Market } from "../catalog/types.ts";
import {
  add,
  compare,
  type Decimal,
  decimal,
  divide,
  floorToStep,
  formatShort,
  isZero,
  multiply,
  roundToStep,
  ZERO,
} from "../decimal.ts";
import { err, ok, type Result } from "../result.ts";
import type { Alert, Size } from "./alert.ts";
import type { Hook } from "./config.ts";
import { orderIntents } from "./intents.ts";
import { bracketSteps, notionalOf, orderStep, step } from "./plan-steps.ts";
import type { AccountView, OrderIntent, Step, StepKind, SymbolRules } from "./plan-types.ts";

export type { AccountView, Step, StepKind, SymbolRules } from "./plan-types.ts";

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
    const cancel = (kind: StepKind, what: string, summary: string) =>
      step(kind, "DELETE", `${prefix}/${what}`, [["symbol", symbol]], `cancel ${symbol} ${summary}`);
    const steps = [cancel("cancel", "allOpenOrders", "open orders")];
    if (market === "um") steps.push(cancel("cancelAlgo", "algoOpenOrders", "algo orders"));
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
  const setting = (kind: "leverage" | "marginType", value: string, summary: string) =>
    step(
      kind,
      "POST",
      `${prefix}/${kind}`,
      [
        ["symbol", symbol],
        [kind, value],
      ],
      `set ${symbol} ${summary}`,
    );
  if (opensSomething && alert.leverage !== null && alert.leverage !== account.leverage)
    steps.push(setting("leverage", String(alert.leverage), `leverage to ${alert.leverage}x`));
  if (opensSomething && alert.marginType !== null && alert.marginType !== account.marginType)
    steps.push(setting("marginType", alert.marginType, `margin to ${alert.marginType}`));
  for (const intent of orders) steps.push(orderStep(intent, alert, rules, reference, market, prefix));

  const brackets = bracketSteps(alert, orders, rules, entry, market, prefix, account.hedge);
  if (!brackets.ok) return brackets;
  steps.push(...brackets.value);
  return ok(steps);
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
