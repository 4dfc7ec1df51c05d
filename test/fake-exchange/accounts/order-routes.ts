// Signed order endpoints: order, order/test, openOrders, allOpenOrders (both markets). Filled orders move
// the placing account's position.

import { param, paramsToRecord } from "../rest/params.ts";
import { errors, isReply, okJson, type Reply } from "../rest/replies.ts";
import { findSymbol } from "../rest/symbols.ts";
import type { HandlerContext } from "../state.ts";
import type { FakeOrder } from "../types.ts";
import {
  accountOf,
  applyFill,
  balanceOf,
  MAIN_ASSET,
  marginTypeOf,
  type PositionSide,
  positionOf,
} from "./accounts.ts";
import { orderJson } from "./order-format.ts";
import { buildOrderDraft, type OrderDraft } from "./order-params.ts";
import { checkOrderRules, orderIntent } from "./order-rules.ts";
import {
  addOrder,
  cancelOrder,
  findOrder,
  isOpen,
  type OrderRef,
  openOrders,
  parseOrderId,
} from "./orders.ts";
import { type AccountChange, accountUpdate, orderUpdates } from "./user-events.ts";

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

/** Builds one new order and checks it against the account's rules; the draft, or Binance's error. */
export function prepareOrder(
  context: HandlerContext,
  params: Readonly<Record<string, string>>,
): OrderDraft | Reply {
  const draft = buildOrderDraft(
    context.state.orders[context.market],
    params,
    context.now,
    context.state.prices,
  );
  if (isReply(draft)) return draft;
  const info = findSymbol(context.market, draft.symbol);
  if (info === undefined) return errors.invalidSymbol();
  return checkOrderRules(context.state, context.market, context.apiKey, orderIntent(info, params)) ?? draft;
}

/** Stores a checked order, moves the account's position when it filled, and announces it. */
export function placeOrder(context: HandlerContext, draft: OrderDraft): FakeOrder {
  const order = addOrder(context.state.orders[context.market], draft, context.apiKey);
  const info = findSymbol(context.market, order.symbol);
  if (order.status === "FILLED" && info !== undefined && context.apiKey !== null) {
    const account = accountOf(context.state.accounts, context.market, context.apiKey, context.now);
    applyFill(account, info, order.side, sideOf(order), order.executedQty, order.avgPrice, context.now);
  }
  announceOrder(context, order, "placed");
  return order;
}

function sideOf(order: FakeOrder): PositionSide {
  return order.positionSide === "LONG" || order.positionSide === "SHORT" ? order.positionSide : "BOTH";
}

export function newOrder(context: HandlerContext): Reply {
  const draft = prepareOrder(context, paramsToRecord(context.params));
  return isReply(draft) ? draft : okJson(orderJson(placeOrder(context, draft)));
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
    context.state.userEvents(
      context.market,
      apiKey,
      accountUpdate(order, context.now, changeOf(context, order)),
    );
}

function changeOf(context: HandlerContext, order: FakeOrder): AccountChange {
  const account = accountOf(context.state.accounts, context.market, context.apiKey ?? "", context.now);
  const asset = findSymbol(context.market, order.symbol)?.marginAsset ?? MAIN_ASSET[context.market];
  const position = positionOf(account, order.symbol, sideOf(order));
  return {
    asset,
    walletBalance: balanceOf(account, asset).balance,
    positionAmt: position.positionAmt,
    entryPrice: position.entryPrice,
    marginType: marginTypeOf(account, order.symbol) === "ISOLATED" ? "isolated" : "cross",
  };
}

export function testOrder(context: HandlerContext): Reply {
  const draft = prepareOrder(context, paramsToRecord(context.params));
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
