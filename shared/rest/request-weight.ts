// What one call to Binance costs in Binance's IP request weight, and whether it protects a position (a cancel, a
// reduce-only or close-position order), which may use the weight kept in reserve when the budget is spent.
// Both are read from the request alone, so every caller of the egress object is judged the same way.

import { findEndpoint, requestWeight } from "../catalog/index.ts";
import { paramText } from "../encoding/json-params.ts";
import { parseJson } from "../encoding/json-raw.ts";
import type { Param } from "../encoding/query.ts";
import { type CallOrigin, callerLabel } from "./egress-reply.ts";
import type { EgressRequest } from "./egress-request.ts";
import type { WeightCall } from "./weight-ledger.ts";

type WeighedRequest = Pick<EgressRequest, "market" | "method" | "path" | "query" | "body">;

/** Cancels of every kind: single, batch, all open, algo, all open algo. */
const CANCEL_PATH = /\/(order|batchOrders|allOpenOrders|algoOrder|algoOpenOrders)$/;
const SINGLE_ORDER_PATH = /\/(order|algoOrder)$/;

/**
 * The catalog's weight for this call. A row without a documented weight, or a path outside the catalog (the
 * gateway's own reconciliation and clock calls are in it), counts 1: over-counting is the safe side.
 */
export function callWeight(request: WeighedRequest): number {
  const endpoint = findEndpoint(request.market, request.method, request.path);
  if (endpoint === undefined) return 1;
  return requestWeight(endpoint, new Map(paramsOf(request))) ?? 1;
}

/**
 * Cancels (single, batch, all open orders, algo orders, countdownCancelAll armed with a countdownTime above 0),
 * orders that can only shrink a position (reduceOnly=true or closePosition=true; a batch only when every element
 * is one), and listen-key keepalives.
 */
export function isProtective(request: WeighedRequest): boolean {
  const { method, path } = request;
  // Keeping Binance's listen key alive is how the account's fills keep being heard: a lapse is a blind spot.
  if (method === "PUT" && path.endsWith("/listenKey")) return true;
  if (method === "DELETE") return CANCEL_PATH.test(path);
  if (method !== "POST") return false;
  const params = paramsOf(request);
  const value = (name: string) => params.find(([n]) => n === name)?.[1];
  // Arming or renewing the auto-cancel is; countdownTime=0 switches it off, which protects nothing.
  if (path.endsWith("/countdownCancelAll")) return /^0*[1-9]\d*$/.test(value("countdownTime") ?? "");
  if (path.endsWith("/batchOrders")) return isProtectiveBatch(value("batchOrders"));
  if (!SINGLE_ORDER_PATH.test(path)) return false;
  return shrinksOnly(value);
}

/**
 * reduceOnly or closePosition; in hedge mode (where Binance takes no reduceOnly) selling the LONG side or buying
 * the SHORT side, which can only close that side.
 */
function shrinksOnly(field: (name: string) => string | undefined): boolean {
  if (isTrue(field("reduceOnly")) || isTrue(field("closePosition"))) return true;
  const side = field("side")?.toUpperCase();
  const positionSide = field("positionSide")?.toUpperCase();
  return (side === "SELL" && positionSide === "LONG") || (side === "BUY" && positionSide === "SHORT");
}

function isProtectiveBatch(text: string | undefined): boolean {
  if (text === undefined) return false;
  const batch = parseJson(text);
  if (!batch.ok || batch.value.kind !== "array" || batch.value.items.length === 0) return false;
  return batch.value.items.every((item) => {
    if (item.kind !== "object") return false;
    const field = (key: string) => {
      const found = item.entries.find(([k]) => k === key)?.[1];
      return found === undefined ? undefined : (paramText(found) ?? undefined);
    };
    return shrinksOnly(field);
  });
}

function isTrue(value: string | undefined): boolean {
  return value?.toLowerCase() === "true";
}

function paramsOf(request: WeighedRequest): readonly Param[] {
  return [...request.query, ...(request.body ?? [])];
}

/** The call as the weight ledger admits it: whose budget, how much, and whether it may use the reserve. */
export function weightCallOf(
  request: WeighedRequest,
  origin: CallOrigin,
  defaultPerCaller: number,
): WeightCall {
  return {
    market: request.market,
    caller: callerLabel(origin),
    budget: origin.weightPerMinute ?? defaultPerCaller,
    weight: callWeight(request),
    protective: isProtective(request) || origin.forProtectiveWrite === true,
  };
}
