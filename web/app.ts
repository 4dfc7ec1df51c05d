// The market page: pick a symbol, watch its candles, order book and trades arrive through the relay, see the
// connection state and every gap (the page's own socket, or the relay's upstream) and its recovery. With a token
// (from the URL's #token=..., the form, or the browser's storage) the chart starts from REST history, the book is
// kept from a REST snapshot plus the diff stream (Binance's procedure), and an account panel appears when the
// token has the read and stream scopes. Everything goes through the shared client library.

import {
  type AggTradeEvent,
  createRestClient,
  type DepthUpdateEvent,
  feedOrderBook,
  type KlineEvent,
  OrderBook,
  type PriceLevel,
  StreamClient,
  streams,
} from "../shared/client/index.ts";
import { openAccount } from "./account.ts";
import { PriceChart } from "./chart.ts";
import { counter, element, fillTable, log, throttle } from "./dom.ts";

type Market = "um" | "cm";
const TOKEN_KEY = "relay-page-token";
const BOOK_DEPTH = 15;

const chart = new PriceChart(element("#chart"));
const symbolSelect = element<HTMLSelectElement>("#symbol");
let token = readToken();
let client: StreamClient | null = null;
let clientMarket: Market | null = null;
const teardown: (() => void)[] = [];

function readToken(): string {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromHash) {
    localStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, "", location.pathname + location.search);
    return fromHash;
  }
  return localStorage.getItem(TOKEN_KEY) ?? "";
}

function clientFor(market: Market): StreamClient {
  if (client !== null && clientMarket === market) return client;
  client?.close();
  const base = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${market === "cm" ? "/cm" : ""}/stream`;
  const next = new StreamClient({ url: base, credential: token || undefined, relayEvents: true });
  next.onStatus((status) => {
    document.body.dataset.status = status;
    element("#status").textContent = status;
  });
  next.onGap((gap) => {
    const indicator = element("#gap");
    indicator.hidden = false;
    if (gap.phase === "end") {
      document.body.dataset.gap = "recovered";
      indicator.textContent = `recovered ${new Date(gap.time).toLocaleTimeString([], { hour12: false })}`;
    } else {
      document.body.dataset.gap = "open";
      indicator.textContent =
        gap.source === "relay" ? "gap: relay reconnecting upstream" : "gap: reconnecting";
    }
    log(`gap ${gap.phase} (${gap.source}) on ${gap.streams.join(", ") || "all streams"}`);
  });
  client = next;
  clientMarket = market;
  return next;
}

async function show(): Promise<void> {
  for (const stop of teardown.splice(0)) stop();
  const [market, symbol] = symbolSelect.value.split(":") as [Market, string];
  const stream = clientFor(market);
  const rest = token ? createRestClient({ baseUrl: location.origin, auth: { token } }) : null;
  const names = streams[market];
  chart.clear();

  const price = element("#last-price");
  const trades = element<HTMLTableElement>("#trades");
  trades.dataset.count = "0";
  const rows: { cells: string[]; className: string }[] = [];
  const renderTrades = throttle(() => fillTable(trades, rows), 100);
  const countTrade = counter(trades, "data-count");
  teardown.push(
    stream.subscribe<AggTradeEvent>(names.aggTrade(symbol), (trade) => {
      price.textContent = trade.p;
      price.className = `price ${trade.m ? "sell" : "buy"}`;
      rows.unshift({
        cells: [trade.p, trade.q, new Date(trade.T).toLocaleTimeString([], { hour12: false })],
        className: trade.m ? "sell" : "buy",
      });
      rows.length = Math.min(rows.length, 25);
      countTrade();
      renderTrades();
    }),
  );
  teardown.push(stream.subscribe<KlineEvent>(names.kline(symbol, "1m"), (event) => chart.live(event.k)));
  if (rest !== null) {
    rest[market]
      .klineCandlestickData({ symbol, interval: "1m", limit: 300 })
      .then((response) => chart.history(response.data as unknown[][]))
      .catch((error: unknown) => log(`history: ${error instanceof Error ? error.message : "failed"}`));
  }
  teardown.push(showBook(stream, market, symbol, rest));
  if (rest !== null) {
    const closeAccount = openAccount(rest, market, stream);
    teardown.push(() => void closeAccount.then((close) => close()));
  }
}

/** With REST: a local book from snapshot plus diffs. Without: the relay's 20-level partial depth stream. */
function showBook(
  stream: StreamClient,
  market: Market,
  symbol: string,
  rest: ReturnType<typeof createRestClient> | null,
): () => void {
  const state = element("#book-state");
  const bidsTable = element<HTMLTableElement>("#bids");
  const asksTable = element<HTMLTableElement>("#asks");
  const countUpdate = counter(bidsTable, "data-updates");
  const render = (bids: readonly PriceLevel[], asks: readonly PriceLevel[]) => {
    fillTable(
      bidsTable,
      bids.slice(0, BOOK_DEPTH).map(([p, q]) => ({ cells: [p, q] })),
    );
    fillTable(
      asksTable,
      asks
        .slice(0, BOOK_DEPTH)
        .reverse()
        .map(([p, q]) => ({ cells: [p, q] })),
    );
    const [bestBid] = bids;
    const [bestAsk] = asks;
    element("#spread").textContent =
      bestBid && bestAsk ? `spread ${(Number(bestAsk[0]) - Number(bestBid[0])).toFixed(2)}` : "–";
    countUpdate();
  };
  if (rest === null) {
    state.textContent = "partial depth";
    return stream.subscribe<DepthUpdateEvent>(
      streams[market].partialDepth(symbol, 20, { speed: "100ms" }),
      (event) => render(event.b, event.a),
    );
  }
  const book = new OrderBook({
    getSnapshot: async () => {
      const snapshot = (await rest[market].orderBook({ symbol, limit: 100 })).data as {
        lastUpdateId: number;
        bids: PriceLevel[];
        asks: PriceLevel[];
      };
      return snapshot;
    },
  });
  const paint = throttle(() => {
    state.textContent = book.status;
    if (book.status === "live") render(book.bids(BOOK_DEPTH), book.asks(BOOK_DEPTH));
  }, 100);
  const descriptor = streams[market].depth(symbol, { speed: "100ms" });
  const stopFeed = feedOrderBook(stream, descriptor, book);
  const stopPaint = stream.subscribe<DepthUpdateEvent>(descriptor, () => paint());
  const stopResync = book.onResync((reason) => {
    state.textContent = `resync (${reason})`;
    log(`order book resync: ${reason}`);
  });
  return () => {
    stopFeed();
    stopPaint();
    stopResync();
  };
}

symbolSelect.addEventListener("change", () => void show());
element<HTMLFormElement>("#token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  token = element<HTMLInputElement>("#token").value.trim();
  localStorage.setItem(TOKEN_KEY, token);
  client?.close();
  client = null;
  void show();
});
void show();
