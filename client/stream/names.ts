// Stream names, built the way Binance (and the relay, shared/streams/names.ts) spell them, each tagged with
// the type of its payload: `client.subscribe(streams.um.aggTrade("BTCUSDT"), (event) => ...)` types `event`
// as AggTradeEvent. Symbols and pairs are lower-cased, as Binance requires (an upper-case name is
// acknowledged and then silent, and the relay refuses it); intervals and contract types are used verbatim,
// and their types only admit spellings the grammar accepts (`1M` is a month, contract types are lower case).
// An omitted speed means Binance's plain name: 3 s mark and index prices, 250 ms depth. Every name is
// checked against parseStreamName in test/unit/client/stream-names.test.ts.

import type {
  AggTradeEvent,
  BookTickerEvent,
  ContinuousKlineEvent,
  DepthUpdateEvent,
  ForceOrderEvent,
  IndexPriceEvent,
  IndexPriceKlineEvent,
  KlineEvent,
  MarkPriceEvent,
  MarkPriceKlineEvent,
  MiniTickerEvent,
  TickerEvent,
  TradeEvent,
} from "./events.ts";
import type {
  AssetIndexEvent,
  CompositeIndexEvent,
  ContractInfoEvent,
  TradingSessionEvent,
} from "./info-events.ts";

declare const payload: unique symbol;

/** A stream name and, for the type checker only, the type of its payloads. */
export interface StreamDescriptor<T> {
  readonly name: string;
  readonly [payload]?: T;
}

// biome-ignore format: one interval per column reads better than one per line.
export type KlineInterval = "1m" | "3m" | "5m" | "15m" | "30m" | "1h" | "2h" | "4h" | "6h" | "8h" | "12h" | "1d" | "3d" | "1w" | "1M";
export type CmContractType = "perpetual" | "current_quarter" | "next_quarter";
export type UmContractType = CmContractType | "tradifi_perpetual";

export interface PriceSpeedOptions {
  /** Default "3s", the plain name. */
  readonly speed?: "1s" | "3s";
}

export interface DepthOptions {
  /** Default "250ms", the plain name (`@250ms` is not a valid spelling). */
  readonly speed?: "100ms" | "250ms" | "500ms";
}

function stream<T>(name: string): StreamDescriptor<T> {
  return { name };
}

const lower = (symbol: string) => symbol.toLowerCase();
const seconds = (options?: PriceSpeedOptions) => (options?.speed === "1s" ? "@1s" : "");
const millis = (options?: DepthOptions) =>
  options?.speed === undefined || options.speed === "250ms" ? "" : `@${options.speed}`;

function miniTicker(): StreamDescriptor<MiniTickerEvent[]>;
function miniTicker(symbol: string): StreamDescriptor<MiniTickerEvent>;
function miniTicker(symbol?: string): StreamDescriptor<MiniTickerEvent | MiniTickerEvent[]> {
  return stream(symbol === undefined ? "!miniTicker@arr" : `${lower(symbol)}@miniTicker`);
}

function ticker(): StreamDescriptor<TickerEvent[]>;
function ticker(symbol: string): StreamDescriptor<TickerEvent>;
function ticker(symbol?: string): StreamDescriptor<TickerEvent | TickerEvent[]> {
  return stream(symbol === undefined ? "!ticker@arr" : `${lower(symbol)}@ticker`);
}

/** All symbols' book tickers arrive one event per message, not as an array. */
function bookTicker(symbol?: string): StreamDescriptor<BookTickerEvent> {
  return stream(symbol === undefined ? "!bookTicker" : `${lower(symbol)}@bookTicker`);
}

/** All-market liquidations arrive one event per message, not as an array. */
function forceOrder(symbol?: string): StreamDescriptor<ForceOrderEvent> {
  return stream(symbol === undefined ? "!forceOrder@arr" : `${lower(symbol)}@forceOrder`);
}

function assetIndex(): StreamDescriptor<AssetIndexEvent[]>;
function assetIndex(assetSymbol: string): StreamDescriptor<AssetIndexEvent>;
function assetIndex(assetSymbol?: string): StreamDescriptor<AssetIndexEvent | AssetIndexEvent[]> {
  return stream(assetSymbol === undefined ? "!assetIndex@arr" : `${lower(assetSymbol)}@assetIndex`);
}

/** Streams both markets have under the same names. */
const common = {
  aggTrade: (symbol: string) => stream<AggTradeEvent>(`${lower(symbol)}@aggTrade`),
  trade: (symbol: string) => stream<TradeEvent>(`${lower(symbol)}@trade`),
  markPrice: (symbol: string, options?: PriceSpeedOptions) =>
    stream<MarkPriceEvent>(`${lower(symbol)}@markPrice${seconds(options)}`),
  allMarkPrice: (options?: PriceSpeedOptions) =>
    stream<MarkPriceEvent[]>(`!markPrice@arr${seconds(options)}`),
  kline: (symbol: string, interval: KlineInterval) =>
    stream<KlineEvent>(`${lower(symbol)}@kline_${interval}`),
  miniTicker,
  ticker,
  bookTicker,
  forceOrder,
  /** Diff depth: the events a local order book is kept with (order-book.ts). */
  depth: (symbol: string, options?: DepthOptions) =>
    stream<DepthUpdateEvent>(`${lower(symbol)}@depth${millis(options)}`),
  partialDepth: (symbol: string, levels: 5 | 10 | 20, options?: DepthOptions) =>
    stream<DepthUpdateEvent>(`${lower(symbol)}@depth${levels}${millis(options)}`),
  contractInfo: () => stream<ContractInfoEvent>("!contractInfo"),
};

const um = {
  ...common,
  continuousKline: (pair: string, contractType: UmContractType, interval: KlineInterval | "1s") =>
    stream<ContinuousKlineEvent>(`${lower(pair)}_${contractType}@continuousKline_${interval}`),
  compositeIndex: (symbol: string) => stream<CompositeIndexEvent>(`${lower(symbol)}@compositeIndex`),
  assetIndex,
  /** Diff depth of RPI (retail price improvement) orders; 500 ms only. */
  rpiDepth: (symbol: string) => stream<DepthUpdateEvent>(`${lower(symbol)}@rpiDepth@500ms`),
  tradingSession: () => stream<TradingSessionEvent>("tradingSession"),
};

const cm = {
  ...common,
  continuousKline: (pair: string, contractType: CmContractType, interval: KlineInterval) =>
    stream<ContinuousKlineEvent>(`${lower(pair)}_${contractType}@continuousKline_${interval}`),
  indexPrice: (pair: string, options?: PriceSpeedOptions) =>
    stream<IndexPriceEvent>(`${lower(pair)}@indexPrice${seconds(options)}`),
  /** Every contract of a pair, as one array (same name shape as a symbol's markPrice). */
  pairMarkPrice: (pair: string, options?: PriceSpeedOptions) =>
    stream<MarkPriceEvent[]>(`${lower(pair)}@markPrice${seconds(options)}`),
  indexPriceKline: (pair: string, interval: KlineInterval) =>
    stream<IndexPriceKlineEvent>(`${lower(pair)}@indexPriceKline_${interval}`),
  markPriceKline: (symbol: string, interval: KlineInterval) =>
    stream<MarkPriceKlineEvent>(`${lower(symbol)}@markPriceKline_${interval}`),
};

export const streams = { um, cm } as const;
