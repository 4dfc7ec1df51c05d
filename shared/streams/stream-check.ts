// Which requested streams a client may have: within its stream budget, and valid names for the market.
// The budget is checked first: a request over it is refused for that whatever its names. Relay listen keys
// are subscriptions like streams but are served by user feeds, so requests are split in the two first.

import { looksLikeListenKey } from "../auth/relay-key.ts";
import type { Market } from "../catalog/types.ts";
import { parseStreamName } from "./names.ts";

/** Relay listen keys (served by the user feeds) apart from market streams (served upstream). */
export function splitKeys(streams: readonly string[]): [keys: string[], marketStreams: string[]] {
  const keys: string[] = [];
  const marketStreams: string[] = [];
  for (const stream of streams) (looksLikeListenKey(stream) ? keys : marketStreams).push(stream);
  return [keys, marketStreams];
}

/**
 * What is wrong, in the words that follow "Invalid request: ": too many streams for the `capacity` left, or
 * Binance's own "invalid stream" for a malformed name; null when every stream is acceptable. `count` is every
 * stream requested (listen keys included); `marketStreams` the market streams among them.
 */
export function invalidStreams(
  market: Market,
  request: { readonly count: number; readonly marketStreams: readonly string[] },
  capacity: number,
): string | null {
  if (request.count > capacity)
    return `too many streams: at most ${Math.max(capacity, 0)} more on this connection`;
  return request.marketStreams.every((stream) => parseStreamName(market, stream) !== null)
    ? null
    : "invalid stream";
}
