// What one upstream call costs in Binance's IP request weight, and whether it protects a position (a cancel, a
// reduce-only or close-position order), which may use the weight kept in reserve when the budget is spent.
// Both are read from the request alone, so every caller of the egress object is judged the same way.

import { findEndpoint, requestWeight } from "../catalog/index.ts";
import { paramText } from "../encoding/json-params.ts";
import { parseJson } from "../encoding/json-raw.ts";
import type { Param } from "../encoding/query.ts";
import type { UpstreamRequest } from "./upstream-request.ts";

type WeighedRequest = Pick<UpstreamRequest, "market" | "method" | "path" | "query" | "body">;

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
 * Cancels (single, batch, all open orders, algo orders, countdownCancelAll) and orders that can only shrink a
 * position (reduceOnly=true or closePosition=true; a batch only when every element is one).
 */
export function isProtective(request: WeighedRequest): boolean {
  const { method, path } = request;
  if (method === "DELETE") return CANCEL_PATH.test(path);
  if (method !== "POST") return false;
  if (path.endsWith("/countdownCancelAll")) return true;
  const params = paramsOf(request);
  const value = (name: string) => params.find(([n]) => n === name)?.[1];
  if (path.endsWith("/batchOrders")) return isProtectiveBatch(value("batchOrders"));
  if (!SINGLE_ORDER_PATH.test(path)) return false;
  return isTrue(value("reduceOnly")) || isTrue(value("closePosition"));
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
    return isTrue(field("reduceOnly")) || isTrue(field("closePosition"));
  });
}

function isTrue(value: string | undefined): boolean {
  return value?.toLowerCase() === "true";
}

function paramsOf(request: WeighedRequest): readonly Param[] {
  return [...request.query, ...(request.body ?? [])];
}
