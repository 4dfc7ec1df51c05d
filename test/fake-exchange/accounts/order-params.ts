// Validates new-order parameters (single and batch) and turns them into an order draft.

import { divideDecimal, isDecimal, multiplyDecimal } from "../decimal.ts";
import { currentPrice, type PriceBook } from "../rest/prices.ts";
import { errors, type Reply } from "../rest/replies.ts";
import { findSymbol, type SymbolInfo } from "../rest/symbols.ts";
import type { FakeOrder, Market } from "../types.ts";
import {
  CLIENT_ID_PATTERN,
  CLIENT_ID_RANGE,
  clientIdInUse,
  type OrderStore,
  randomAlphanumeric,
} from "./orders.ts";

export type OrderDraft = Omit<FakeOrder, "orderId" | "market" | "apiKey">;

const ORDER_TYPES = new Set([
  "LIMIT",
  "MARKET",
  "STOP",
  "STOP_MARKET",
  "TAKE_PROFIT",
  "TAKE_PROFIT_MARKET",
  "TRAILING_STOP_MARKET",
]);
/** USDⓈ-M moved conditional orders to the algo service: /fapi/v1/order answers -4120 for them. */
const UM_ALGO_ONLY = new Set([
  "STOP",
  "STOP_MARKET",
  "TAKE_PROFIT",
  "TAKE_PROFIT_MARKET",
  "TRAILING_STOP_MARKET",
]);
const TIME_IN_FORCE = new Set(["GTC", "IOC", "FOK", "GTX", "GTD"]);

function get(params: Readonly<Record<string, string>>, name: string): string | undefined {
  const value = params[name];
  return value === undefined || value === "" ? undefined : value;
}

function requiredByType(type: string): string[] {
  switch (type) {
    case "LIMIT":
      return ["timeInForce", "price"];
    case "STOP":
    case "TAKE_PROFIT":
      return ["price", "stopPrice"];
    case "STOP_MARKET":
    case "TAKE_PROFIT_MARKET":
      return ["stopPrice"];
    case "TRAILING_STOP_MARKET":
      return ["callbackRate"];
    default:
      return [];
  }
}

function fillAmount(market: Market, info: SymbolInfo, quantity: string, price: string): string {
  if (market === "um") return multiplyDecimal(quantity, price);
  return divideDecimal(multiplyDecimal(quantity, String(info.contractSize)), price, 8);
}

function checkClientId(store: OrderStore, params: Readonly<Record<string, string>>): string | Reply {
  const given = params.newClientOrderId;
  if (given === undefined || given === "") return randomAlphanumeric(22);
  if (!CLIENT_ID_PATTERN.test(given)) return errors.illegalCharsIn("newClientOrderId", CLIENT_ID_RANGE);
  if (clientIdInUse(store, given)) return errors.duplicateClientOrderId();
  return given;
}

/**
 * Checks the parameters of one new order; returns the draft to store or the error Binance would send.
 * MARKET orders fill at once at the symbol's current price. Account rules are order-rules.ts's.
 */
export function buildOrderDraft(
  store: OrderStore,
  params: Readonly<Record<string, string>>,
  now: number,
  prices: PriceBook,
): OrderDraft | Reply {
  const market = store.market;
  for (const name of ["symbol", "side", "type"])
    if (get(params, name) === undefined) return errors.mandatory(name);
  const info = findSymbol(market, get(params, "symbol"));
  if (info === undefined) return errors.invalidSymbol();
  const side = get(params, "side") ?? "";
  if (side !== "BUY" && side !== "SELL") return errors.invalidSide();
  const type = get(params, "type") ?? "";
  if (!ORDER_TYPES.has(type)) return errors.invalidOrderType();
  if (market === "um" && UM_ALGO_ONLY.has(type)) return errors.useAlgoEndpoints();
  const closePosition = get(params, "closePosition") === "true";
  const required = closePosition ? requiredByType(type) : ["quantity", ...requiredByType(type)];
  for (const name of required) if (get(params, name) === undefined) return errors.mandatory(name);
  for (const name of ["quantity", "price", "stopPrice"]) {
    const value = get(params, name);
    if (value !== undefined && !isDecimal(value)) return errors.invalidParam(name);
  }
  const timeInForce = get(params, "timeInForce") ?? "GTC";
  if (!TIME_IN_FORCE.has(timeInForce)) return errors.invalidTif();
  const clientOrderId = checkClientId(store, params);
  if (typeof clientOrderId !== "string") return clientOrderId;
  const quantity = get(params, "quantity") ?? "0";
  const filled = type === "MARKET";
  const price = currentPrice(prices, market, info);
  return {
    clientOrderId,
    symbol: info.symbol,
    side,
    positionSide: get(params, "positionSide") ?? "BOTH",
    type,
    origType: type,
    status: filled ? "FILLED" : "NEW",
    timeInForce,
    price: get(params, "price") ?? "0",
    avgPrice: filled ? price : market === "um" ? "0.00000" : "0.0",
    origQty: quantity,
    executedQty: filled ? quantity : "0",
    cumAmount: filled ? fillAmount(market, info, quantity, price) : "0",
    stopPrice: get(params, "stopPrice") ?? "0",
    reduceOnly: get(params, "reduceOnly") === "true",
    closePosition,
    workingType: get(params, "workingType") ?? "CONTRACT_PRICE",
    priceProtect: get(params, "priceProtect") === "true",
    priceMatch: get(params, "priceMatch") ?? "NONE",
    selfTradePreventionMode: get(params, "selfTradePreventionMode") ?? "NONE",
    goodTillDate: get(params, "goodTillDate") ?? "0",
    time: now,
    updateTime: now,
    params: { ...params },
  };
}
