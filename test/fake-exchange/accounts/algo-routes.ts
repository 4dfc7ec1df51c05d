// USDⓈ-M algo order endpoints (new orders follow the account's order rules) and the listen-key
// (USER_STREAM) endpoints of both markets.

import { rawNumber } from "../json.ts";
import { param, paramsToRecord } from "../rest/params.ts";
import { errors, isReply, okJson, type Reply } from "../rest/replies.ts";
import { findSymbol, type SymbolInfo } from "../rest/symbols.ts";
import type { HandlerContext } from "../state.ts";
import type { FakeAlgoOrder } from "../types.ts";
import { findAlgoOrder, isAlgoOpen, placeAlgoOrder } from "./algo-orders.ts";
import { closeListenKey, createListenKey, keepAliveListenKey } from "./listen-keys.ts";
import { algoOrderJson } from "./order-format.ts";
import { checkOrderRules, orderIntent } from "./order-rules.ts";
import { parseOrderId } from "./orders.ts";

export function newAlgoOrder(context: HandlerContext): Reply {
  const params = paramsToRecord(context.params);
  const check = (info: SymbolInfo): Reply | null =>
    checkOrderRules(context.state, "um", context.apiKey, {
      ...orderIntent(info, params),
      triggerPrice: params.triggerPrice === "" ? undefined : params.triggerPrice,
      activatePrice: params.activatePrice === "" ? undefined : params.activatePrice,
    });
  const placed = placeAlgoOrder(context.state.algo, params, context.now, context.apiKey, check);
  return isReply(placed) ? placed : okJson(algoOrderJson(placed, false));
}

function lookup(context: HandlerContext): FakeAlgoOrder | undefined | Reply {
  const algoId = param(context.params, "algoId");
  const clientAlgoId = param(context.params, "clientAlgoId");
  if (algoId !== undefined) {
    const id = parseOrderId(algoId);
    return id === null ? errors.invalidParam("algoId") : findAlgoOrder(context.state.algo, { algoId: id });
  }
  if (clientAlgoId !== undefined) return findAlgoOrder(context.state.algo, { clientAlgoId });
  return errors.eitherMandatory("algoId", "clientAlgoId");
}

export function queryAlgoOrder(context: HandlerContext): Reply {
  const found = lookup(context);
  if (isReply(found)) return found;
  return found === undefined ? errors.orderDoesNotExist() : okJson(algoOrderJson(found, true));
}

export function deleteAlgoOrder(context: HandlerContext): Reply {
  const found = lookup(context);
  if (isReply(found)) return found;
  if (found === undefined || !isAlgoOpen(found)) return errors.unknownOrder();
  found.algoStatus = "CANCELED";
  found.updateTime = context.now;
  return okJson({
    algoId: rawNumber(found.algoId),
    clientAlgoId: found.clientAlgoId,
    code: "200",
    msg: "success",
  });
}

/** DELETE /fapi/v1/algoOpenOrders: cancels the caller's open algo orders of a symbol. */
export function cancelAllAlgoOpenOrders(context: HandlerContext): Reply {
  const symbol = param(context.params, "symbol");
  if (symbol === undefined) return errors.mandatory("symbol");
  if (findSymbol("um", symbol) === undefined) return errors.invalidSymbol();
  for (const order of context.state.algo.orders) {
    if (!isAlgoOpen(order) || order.symbol !== symbol || order.apiKey !== context.apiKey) continue;
    order.algoStatus = "CANCELED";
    order.updateTime = context.now;
  }
  return okJson({ code: 200, msg: "The operation of cancel all open order is done." });
}

export function listOpenAlgoOrders(context: HandlerContext): Reply {
  const symbol = param(context.params, "symbol");
  if (symbol !== undefined && findSymbol("um", symbol) === undefined) return errors.invalidSymbol();
  const open = context.state.algo.orders.filter(
    (order) => isAlgoOpen(order) && (symbol === undefined || order.symbol === symbol),
  );
  return okJson(open.map((order) => algoOrderJson(order, true)));
}

function apiKeyOf(context: HandlerContext): string {
  // The pipeline only calls API-key endpoints with a registered key.
  return context.apiKey ?? "";
}

export function startUserStream(context: HandlerContext): Reply {
  const key = createListenKey(context.state.listenKeys, context.market, apiKeyOf(context), context.now);
  return okJson({ listenKey: key.listenKey });
}

export function keepAliveUserStream(context: HandlerContext): Reply {
  const given = param(context.params, "listenKey");
  const key = keepAliveListenKey(
    context.state.listenKeys,
    context.market,
    apiKeyOf(context),
    given,
    context.now,
  );
  return key === undefined ? errors.listenKeyMissing() : okJson({ listenKey: key.listenKey });
}

export function closeUserStream(context: HandlerContext): Reply {
  const given = param(context.params, "listenKey");
  closeListenKey(context.state.listenKeys, context.market, apiKeyOf(context), given);
  return okJson({});
}
