// The market page: pick a symbol, watch its candles, order book and trades arrive through the relay, see the
// connection state and every gap (the page's own socket, or the relay's upstream) and its recovery. With a token
// (from the URL's #token=..., or the form; kept for the tab's session only) the chart starts from REST history,
// the book is kept from a REST snapshot plus the diff stream, and an account panel appears when the token has
// the read and stream scopes. Everything goes through the client library (client/).

import {
  type AggTradeEvent,
  createRestClient,
  type KlineEvent,
  StreamClient,
  streams,
} from "../client/index.ts";
import { openAccount } from "./account.ts";
import { showBook } from "./book-view.ts";
import { PriceChart } from "./chart.ts";
import { counter, element, fillTable, log, throttle } from "./dom.ts";
import { GapView } from "./gap-view.ts";

type Market = "um" | "cm";
const TOKEN_KEY = "relay-page-token";
/** What a WebSocket subprotocol may contain (RFC 7230 token characters). */
const SUBPROTOCOL = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** The window of the batched frames the page asks the relay for (ms). */
const BATCH_MS = 20;

const chart = new PriceChart(element("#chart"));
const symbolSelect = element<HTMLSelectElement>("#symbol");
const gaps = new GapView();
let token = readToken();
let client: StreamClient | null = null;
let clientMarket: Market | null = null;
let account: { market: Market; close: Promise<() => void> } | null = null;
let generation = 0;
const teardown: (() => void)[] = [];

function readToken(): string {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromHash) {
    // Session storage only: the token is forgotten with the tab. The fragment never reaches any server.
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, "", location.pathname + location.search);
    return fromHash;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? "";
}

function clientFor(market: Market): StreamClient {
  if (client !== null && clientMarket === market) return client;
  client?.close();
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  let url = `${scheme}://${location.host}${market === "cm" ? "/cm" : ""}/stream`;
  // A token is offered as the subprotocol (no URL, no logs); one with characters a subprotocol cannot carry
  // goes in the query instead, which the relay also reads.
  const asProtocol = token !== "" && SUBPROTOCOL.test(token);
  if (token !== "" && !asProtocol) url += `?token=${encodeURIComponent(token)}`;
  // Batched frames: a few ms more latency than a screen can show, far fewer frames for the relay to send.
  const next = new StreamClient({
    url,
    credential: asProtocol ? token : undefined,
    relayEvents: true,
    batchMs: BATCH_MS,
  });
  next.onStatus((status) => {
    document.body.dataset.status = status;
    element("#status").textContent = status;
  });
  next.onGap((gap) => gaps.record(gap));
  client = next;
  clientMarket = market;
  return next;
}

function show(): void {
  for (const stop of teardown.splice(0)) stop();
  const mine = ++generation;
  const [market, symbol] = symbolSelect.value.split(":") as [Market, string];
  const stream = clientFor(market);
  const rest = token ? createRestClient({ baseUrl: location.origin, auth: { token } }) : null;
  const names = streams[market];
  chart.clear();

  const price = element("#last-price");
  const trades = element<HTMLTableElement>("#trades");
  trades.dataset.count = "0";
  const rows: { cells: string[]; className: string }[] = [];
  const renderTrades = throttle(() => mine === generation && fillTable(trades, rows), 100);
  const countTrade = counter(trades, "data-count");
  const tradeStream = names.aggTrade(symbol);
  const klineStream = names.kline(symbol, "1m");
  teardown.push(
    stream.subscribe<AggTradeEvent>(tradeStream, (trade) => {
      price.textContent = trade.p;
      price.className = `price ${trade.m ? "sell" : "buy"}`;
      const time = new Date(trade.T).toLocaleTimeString([], { hour12: false });
      rows.unshift({ cells: [trade.p, trade.q, time], className: trade.m ? "sell" : "buy" });
      rows.length = Math.min(rows.length, 25);
      countTrade();
      renderTrades();
    }),
    stream.subscribe<KlineEvent>(klineStream, (event) => chart.live(event.k)),
  );
  if (rest !== null) {
    rest[market]
      .klineCandlestickData({ symbol, interval: "1m", limit: 300 })
      // A switch while the history was on its way: it belongs to the symbol left behind.
      .then((response) => mine === generation && chart.history(response.data as unknown[][]))
      .catch((error: unknown) => log(`history: ${error instanceof Error ? error.message : "failed"}`));
  }
  const book = showBook(stream, market, symbol, rest);
  teardown.push(book.stop);
  gaps.watch([tradeStream.name, klineStream.name, ...book.streams]);
  // The account panel lives per market: a symbol switch keeps its listen key and subscription.
  if (account !== null && (account.market !== market || rest === null)) {
    void account.close.then((close) => close());
    account = null;
  }
  if (account === null && rest !== null) account = { market, close: openAccount(rest, market, stream) };
}

symbolSelect.addEventListener("change", () => show());
element<HTMLFormElement>("#token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  token = element<HTMLInputElement>("#token").value.trim();
  sessionStorage.setItem(TOKEN_KEY, token);
  if (account !== null) void account.close.then((close) => close());
  account = null;
  client?.close();
  client = null;
  show();
});
show();
