// Which simulated events go on which stream, and when: trades and book tickers as they happen, the rest on
// Binance's cadences. Payloads are built only for streams some connection holds, but every diff depth window
// is closed on its cadence whether or not anyone listens, so `pu` always names the previous event's `u`.

import { isInterval } from "../rest/kline-intervals.ts";
import type { Market } from "../types.ts";
import { currentKline, dayStats, klineAt } from "./candles.ts";
import { takeDepthEvent, topLevels } from "./depth.ts";
import {
  aggTradePayload,
  bookTickerPayload,
  depthPayload,
  klinePayload,
  markPricePayload,
  miniTickerPayload,
  tickerPayload,
  topOf,
  tradePayloads,
} from "./payloads.ts";
import type { SimSymbol, Step } from "./symbol.ts";

/**
 * Cadences in ms: depth speeds (100, 250, 500), klines (250), COIN-M tickers (500), arrays and @1s (1000),
 * USDⓈ-M tickers (2000), markPrice (3000), as Binance's docs give them.
 */
export const CADENCES = [100, 250, 500, 1000, 2000, 3000] as const;
const PARTIAL_LEVELS = [5, 10, 20] as const;

export interface Feed {
  /** Streams some connection of the market holds. */
  readonly streams: Readonly<Record<Market, ReadonlySet<string>>>;
  emit(market: Market, stream: string, payload: string): void;
  /** Open time of the last candle sent per kline stream ("market stream"), to send the closing one once. */
  readonly klineOpens: Map<string, number>;
}

function nameOf(symbol: SimSymbol): string {
  return symbol.instrument.info.symbol.toLowerCase();
}

function send(feed: Feed, symbol: SimSymbol, stream: string, payload: () => string): void {
  const { market } = symbol.instrument;
  if (feed.streams[market].has(stream)) feed.emit(market, stream, payload());
}

/** aggTrade, trade and book ticker events of one step. */
export function emitStep(feed: Feed, symbol: SimSymbol, step: Step): void {
  const name = nameOf(symbol);
  const { market } = symbol.instrument;
  send(feed, symbol, `${name}@aggTrade`, () => aggTradePayload(symbol, step));
  if (feed.streams[market].has(`${name}@trade`)) {
    for (const payload of tradePayloads(symbol, step)) feed.emit(market, `${name}@trade`, payload);
  }
  const wantsOne = feed.streams[market].has(`${name}@bookTicker`);
  if (wantsOne || feed.streams[market].has("!bookTicker")) {
    const payload = bookTickerPayload(symbol, topOf(topLevels(symbol.book, 1)), step.at);
    if (wantsOne) feed.emit(market, `${name}@bookTicker`, payload);
    feed.emit(market, "!bookTicker", payload);
  }
}

function emitDepth(feed: Feed, symbol: SimSymbol, speed: number, at: number): void {
  const name = nameOf(symbol);
  const suffix = speed === 250 ? "" : `@${speed}ms`;
  const event = takeDepthEvent(symbol.windows, symbol.book, speed, symbol.ids.update);
  if (event !== null) send(feed, symbol, `${name}@depth${suffix}`, () => depthPayload(symbol, event, at));
  const update = symbol.ids.update;
  for (const levels of PARTIAL_LEVELS) {
    send(feed, symbol, `${name}@depth${levels}${suffix}`, () => {
      const top = topLevels(symbol.book, levels);
      const range = { first: event?.first ?? update, last: update, previous: event?.previous ?? update };
      return depthPayload(symbol, { ...range, ...top }, at);
    });
  }
}

function emitKlines(feed: Feed, symbol: SimSymbol, at: number): void {
  const { market } = symbol.instrument;
  const prefix = `${nameOf(symbol)}@kline_`;
  // Forget streams nobody holds any more, so a later subscriber gets no stale closing candle.
  for (const key of feed.klineOpens.keys()) {
    const stream = key.slice(market.length + 1);
    if (key.startsWith(`${market} ${prefix}`) && !feed.streams[market].has(stream))
      feed.klineOpens.delete(key);
  }
  for (const stream of feed.streams[market]) {
    const interval = stream.slice(prefix.length);
    if (!stream.startsWith(prefix) || !isInterval(interval)) continue;
    const current = currentKline(symbol.series, interval, at);
    const key = `${market} ${stream}`;
    const previousOpen = feed.klineOpens.get(key);
    if (previousOpen !== undefined && previousOpen < current.candle.open) {
      const closed = klineAt(symbol.series, interval, previousOpen, at);
      if (closed !== null) feed.emit(market, stream, klinePayload(symbol, interval, closed, at, true));
    }
    feed.klineOpens.set(key, current.candle.open);
    feed.emit(market, stream, klinePayload(symbol, interval, current, at, false));
  }
}

function emitArray(feed: Feed, market: Market, stream: string, items: () => string[]): void {
  if (!feed.streams[market].has(stream)) return;
  const payloads = items();
  if (payloads.length > 0) feed.emit(market, stream, `[${payloads.join(",")}]`);
}

/** Everything due on the cadence `cadence` at time `at`. */
export function emitCadence(feed: Feed, symbols: readonly SimSymbol[], cadence: number, at: number): void {
  for (const symbol of symbols) {
    const name = nameOf(symbol);
    const tickerCadence = symbol.instrument.market === "um" ? 2000 : 500;
    if (cadence === 100 || cadence === 250 || cadence === 500) emitDepth(feed, symbol, cadence, at);
    if (cadence === 250) emitKlines(feed, symbol, at);
    if (cadence === tickerCadence) {
      send(feed, symbol, `${name}@ticker`, () => tickerPayload(symbol, dayStats(symbol.series, at), at));
      send(feed, symbol, `${name}@miniTicker`, () =>
        miniTickerPayload(symbol, dayStats(symbol.series, at), at),
      );
    }
    if (cadence === 1000) send(feed, symbol, `${name}@markPrice@1s`, () => markPricePayload(symbol, at));
    if (cadence === 3000) send(feed, symbol, `${name}@markPrice`, () => markPricePayload(symbol, at));
  }
  for (const market of ["um", "cm"] as const) {
    const mine = symbols.filter((symbol) => symbol.instrument.market === market);
    const each = (make: (symbol: SimSymbol) => string) => () => mine.map(make);
    const day = (symbol: SimSymbol) => dayStats(symbol.series, at);
    if (cadence === 1000) {
      emitArray(
        feed,
        market,
        "!ticker@arr",
        each((symbol) => tickerPayload(symbol, day(symbol), at)),
      );
      emitArray(
        feed,
        market,
        "!miniTicker@arr",
        each((symbol) => miniTickerPayload(symbol, day(symbol), at)),
      );
      emitArray(
        feed,
        market,
        "!markPrice@arr@1s",
        each((symbol) => markPricePayload(symbol, at)),
      );
    }
    if (cadence === 3000)
      emitArray(
        feed,
        market,
        "!markPrice@arr",
        each((symbol) => markPricePayload(symbol, at)),
      );
  }
}
