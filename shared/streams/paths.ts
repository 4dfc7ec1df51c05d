// The relay's connection URLs, Binance's own shapes: `/ws/<stream>[/<stream>...]` (raw payloads) and
// `/stream?streams=a/b` (combined envelopes), under `/public`, `/market` or `/um` for USDⓈ-M (any of them, for
// any stream: the relay routes each stream upstream itself) and `/cm` for COIN-M. `/private` is accepted too:
// Binance's own connector opens it alongside /public and /market (user data streams come with listen keys). Many clients only append
// `/ws` or `/stream` to a base URL and browsers cannot set headers, so a credential may lead the path:
// `/k/<credential>/cm/stream`. User data: a relay listen key is a stream name like any other (`/ws/<key>`,
// `/cm/ws/<key>`) or a `listenKey=` parameter (`/private/ws?listenKey=<key>&events=...`).

import { looksLikeListenKey } from "../auth/relay-key.ts";
import type { Market } from "../catalog/types.ts";

export interface ConnectTarget {
  readonly market: Market;
  /** true for `/stream` (combined `{"stream","data"}` envelopes), false for `/ws` (raw payloads). */
  readonly combined: boolean;
  readonly streams: readonly string[];
  /** From a `/k/<credential>` prefix, percent-decoded. */
  readonly credential: string | null;
  /** Per listen key, the user data events its client wants (`events=A/B`); a key not named here gets all. */
  readonly events: Readonly<Record<string, readonly string[]>>;
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
    return withListenKeys({ market, combined: true, streams, credential, events: {} }, search);
  }
  if (mode !== "ws") return null;
  const streams: string[] = [];
  for (const segment of segments) {
    if (segment === "") continue;
    const name = decodeSegment(segment);
    if (name === null) return null;
    streams.push(name);
  }
  return withListenKeys({ market, combined: false, streams, credential, events: {} }, search);
}

/**
 * Adds the `listenKey=` parameters of Binance's /private paths (several on `/private/stream`) to the streams,
 * with their `events=` filters: each applies to the listen key before it (or, leading, to the one after it);
 * with no `listenKey=` parameter, to every listen key in the path (`/private/ws/<key>?events=...`).
 */
function withListenKeys(target: ConnectTarget, search: URLSearchParams): ConnectTarget {
  const streams = [...target.streams];
  const events: Record<string, readonly string[]> = {};
  let last: string | null = null;
  let pending: string[] | null = null;
  for (const [name, value] of search) {
    if (name === "listenKey" && value !== "") {
      if (!streams.includes(value)) streams.push(value);
      last = value;
      if (pending !== null) events[value] = pending;
      pending = null;
    } else if (name === "events") {
      const list = value.split("/").filter((event) => event !== "");
      if (last === null) pending = list;
      else events[last] = list;
    }
  }
  if (pending !== null && last === null)
    for (const stream of streams) if (looksLikeListenKey(stream)) events[stream] = pending;
  return { ...target, streams, events };
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
