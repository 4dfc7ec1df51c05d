// Account rules for new orders (order, order/test, batchOrders, algoOrder), checked after the parameters:
// position side against the account's mode, reduceOnly / closePosition against the position, and, when the
// fake's strictFilters is on, the symbol filters exchangeInfo publishes.

import {
  absDecimal,
  compareDecimal,
  decimalPlaces,
  fixedDecimal,
  isMultipleOf,
  multiplyDecimal,
  signOf,
} from "../decimal.ts";
import { currentPrice } from "../rest/prices.ts";
import { binanceError, type Reply } from "../rest/replies.ts";
import type { SymbolInfo } from "../rest/symbols.ts";
import type { ExchangeState } from "../state.ts";
import type { Market } from "../types.ts";
import { accountOf, type PositionSide, positionOf } from "./accounts.ts";

/** One new order as the rules see it (prices as sent; triggerPrice is stopPrice on /order). */
export interface OrderIntent {
  readonly info: SymbolInfo;
  readonly side: string;
  readonly type: string;
  /** As sent (undefined when absent or empty). */
  readonly positionSide: string | undefined;
  readonly reduceOnlySent: boolean;
  readonly reduceOnly: boolean;
  readonly closePosition: boolean;
  readonly quantity: string | undefined;
  readonly price: string | undefined;
  readonly triggerPrice: string | undefined;
  readonly activatePrice: string | undefined;
}

const PERCENT_PRICE_UP = "1.05";
const PERCENT_PRICE_DOWN = "0.95";
const CLOSE_POSITION_TYPES = new Set(["STOP_MARKET", "TAKE_PROFIT_MARKET"]);
/** Orders that trade when placed (here: MARKET fills, LIMIT rests); conditional ones wait for a trigger. */
const IMMEDIATE_TYPES = new Set(["LIMIT", "MARKET"]);

export const ruleErrors = {
  notRequired: (name: string) => binanceError(400, -1106, `Parameter '${name}' sent when not required.`),
  precision: () => binanceError(400, -1111, "Precision is over the maximum defined for this asset."),
  reduceOnlyRejected: () => binanceError(400, -2022, "ReduceOnly Order is rejected."),
  priceAboveMax: () => binanceError(400, -4002, "Price greater than max price."),
  quantityNotPositive: () => binanceError(400, -4003, "Quantity less than or equal to zero."),
  quantityBelowMin: () => binanceError(400, -4004, "Quantity less than min quantity."),
  quantityAboveMax: () => binanceError(400, -4005, "Quantity greater than max quantity."),
  priceBelowMin: () => binanceError(400, -4013, "Price less than min price."),
  tickSize: () => binanceError(400, -4014, "Price not increased by tick size."),
  limitPriceHigh: (cap: string) => binanceError(400, -4016, `Limit price can't be higher than ${cap}.`),
  limitPriceLow: (floor: string) => binanceError(400, -4024, `Limit price can't be lower than ${floor}.`),
  invalidPositionSide: () => binanceError(400, -4060, "Invalid position side."),
  positionSideMismatch: () =>
    binanceError(400, -4061, "Order's position side does not match user's setting."),
  quantityWithClosePosition: () =>
    binanceError(400, -4137, "Quantity must be zero with closePosition equals true"),
  minNotional: (minimum: string) =>
    binanceError(
      400,
      -4164,
      `Order's notional must be no smaller than ${minimum} (unless you choose reduce only).`,
    ),
};

function checkPrice(info: SymbolInfo, price: string): Reply | null {
  if (decimalPlaces(price) > info.pricePrecision) return ruleErrors.precision();
  if (!isMultipleOf(price, info.tickSize)) return ruleErrors.tickSize();
  if (compareDecimal(price, info.minPrice) < 0) return ruleErrors.priceBelowMin();
  if (compareDecimal(price, info.maxPrice) > 0) return ruleErrors.priceAboveMax();
  return null;
}

/** PRICE_FILTER, LOT_SIZE / MARKET_LOT_SIZE, PERCENT_PRICE (LIMIT) and USDⓈ-M MIN_NOTIONAL. */
function checkFilters(market: Market, intent: OrderIntent, mark: string, closing: boolean): Reply | null {
  const { info, quantity } = intent;
  for (const price of [intent.price, intent.triggerPrice, intent.activatePrice]) {
    const failed = price === undefined ? null : checkPrice(info, price);
    if (failed !== null) return failed;
  }
  if (intent.type === "LIMIT" && intent.price !== undefined) {
    const cap = fixedDecimal(multiplyDecimal(mark, PERCENT_PRICE_UP), info.pricePrecision);
    const floor = fixedDecimal(multiplyDecimal(mark, PERCENT_PRICE_DOWN), info.pricePrecision);
    if (intent.side === "BUY" && compareDecimal(intent.price, cap) > 0) return ruleErrors.limitPriceHigh(cap);
    if (intent.side === "SELL" && compareDecimal(intent.price, floor) < 0)
      return ruleErrors.limitPriceLow(floor);
  }
  if (quantity === undefined) return null;
  if (decimalPlaces(quantity) > info.quantityPrecision || !isMultipleOf(quantity, info.stepSize))
    return ruleErrors.precision();
  if (compareDecimal(quantity, info.minQty) < 0) return ruleErrors.quantityBelowMin();
  if (compareDecimal(quantity, info.maxQty) > 0) return ruleErrors.quantityAboveMax();
  if (market === "um" && !intent.reduceOnly && !closing) {
    const reference =
      intent.type === "MARKET" ? mark : (intent.price ?? intent.triggerPrice ?? intent.activatePrice ?? mark);
    if (compareDecimal(multiplyDecimal(quantity, reference), info.minNotional) < 0)
      return ruleErrors.minNotional(info.minNotional);
  }
  return null;
}

/** The side an order acts on in the account's mode, or the -4060 / -4061 error. */
function checkPositionSide(dual: boolean, sent: string | undefined): PositionSide | Reply {
  if (sent !== undefined && sent !== "BOTH" && sent !== "LONG" && sent !== "SHORT")
    return ruleErrors.invalidPositionSide();
  if (!dual) return sent === undefined || sent === "BOTH" ? "BOTH" : ruleErrors.positionSideMismatch();
  return sent === "LONG" || sent === "SHORT" ? sent : ruleErrors.positionSideMismatch();
}

/** A hedge-mode order that closes: SELL on LONG, BUY on SHORT. */
function closesHedge(side: string, positionSide: PositionSide): boolean {
  return (positionSide === "LONG" && side === "SELL") || (positionSide === "SHORT" && side === "BUY");
}

/**
 * Checks one new order against the account of `apiKey` in `market`; null when Binance would accept it.
 * Position side, reduceOnly and hedge rules always apply; symbol filters only with strictFilters.
 * Orders that trade at once (LIMIT, MARKET) are checked against the position; conditional orders are not
 * (Binance checks those when they trigger), except that closePosition must point against its hedge side.
 */
export function checkOrderRules(
  state: ExchangeState,
  market: Market,
  apiKey: string | null,
  intent: OrderIntent,
): Reply | null {
  const account = accountOf(state.accounts, market, apiKey ?? "");
  if (intent.closePosition) {
    if (!CLOSE_POSITION_TYPES.has(intent.type)) return ruleErrors.notRequired("closePosition");
    if (intent.quantity !== undefined && signOf(intent.quantity) !== 0)
      return ruleErrors.quantityWithClosePosition();
    if (intent.reduceOnlySent) return ruleErrors.notRequired("reduceOnly");
  }
  const positionSide = checkPositionSide(account.dualSidePosition, intent.positionSide);
  if (typeof positionSide !== "string") return positionSide;
  if (account.dualSidePosition && intent.reduceOnlySent) return ruleErrors.notRequired("reduceOnly");
  if (!intent.closePosition && intent.quantity !== undefined && signOf(intent.quantity) === 0)
    return ruleErrors.quantityNotPositive();
  const closing = intent.closePosition || closesHedge(intent.side, positionSide);
  if (state.strictFilters) {
    const failed = checkFilters(market, intent, currentPrice(state.prices, market, intent.info), closing);
    if (failed !== null) return failed;
  }
  if (account.dualSidePosition && intent.closePosition && !closesHedge(intent.side, positionSide))
    return ruleErrors.reduceOnlyRejected();
  if (!IMMEDIATE_TYPES.has(intent.type) || intent.quantity === undefined) return null;
  const held = positionOf(account, intent.info.symbol, positionSide).positionAmt;
  const reduces = account.dualSidePosition ? closesHedge(intent.side, positionSide) : intent.reduceOnly;
  if (!reduces) return null;
  // Reducing: there must be a position on the other side of the order, at least as large as the order.
  const wanted = intent.side === "SELL" ? 1 : -1;
  if (signOf(held) !== wanted || compareDecimal(intent.quantity, absDecimal(held)) > 0)
    return ruleErrors.reduceOnlyRejected();
  return null;
}

/** The intent of a /order or batchOrders element (stopPrice is the trigger there). */
export function orderIntent(info: SymbolInfo, params: Readonly<Record<string, string>>): OrderIntent {
  const get = (name: string): string | undefined => (params[name] === "" ? undefined : params[name]);
  return {
    info,
    side: get("side") ?? "",
    type: get("type") ?? "",
    positionSide: get("positionSide"),
    reduceOnlySent: get("reduceOnly") !== undefined,
    reduceOnly: get("reduceOnly") === "true",
    closePosition: get("closePosition") === "true",
    quantity: get("quantity"),
    price: get("price"),
    triggerPrice: get("stopPrice"),
    activatePrice: get("activationPrice"),
  };
}
