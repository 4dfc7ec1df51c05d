// Which WebSocket paths exist and which route delivers which stream (the fake's own, independent table).
// USDⓈ-M since 2026-04-23: /public carries book data, /market everything else, and the legacy unrouted
// /ws and /stream only the public streams; a stream subscribed on the wrong route is acked but stays silent.
// COIN-M (/dstream) has no routes.

import type { Market } from "../types.ts";
import type { StreamRoute } from "./types.ts";

export interface StreamTarget {
  market: Market;
  route: StreamRoute;
  /** true on /stream (combined payloads), false on /ws (raw payloads). */
  combined: boolean;
  /** Streams named in the path (/ws/a/b) or in the query (?streams=a/b). */
  streams: string[];
}

const PUBLIC_STREAM = [
  /^!bookTicker$/,
  /^[^@!]+@bookTicker$/,
  /^[^@!]+@depth(5|10|20)?(@(100|500)ms)?$/,
  /^[^@!]+@rpiDepth@500ms$/,
  // Undocumented, but measured on the unrouted URL, which carries only /public (see shared/streams/names.ts).
  /^[^@!]+@trade$/,
];

/** The fake's opinion of the USDⓈ-M route that serves `stream`. */
export function fakeRouteOf(stream: string): "public" | "market" {
  return PUBLIC_STREAM.some((pattern) => pattern.test(stream)) ? "public" : "market";
}

/** A listen key: user data, served on USDⓈ-M's /private route and on COIN-M's dstream. */
export function isListenKey(stream: string): boolean {
  return /^[A-Za-z0-9]{64}$/.test(stream);
}

/** Whether a connection on `route` receives `stream`'s events. */
export function routeDelivers(route: StreamRoute, stream: string): boolean {
  if (route === "dstream") return true;
  if (route === "private" || isListenKey(stream)) return route === "private" && isListenKey(stream);
  const served = fakeRouteOf(stream);
  return route === "market" ? served === "market" : served === "public";
}

const PREFIXES: ReadonlyArray<{ prefix: string; market: Market; route: StreamRoute }> = [
  { prefix: "/private", market: "um", route: "private" },
  { prefix: "/public", market: "um", route: "public" },
  { prefix: "/market", market: "um", route: "market" },
  { prefix: "/dstream", market: "cm", route: "dstream" },
  { prefix: "", market: "um", route: "unrouted" },
];

function splitStreams(text: string): string[] {
  return text
    .split("/")
    .filter((part) => part !== "")
    .map((part) => decodeURIComponent(part));
}

/** Parses an upgrade's request target; null when no such stream endpoint exists. */
export function parseStreamTarget(requestTarget: string): StreamTarget | null {
  const queryAt = requestTarget.indexOf("?");
  const path = queryAt === -1 ? requestTarget : requestTarget.slice(0, queryAt);
  const query = new URLSearchParams(queryAt === -1 ? "" : requestTarget.slice(queryAt + 1));
  for (const { prefix, market, route } of PREFIXES) {
    if (!path.startsWith(`${prefix}/`)) continue;
    const rest = path.slice(prefix.length);
    try {
      // /private takes listen keys as `listenKey=` parameters too (several on /private/stream).
      const keys = route === "private" ? query.getAll("listenKey").filter((key) => key !== "") : [];
      if (rest === "/ws" || rest.startsWith("/ws/")) {
        return { market, route, combined: false, streams: [...splitStreams(rest.slice(3)), ...keys] };
      }
      if (rest === "/stream" || rest === "/stream/") {
        const streams = splitStreams(query.get("streams") ?? "");
        return { market, route, combined: true, streams: [...streams, ...keys] };
      }
    } catch {
      return null;
    }
    return null;
  }
  return null;
}
