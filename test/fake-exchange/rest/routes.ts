// The endpoints with real behaviour: security type, request weight and order counting per route.

import {
  changeLeverage,
  changeMarginType,
  changePositionMode,
  getPositionMode,
  symbolConfig,
} from "../accounts/account-routes.ts";
import {
  cancelAllAlgoOpenOrders,
  closeUserStream,
  deleteAlgoOrder,
  keepAliveUserStream,
  listOpenAlgoOrders,
  newAlgoOrder,
  queryAlgoOrder,
  startUserStream,
} from "../accounts/algo-routes.ts";
import { cancelBatchOrders, placeBatchOrders } from "../accounts/batch-routes.ts";
import {
  cancelAllOpenOrders,
  deleteOrder,
  listOpenOrders,
  newOrder,
  queryOrder,
  testOrder,
} from "../accounts/order-routes.ts";
import {
  balance,
  positionRiskCoin,
  positionRiskUmV2,
  positionRiskUmV3,
} from "../accounts/position-routes.ts";
import type { Handler } from "../state.ts";
import type { Market } from "../types.ts";
import { exchangeInfo } from "./exchange-info.ts";
import { depth, klines, ping, premiumIndex, tickerPrice, time } from "./market-data.ts";
import type { Params } from "./params.ts";
import { ticker24hr } from "./ticker-24hr.ts";
import { depthWeight, klinesWeight, symbolOptionalWeight } from "./weights.ts";

export type Security = "NONE" | "API_KEY" | "SIGNED";

export interface Route {
  readonly security: Security;
  readonly handler: Handler;
  readonly weight: (params: Params) => number;
  /** Set on order endpoints (they answer with X-MBX-ORDER-COUNT-*): orders placed per 10 s and per minute. */
  readonly orderCount?: (params: Params) => readonly [number, number];
}

const fixed =
  (weight: number): ((params: Params) => number) =>
  () =>
    weight;
const noOrders = (): readonly [number, number] => [0, 0];

function route(security: Security, handler: Handler, weight: (params: Params) => number = fixed(1)): Route {
  return { security, handler, weight };
}

function orderRoute(
  handler: Handler,
  weight: (params: Params) => number,
  orderCount: (params: Params) => readonly [number, number] = noOrders,
): Route {
  return { security: "SIGNED", handler, weight, orderCount };
}

/** Routes under both /fapi/v1/ and /dapi/v1/, keyed "METHOD suffix". */
const BOTH_MARKETS: Readonly<Record<string, Route>> = {
  "GET ping": route("NONE", ping),
  "GET time": route("NONE", time),
  "GET exchangeInfo": route("NONE", exchangeInfo),
  "GET klines": route("NONE", klines, klinesWeight),
  "GET depth": route("NONE", depth, depthWeight),
  "GET ticker/price": route("NONE", tickerPrice, symbolOptionalWeight(1, 2)),
  "GET ticker/24hr": route("NONE", ticker24hr, symbolOptionalWeight(1, 40)),
  "POST order": orderRoute(newOrder, fixed(0), () => [1, 1]),
  "POST order/test": orderRoute(testOrder, fixed(0)),
  "GET order": orderRoute(queryOrder, fixed(1)),
  "DELETE order": orderRoute(deleteOrder, fixed(1)),
  "GET openOrders": route("SIGNED", listOpenOrders, symbolOptionalWeight(1, 40)),
  "DELETE allOpenOrders": orderRoute(cancelAllOpenOrders, fixed(1)),
  "POST batchOrders": orderRoute(placeBatchOrders, fixed(5), () => [5, 1]),
  "DELETE batchOrders": orderRoute(cancelBatchOrders, fixed(1)),
  "POST listenKey": route("API_KEY", startUserStream),
  "PUT listenKey": route("API_KEY", keepAliveUserStream),
  "DELETE listenKey": route("API_KEY", closeUserStream),
  "GET positionSide/dual": route("SIGNED", getPositionMode, fixed(30)),
  "POST positionSide/dual": route("SIGNED", changePositionMode),
  "POST leverage": route("SIGNED", changeLeverage),
  "POST marginType": route("SIGNED", changeMarginType),
};

/** USDⓈ-M-only routes, keyed "METHOD /full/path". */
const UM_ONLY: Readonly<Record<string, Route>> = {
  "GET /fapi/v2/ticker/price": route("NONE", tickerPrice, symbolOptionalWeight(1, 2)),
  "POST /fapi/v1/algoOrder": orderRoute(newAlgoOrder, fixed(0), () => [1, 1]),
  "GET /fapi/v1/algoOrder": orderRoute(queryAlgoOrder, fixed(1)),
  "DELETE /fapi/v1/algoOrder": orderRoute(deleteAlgoOrder, fixed(1)),
  "DELETE /fapi/v1/algoOpenOrders": orderRoute(cancelAllAlgoOpenOrders, fixed(1)),
  "GET /fapi/v1/openAlgoOrders": route("SIGNED", listOpenAlgoOrders, symbolOptionalWeight(1, 40)),
  "GET /fapi/v1/premiumIndex": route("NONE", premiumIndex, symbolOptionalWeight(1, 10)),
  "GET /fapi/v1/symbolConfig": route("SIGNED", symbolConfig, fixed(5)),
  "GET /fapi/v2/balance": route("SIGNED", balance, fixed(5)),
  "GET /fapi/v3/balance": route("SIGNED", balance, fixed(5)),
  "GET /fapi/v2/positionRisk": route("SIGNED", positionRiskUmV2, fixed(5)),
  "GET /fapi/v3/positionRisk": route("SIGNED", positionRiskUmV3, fixed(5)),
};

/** COIN-M-only routes, keyed "METHOD /full/path". */
const CM_ONLY: Readonly<Record<string, Route>> = {
  "GET /dapi/v1/premiumIndex": route("NONE", premiumIndex, fixed(10)),
  "GET /dapi/v1/balance": route("SIGNED", balance),
  "GET /dapi/v1/positionRisk": route("SIGNED", positionRiskCoin),
};

/** `/fapi/*` and `/futures/data/*` are USDⓈ-M, `/dapi/*` COIN-M; anything else is no Binance path. */
export function marketOf(path: string): Market | null {
  if (path.startsWith("/fapi/") || path.startsWith("/futures/data/")) return "um";
  if (path.startsWith("/dapi/")) return "cm";
  return null;
}

export function findRoute(method: string, path: string): Route | undefined {
  const oneMarket = UM_ONLY[`${method} ${path}`] ?? CM_ONLY[`${method} ${path}`];
  if (oneMarket !== undefined) return oneMarket;
  const prefix = path.startsWith("/fapi/v1/")
    ? "/fapi/v1/"
    : path.startsWith("/dapi/v1/")
      ? "/dapi/v1/"
      : null;
  return prefix === null ? undefined : BOTH_MARKETS[`${method} ${path.slice(prefix.length)}`];
}
