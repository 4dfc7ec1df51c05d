// Wires an order book to a stream client: the stream's depth events go to the book, and every gap the client
// reports for the stream (its own drop, or the relay's reconnecting or stale notice) makes the book start
// over, since events were or may have been missed. The end of a gap needs nothing: the book is buffering by
// then and fetches its snapshot when events flow again.

import type { StreamClient } from "../stream/client.ts";
import type { DepthUpdateEvent } from "../stream/events.ts";
import type { StreamDescriptor } from "../stream/names.ts";
import type { OrderBook } from "./order-book.ts";

/** Returns a function that stops feeding (and unsubscribes). */
export function feedOrderBook(
  client: Pick<StreamClient, "subscribe" | "onGap">,
  stream: StreamDescriptor<DepthUpdateEvent>,
  book: Pick<OrderBook, "apply" | "gap">,
): () => void {
  const unsubscribe = client.subscribe(stream, (event) => book.apply(event));
  const stopGaps = client.onGap((gap) => {
    if (gap.phase !== "end" && gap.streams.includes(stream.name)) book.gap();
  });
  return () => {
    unsubscribe();
    stopGaps();
  };
}
