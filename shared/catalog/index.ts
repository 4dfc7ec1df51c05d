// The endpoint catalog: both markets' entries, O(1) lookup by market + method + path, and request-weight
// resolution. Pure data and pure functions: paths are matched exactly as Binance spells them (no trailing
// slash, case-sensitive); normalising a caller's path is the router's job.

import { CM_ENDPOINTS } from "./cm.ts";
import type { Endpoint, HttpMethod, Market } from "./types.ts";
import { UM_ENDPOINTS } from "./um.ts";

export type { ActsOn, Endpoint, HttpMethod, Market, OrderPlacement, Security, Weight } from "./types.ts";

export const ENDPOINTS: readonly Endpoint[] = [...UM_ENDPOINTS, ...CM_ENDPOINTS];

function endpointKey(market: Market, method: HttpMethod, path: string): string {
  return `${market} ${method} ${path}`;
}

function pathKey(market: Market, path: string): string {
  return `${market} ${path}`;
}

const BY_KEY: ReadonlyMap<string, Endpoint> = new Map(
  ENDPOINTS.map((endpoint) => [endpointKey(endpoint.market, endpoint.method, endpoint.path), endpoint]),
);

const PATHS: ReadonlySet<string> = new Set(
  ENDPOINTS.map((endpoint) => pathKey(endpoint.market, endpoint.path)),
);

/** The catalog entry for this market, method and path, or undefined when the gateway does not allow it. */
export function findEndpoint(market: Market, method: HttpMethod, path: string): Endpoint | undefined {
  return BY_KEY.get(endpointKey(market, method, path));
}

/** Whether any method is allowed on this path (to tell "405 method not allowed" from "404 unknown path"). */
export function pathExists(market: Market, path: string): boolean {
  return PATHS.has(pathKey(market, path));
}

function hasValue(params: ReadonlyMap<string, string>, name: string): boolean {
  const value = params.get(name);
  return value !== undefined && value !== "";
}

/**
 * The IP request weight this call will cost, as Binance documents it; null where Binance documents none.
 * - withSymbol/withoutSymbol: a non-empty `symbol` counts as "with", and so does a `pair` on COIN-M market data (its
 *   tickers take one). Elsewhere Binance ignores `pair` (USDⓈ-M, COIN-M forceOrders) or it names several symbols
 *   (COIN-M openOrders), so it must not make a 40-weight call count 1.
 * - byLimit: the first tier whose largest limit is >= `limit` (Binance's default limit when `limit` is absent
 *   or empty). A limit above every tier, or one that is not a plain non-negative integer, costs the heaviest
 *   tier: Binance rejects such requests, and over-counting is the safe side of a rate limiter.
 */
export function requestWeight(endpoint: Endpoint, params: ReadonlyMap<string, string>): number | null {
  const weight = endpoint.weight;
  if (weight === null) return null;
  if (typeof weight === "number") return weight;
  if ("withSymbol" in weight) {
    const pairCounts = endpoint.market === "cm" && endpoint.security === "NONE";
    const one = hasValue(params, "symbol") || (pairCounts && hasValue(params, "pair"));
    return one ? weight.withSymbol : weight.withoutSymbol;
  }
  const heaviest = weight.byLimit.reduce<number | null>(
    (max, [, tierWeight]) => (max === null || tierWeight > max ? tierWeight : max),
    null,
  );
  const raw = params.get("limit");
  let limit: number;
  if (raw === undefined || raw === "") {
    limit = weight.defaultLimit;
  } else if (/^\d{1,9}$/.test(raw)) {
    limit = Number(raw);
  } else {
    return heaviest;
  }
  for (const [maxLimit, tierWeight] of weight.byLimit) {
    if (limit <= maxLimit) return tierWeight;
  }
  return heaviest;
}
