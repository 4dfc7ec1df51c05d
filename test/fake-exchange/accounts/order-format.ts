// Order JSON in Binance's field order; orderId is written as raw digits (never via a JS number).

import { type Json, rawNumber } from "../json.ts";
import { findSymbol } from "../rest/symbols.ts";
import type { FakeAlgoOrder, FakeOrder } from "../types.ts";

function digitsOrZero(text: string): Json {
  return /^\d+$/.test(text) ? rawNumber(text) : 0;
}

/** New/cancel order shape; `withTime` adds the `time` member of the query-order shape. */
export function orderJson(order: FakeOrder, withTime = false): Json {
  const um = order.market === "um";
  return {
    clientOrderId: order.clientOrderId,
    cumQty: order.executedQty,
    cumQuote: um ? order.cumAmount : undefined,
    cumBase: um ? undefined : order.cumAmount,
    executedQty: order.executedQty,
    orderId: rawNumber(order.orderId),
    avgPrice: order.avgPrice,
    origQty: order.origQty,
    price: order.price,
    reduceOnly: order.reduceOnly,
    side: order.side,
    positionSide: order.positionSide,
    status: order.status,
    stopPrice: order.stopPrice,
    closePosition: order.closePosition,
    symbol: order.symbol,
    pair: um ? undefined : (findSymbol("cm", order.symbol)?.pair ?? order.symbol),
    time: withTime ? order.time : undefined,
    timeInForce: order.timeInForce,
    type: order.type,
    origType: order.origType,
    updateTime: order.updateTime,
    workingType: order.workingType,
    priceProtect: order.priceProtect,
    priceMatch: order.priceMatch,
    selfTradePreventionMode: order.selfTradePreventionMode,
    goodTillDate: um ? digitsOrZero(order.goodTillDate) : undefined,
  };
}

/** New-algo-order shape; `detailed` adds the members of the query / open-orders shape. */
export function algoOrderJson(order: FakeAlgoOrder, detailed: boolean): Json {
  return {
    algoId: rawNumber(order.algoId),
    clientAlgoId: order.clientAlgoId,
    algoType: order.algoType,
    orderType: order.orderType,
    symbol: order.symbol,
    side: order.side,
    positionSide: order.positionSide,
    timeInForce: order.timeInForce,
    quantity: order.quantity,
    algoStatus: order.algoStatus,
    actualOrderId: detailed ? "" : undefined,
    actualPrice: detailed ? "0.00000" : undefined,
    triggerPrice: order.triggerPrice,
    price: order.price,
    icebergQuantity: null,
    tpTriggerPrice: detailed ? "0.000" : undefined,
    tpPrice: detailed ? "0.000" : undefined,
    slTriggerPrice: detailed ? "0.000" : undefined,
    slPrice: detailed ? "0.000" : undefined,
    tpOrderType: detailed ? "" : undefined,
    selfTradePreventionMode: order.selfTradePreventionMode,
    workingType: order.workingType,
    priceMatch: order.priceMatch,
    closePosition: order.closePosition,
    priceProtect: order.priceProtect,
    reduceOnly: order.reduceOnly,
    activatePrice: detailed ? undefined : order.activatePrice,
    callbackRate: detailed ? undefined : order.callbackRate,
    createTime: order.createTime,
    updateTime: order.updateTime,
    triggerTime: 0,
    goodTillDate: digitsOrZero(order.goodTillDate),
  };
}
