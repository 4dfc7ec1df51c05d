// USDⓈ-M algo (conditional) order book-keeping: POST/GET/DELETE /fapi/v1/algoOrder, openAlgoOrders.

import { isDecimal } from "../decimal.ts";
import { errors, type Reply } from "../rest/replies.ts";
import { findSymbol, type SymbolInfo } from "../rest/symbols.ts";
import type { FakeAlgoOrder } from "../types.ts";
import { CLIENT_ID_PATTERN, FIRST_ORDER_ID, randomAlphanumeric } from "./orders.ts";

/** Algo ids live in their own range (2^53 + 1 000 001 …) so an algoId is never mistaken for an orderId. */
export const FIRST_ALGO_ID = FIRST_ORDER_ID + 1_000_000n;

export interface AlgoStore {
  nextId: bigint;
  readonly orders: FakeAlgoOrder[];
}

export function createAlgoStore(): AlgoStore {
  return { nextId: FIRST_ALGO_ID, orders: [] };
}

const ALGO_TYPES = new Set([
  "STOP_MARKET",
  "TAKE_PROFIT_MARKET",
  "STOP",
  "TAKE_PROFIT",
  "TRAILING_STOP_MARKET",
]);

function get(params: Readonly<Record<string, string>>, name: string): string | undefined {
  const value = params[name];
  return value === undefined || value === "" ? undefined : value;
}

export function isAlgoOpen(order: FakeAlgoOrder): boolean {
  return order.algoStatus === "NEW";
}

/** The open algo orders one account (API key) placed. */
export function accountOpenAlgoOrders(store: AlgoStore, apiKey: string, symbol?: string): FakeAlgoOrder[] {
  return store.orders.filter(
    (order) =>
      isAlgoOpen(order) && order.apiKey === apiKey && (symbol === undefined || order.symbol === symbol),
  );
}

function clientAlgoId(store: AlgoStore, given: string | undefined): string | Reply {
  if (given === undefined) return randomAlphanumeric(22);
  if (!CLIENT_ID_PATTERN.test(given)) {
    return errors.illegalCharsIn("clientAlgoId", "^[\\.A-Z\\:/a-z0-9_-]{1,36}$");
  }
  if (store.orders.some((order) => isAlgoOpen(order) && order.clientAlgoId === given)) {
    return errors.duplicateClientOrderId();
  }
  return given;
}

/**
 * Validates and stores a new CONDITIONAL algo order of `apiKey`'s account; `check` applies the account's
 * rules once the parameters are valid (null to accept).
 */
export function placeAlgoOrder(
  store: AlgoStore,
  params: Readonly<Record<string, string>>,
  now: number,
  apiKey: string | null,
  check: (info: SymbolInfo) => Reply | null = () => null,
): FakeAlgoOrder | Reply {
  for (const name of ["algoType", "symbol", "side", "type"]) {
    if (get(params, name) === undefined) return errors.mandatory(name);
  }
  if (get(params, "algoType") !== "CONDITIONAL") return errors.invalidParam("algoType");
  const info = findSymbol("um", get(params, "symbol"));
  if (info === undefined) return errors.invalidSymbol();
  const side = get(params, "side") ?? "";
  if (side !== "BUY" && side !== "SELL") return errors.invalidSide();
  const type = get(params, "type") ?? "";
  if (!ALGO_TYPES.has(type)) return errors.invalidOrderType();
  const closePosition = get(params, "closePosition") === "true";
  if (!closePosition && get(params, "quantity") === undefined) return errors.mandatory("quantity");
  if (type !== "TRAILING_STOP_MARKET" && get(params, "triggerPrice") === undefined) {
    return errors.mandatory("triggerPrice");
  }
  for (const name of ["quantity", "price", "triggerPrice", "activatePrice", "callbackRate"]) {
    const value = get(params, name);
    if (value !== undefined && !isDecimal(value)) return errors.invalidParam(name);
  }
  const id = clientAlgoId(store, get(params, "clientAlgoId"));
  if (typeof id !== "string") return id;
  const rejected = check(info);
  if (rejected !== null) return rejected;
  const order: FakeAlgoOrder = {
    algoId: store.nextId,
    apiKey,
    clientAlgoId: id,
    algoType: "CONDITIONAL",
    orderType: type,
    symbol: info.symbol,
    side,
    positionSide: get(params, "positionSide") ?? "BOTH",
    timeInForce: get(params, "timeInForce") ?? "GTC",
    quantity: get(params, "quantity") ?? "0",
    algoStatus: "NEW",
    triggerPrice: get(params, "triggerPrice") ?? "0",
    price: get(params, "price") ?? "0",
    workingType: get(params, "workingType") ?? "CONTRACT_PRICE",
    priceMatch: get(params, "priceMatch") ?? "NONE",
    selfTradePreventionMode: get(params, "selfTradePreventionMode") ?? "NONE",
    closePosition,
    priceProtect: get(params, "priceProtect") === "true",
    reduceOnly: get(params, "reduceOnly") === "true",
    activatePrice: get(params, "activatePrice") ?? "",
    callbackRate: get(params, "callbackRate") ?? "",
    goodTillDate: get(params, "goodTillDate") ?? "0",
    createTime: now,
    updateTime: now,
    params: { ...params },
  };
  store.nextId += 1n;
  store.orders.push(order);
  return order;
}

export function findAlgoOrder(
  store: AlgoStore,
  ref: { algoId?: bigint; clientAlgoId?: string },
): FakeAlgoOrder | undefined {
  if (ref.algoId !== undefined) return store.orders.find((order) => order.algoId === ref.algoId);
  const named = store.orders.filter((order) => order.clientAlgoId === ref.clientAlgoId);
  return named.find(isAlgoOpen) ?? named.at(-1);
}
