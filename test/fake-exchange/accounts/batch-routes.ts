// POST / DELETE batchOrders: per-element results, an order object or a {code,msg} object each.

import type { Json } from "../json.ts";
import { param } from "../rest/params.ts";
import { errorObject, errors, isReply, okJson, type Reply } from "../rest/replies.ts";
import type { HandlerContext } from "../state.ts";
import { orderJson } from "./order-format.ts";
import { announceOrder, placeOrder, prepareOrder, requireSymbol } from "./order-routes.ts";
import { cancelOrder, findOrder, isOpen, type OrderRef } from "./orders.ts";

const MAX_BATCH_PLACE = 5;
const MAX_BATCH_CANCEL = 10;

function toParamValue(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return null;
}

/** One element of `batchOrders`: a flat JSON object of scalar values. */
function elementParams(element: unknown): Record<string, string> | null {
  if (typeof element !== "object" || element === null || Array.isArray(element)) return null;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(element)) {
    const text = toParamValue(value);
    if (text === null) return null;
    out[name] = text;
  }
  return out;
}

function parseJsonArray(text: string): unknown[] | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export function placeBatchOrders(context: HandlerContext): Reply {
  const raw = param(context.params, "batchOrders");
  if (raw === undefined) return errors.mandatory("batchOrders");
  const elements = parseJsonArray(raw);
  if (elements === null) return errors.invalidParam("batchOrders");
  const batch = elements.map(elementParams);
  if (batch.length === 0 || batch.length > MAX_BATCH_PLACE) return errors.batchSize(batch.length);
  const results: Json[] = batch.map((params) => {
    if (params === null) return errorObject(errors.invalidParam("batchOrders"));
    const draft = prepareOrder(context, params);
    return isReply(draft) ? errorObject(draft) : orderJson(placeOrder(context, draft));
  });
  return okJson(results);
}

/** `orderIdList` as raw JSON digits, so ids above 2^53 keep every digit. */
function parseIdList(text: string): bigint[] | null {
  const match = /^\[\s*((?:\d+\s*,\s*)*\d+)?\s*\]$/.exec(text.trim());
  if (match === null) return null;
  const body = match[1];
  return body === undefined ? [] : body.split(",").map((item) => BigInt(item.trim()));
}

function parseStringList(text: string): string[] | null {
  const list = parseJsonArray(text);
  if (list === null) return null;
  return list.every((item): item is string => typeof item === "string") ? list : null;
}

function cancelRefs(context: HandlerContext): OrderRef[] | Reply {
  const ids = param(context.params, "orderIdList");
  const clientIds = param(context.params, "origClientOrderIdList");
  if (ids !== undefined) {
    const list = parseIdList(ids);
    return list === null ? errors.invalidParam("orderIdList") : list.map((orderId) => ({ orderId }));
  }
  if (clientIds !== undefined) {
    const list = parseStringList(clientIds);
    return list === null
      ? errors.invalidParam("origClientOrderIdList")
      : list.map((clientOrderId) => ({ clientOrderId }));
  }
  return errors.eitherMandatory("orderIdList", "origClientOrderIdList");
}

export function cancelBatchOrders(context: HandlerContext): Reply {
  const symbol = requireSymbol(context);
  if (isReply(symbol)) return symbol;
  const refs = cancelRefs(context);
  if (isReply(refs)) return refs;
  if (refs.length > MAX_BATCH_CANCEL) return errors.cancelBatchSize();
  const store = context.state.orders[context.market];
  const results: Json[] = refs.map((ref) => {
    const order = findOrder(store, symbol, ref);
    if (order === undefined || !isOpen(order)) return errorObject(errors.unknownOrder());
    cancelOrder(order, context.now);
    announceOrder(context, order, "cancelled");
    return orderJson(order);
  });
  return okJson(results);
}
