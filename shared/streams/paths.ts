// The relay's connection URLs, Binance's own shapes: `/ws/<stream>[/<stream>...]` (raw payloads) and
// `/stream?streams=a/b` (combined envelopes), under `/public`, `/market` or `/um` for USDⓈ-M (any of them, for
// any stream: the relay routes each stream upstream itself) and `/cm` for COIN-M. `/private` is accepted too:
// Binance's own connector opens it alongside /public and /market (user data streams come with listen keys). Many clients only append
// `/ws` or `/stream` to a base URL and browsers cannot set headers, so a credential may lead the path:
// `/k/<credential>/cm/stream`.

import type { Market } from "../catalog/types.ts";

export interface ConnectTarget {
  readonly market: Market;
  /** true for `/stream` (combined `{"stream","data"}` envelopes), false for `/ws` (raw payloads). */
  readonly combined: boolean;
  readonly streams: readonly string[];
  /** From a `/k/<credential>` prefix, percent-decoded. */
  readonly credential: string | null;
}

export function parseConnectPath(pathname: string, search: URLSearchParams): ConnectTarget | null {
  const segments = pathname.split("/").slice(1);
  let credential: string | null = null;
  if (segments[0] === "k") {
    const raw = segments[1];
    if (raw === undefined || raw === "") return null;
    credential = decodeSegment(raw);
    if (credential === null) return null;
    segments.splice(0, 2);
  }
  let market: Market = "um";
  if (segments[0] === "um" || segments[0] === "cm") market = segments.shift() === "cm" ? "cm" : "um";
  if (segments[0] === "public" || segments[0] === "market" || segments[0] === "private") {
    if (market === "cm") return null;
    segments.shift();
  }
  const mode = segments.shift();
  if (mode === "stream") {
    if (segments.length > 0 && !(segments.length === 1 && segments[0] === "")) return null;
    const streams = (search.get("streams") ?? "").split("/").filter((s) => s !== "");
    return { market, combined: true, streams, credential };
  }
  if (mode !== "ws") return null;
  const streams: string[] = [];
  for (const segment of segments) {
    if (segment === "") continue;
    const name = decodeSegment(segment);
    if (name === null) return null;
    streams.push(name);
  }
  return { market, combined: false, streams, credential };
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
