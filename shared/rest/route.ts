// Gateway path -> Binance market and path. `/fapi/*` is USDⓈ-M, `/dapi/*` COIN-M, `/futures/data/*` USDⓈ-M;
// a `/um` or `/cm` prefix picks the market explicitly, so a client configured with base URL
// https://gateway/cm reaches COIN-M for the paths that exist on both hosts (`/cm/futures/data/...`).

import type { Market } from "../catalog/types.ts";

export interface Route {
  readonly market: Market;
  /** The Binance path, without the gateway's market prefix. */
  readonly path: string;
}

export function resolveRoute(pathname: string): Route | null {
  const prefix = /^\/(um|cm)(?=\/)/.exec(pathname)?.[1];
  const forced: Market | null = prefix === "um" || prefix === "cm" ? prefix : null;
  const path = forced === null ? pathname : pathname.slice(3);
  const natural: Market | null = path.startsWith("/fapi/")
    ? "um"
    : path.startsWith("/dapi/")
      ? "cm"
      : path.startsWith("/futures/data/")
        ? (forced ?? "um")
        : null;
  if (natural === null || (forced !== null && forced !== natural)) return null;
  return { market: natural, path };
}
