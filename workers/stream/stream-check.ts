// Which requested streams a client may have: valid names for the market, within its stream budget.

import type { Market } from "../../shared/catalog/types.ts";
import { parseStreamName } from "../../shared/streams/names.ts";

/**
 * What is wrong, in the words that follow "Invalid request: " (Binance's own "invalid stream" for a malformed
 * name), or null when every stream is acceptable.
 */
export function invalidStreams(market: Market, streams: readonly string[], capacity: number): string | null {
  if (streams.length > capacity)
    return `too many streams: at most ${Math.max(capacity, 0)} more on this connection`;
  return streams.every((stream) => parseStreamName(market, stream) !== null) ? null : "invalid stream";
}
