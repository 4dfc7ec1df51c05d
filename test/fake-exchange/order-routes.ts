// Signed order endpoints: order, order/test, openOrders, allOpenOrders (both markets).

import { orderJson } from "./order-format.ts";
import { buildOrderDraft } from "./order-params.ts";
import {
  addOrder,
  cancelOrder,
  findOrder,
  isOpen,
  type OrderRef,
  openOrders,
  parseOrderId,
} from "./orders.ts";
import { param, paramsToRecord } from "./params.ts";
import { errors, isReply, okJson, type Reply } from "./replies.ts";
import type { HandlerContext } from "./state.ts";
import { findSymbol } from "./symbols.ts";
import type { FakeOrder } from "./types.ts";
import { accountUpdate, orderUpdates } from "./user-events.ts";

function orderRef(context: HandlerContext): OrderRef | Reply {
  const orderId = param(context.params, "orderId");
  const clientOrderId = param(context.params, "origClientOrderId");
  if (orderId !== undefined) {
    const id = parseOrderId(orderId);
    return id === null ? errors.invalidParam("orderId") : { orderId: id };
  }
  if (clientOrderId !== undefined) return { clientOrderId };
  return errors.eitherMandatory("orderId", "origClientOrderId");
}

/** The mandatory, known `symbol` parameter. */
export function requireSymbol(context: HandlerContext): string | Reply {
  const symbol = param(context.params, "symbol");
  if (symbol === undefined) return errors.mandatory("symbol");
  return findSymbol(context.market, symbol) === undefined ? errors.invalidSymbol() : symbol;
}

export function newOrder(context: HandlerContext): Reply {
  const store = context.state.orders[context.market];
  const draft = buildOrderDraft(store, paramsToRecord(context.params), context.now);
  if (isReply(draft)) return draft;
  const order = addOrder(store, draft);
  announceOrder(context, order, "placed");
  return okJson(orderJson(order));
}

/** Sends the order's user data events to the listen keys of the API key that placed or cancelled it. */
export function announceOrder(
  context: HandlerContext,
  order: FakeOrder,
  change: "placed" | "cancelled",
): void {
  const apiKey = context.apiKey;
  if (apiKey === null) return;
  for (const payload of orderUpdates(order, change, context.now))
    context.state.userEvents(context.market, apiKey, payload);
  if (change === "placed" && order.status === "FILLED")
    context.state.userEvents(context.market, apiKey, accountUpdate(order, context.now));
}

export function testOrder(context: HandlerContext): Reply {
  const store = context.state.orders[context.market];
  const draft = buildOrderDraft(store, paramsToRecord(context.params), context.now);
  return isReply(draft) ? draft : okJson({});
}

export function queryOrder(context: HandlerContext): Reply {
  const symbol = requireSymbol(context);
  if (isReply(symbol)) return symbol;
  const ref = orderRef(context);
  if (isReply(ref)) return ref;
  const order = findOrder(context.state.orders[context.market], symbol, ref);
  return order === undefined ? errors.orderDoesNotExist() : okJson(orderJson(order, true));
}

export function deleteOrder(context: HandlerContext): Reply {
  const symbol = requireSymbol(context);
  if (isReply(symbol)) return symbol;
  const ref = orderRef(context);
  if (isReply(ref)) return ref;
  const order = findOrder(context.state.orders[context.market], symbol, ref);
  if (order === undefined || !isOpen(order)) return errors.unknownOrder();
  cancelOrder(order, context.now);
  announceOrder(context, order, "cancelled");
  return okJson(orderJson(order));
}

export function listOpenOrders(context: HandlerContext): Reply {
  const symbol = param(context.params, "symbol");
  if (symbol !== undefined && findSymbol(context.market, symbol) === undefined) return errors.invalidSymbol();
  const orders = openOrders(context.state.orders[context.market], symbol);
  return okJson(orders.map((order) => orderJson(order, true)));
}

export function cancelAllOpenOrders(context: HandlerContext): Reply {
  const symbol = requireSymbol(context);
  if (isReply(symbol)) return symbol;
  for (const order of openOrders(context.state.orders[context.market], symbol)) {
    cancelOrder(order, context.now);
    announceOrder(context, order, "cancelled");
  }
  return okJson({ code: 200, msg: "The operation of cancel all open order is done." });
}
