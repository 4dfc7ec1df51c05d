// The order book panel. With REST (a token): a local book kept from a REST snapshot plus the diff stream, as
// Binance documents (client/book/order-book.ts), resynced after every gap. Without: the relay's 20-level
// partial depth stream.

import {
  type createRestClient,
  type DepthUpdateEvent,
  feedOrderBook,
  OrderBook,
  type PriceLevel,
  type StreamClient,
  streams,
} from "../client/index.ts";
import { counter, element, fillTable, log, throttle } from "./dom.ts";

const DEPTH = 15;
type Market = "um" | "cm";

export function showBook(
  stream: StreamClient,
  market: Market,
  symbol: string,
  rest: ReturnType<typeof createRestClient> | null,
): { stop: () => void; streams: string[] } {
  const state = element("#book-state");
  const bidsTable = element<HTMLTableElement>("#bids");
  const asksTable = element<HTMLTableElement>("#asks");
  const countUpdate = counter(bidsTable, "data-updates");
  let active = true;
  fillTable(bidsTable, []);
  fillTable(asksTable, []);
  const render = (bids: readonly PriceLevel[], asks: readonly PriceLevel[]) => {
    if (!active) return;
    fillTable(
      bidsTable,
      bids.slice(0, DEPTH).map(([p, q]) => ({ cells: [p, q] })),
    );
    fillTable(
      asksTable,
      asks
        .slice(0, DEPTH)
        .reverse()
        .map(([p, q]) => ({ cells: [p, q] })),
    );
    element("#spread").textContent = spread(bids[0]?.[0], asks[0]?.[0]);
    countUpdate();
  };
  if (rest === null) {
    state.textContent = "partial depth";
    const descriptor = streams[market].partialDepth(symbol, 20, { speed: "100ms" });
    const stop = stream.subscribe<DepthUpdateEvent>(descriptor, (event) => render(event.b, event.a));
    const end = () => {
      active = false;
      stop();
    };
    return { stop: end, streams: [descriptor.name] };
  }
  state.textContent = "syncing";
  const book = new OrderBook({
    // 1000 levels, as Binance's procedure asks: a shallower snapshot leaves holes after large moves.
    getSnapshot: async () =>
      (await rest[market].orderBook({ symbol, limit: 1000 })).data as {
        lastUpdateId: number;
        bids: PriceLevel[];
        asks: PriceLevel[];
      },
  });
  const paint = throttle(() => {
    if (!active) return;
    state.textContent = book.status;
    if (book.status === "live") render(book.bids(DEPTH), book.asks(DEPTH));
  }, 100);
  const descriptor = streams[market].depth(symbol, { speed: "100ms" });
  const stopFeed = feedOrderBook(stream, descriptor, book);
  const stopPaint = stream.subscribe<DepthUpdateEvent>(descriptor, () => paint());
  const stopResync = book.onResync((reason) => {
    state.textContent = `resync (${reason})`;
    log(`order book resync: ${reason}`);
  });
  return {
    stop: () => {
      active = false;
      stopFeed();
      stopPaint();
      stopResync();
    },
    streams: [descriptor.name],
  };
}

/** Best ask minus best bid, written with the prices' own decimals (no floating-point noise). */
function spread(bid: string | undefined, ask: string | undefined): string {
  if (bid === undefined || ask === undefined) return "–";
  const decimals = Math.max(bid.split(".")[1]?.length ?? 0, ask.split(".")[1]?.length ?? 0);
  return `spread ${(Number(ask) - Number(bid)).toFixed(decimals)}`;
}
