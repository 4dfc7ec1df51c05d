// Payloads of Binance's futures market streams, with Binance's own one-letter field names, as documented on
// the USDⓈ-M and COIN-M "WebSocket Market Streams" pages (and @binance/derivatives-trading-usds-futures
// 38.1.1's stream models). Prices and quantities are strings because Binance sends strings: parsing them as
// floats is the caller's choice, not ours. Fields marked optional appear on one market only, or only since
// the 2026 CM migration (`ps`, `st`). Ids and times are numbers; with a big-integer parser they may arrive
// as bigints instead, which these types do not describe.

/** `[price, quantity]`. */
export type PriceLevel = readonly [price: string, quantity: string];

interface Migrated {
  /** Pair (COIN-M, and USDⓈ-M after the CM migration). */
  readonly ps?: string;
  /** Symbol type after the CM migration: 1 = USDⓈ-M, 2 = COIN-M. */
  readonly st?: number;
}

export interface AggTradeEvent extends Migrated {
  readonly e: "aggTrade";
  readonly E: number;
  readonly s: string;
  readonly a: number;
  readonly p: string;
  readonly q: string;
  /** USDⓈ-M: quantity without trades involving RPI orders. */
  readonly nq?: string;
  readonly f: number;
  readonly l: number;
  readonly T: number;
  readonly m: boolean;
}

/** Undocumented on futures; the shape Binance delivers (JKorf/Binance.Net#1218). `X`: MARKET, LIQUIDATION, ... */
export interface TradeEvent {
  readonly e: "trade";
  readonly E: number;
  readonly T: number;
  readonly s: string;
  readonly t: number;
  readonly p: string;
  readonly q: string;
  readonly X: string;
  readonly m: boolean;
}

export interface MarkPriceEvent extends Migrated {
  readonly e: "markPriceUpdate";
  readonly E: number;
  readonly s: string;
  readonly p: string;
  /** USDⓈ-M: mark price moving average. */
  readonly ap?: string;
  readonly i: string;
  readonly P: string;
  /** Funding rate; "" for COIN-M delivery contracts. */
  readonly r: string;
  readonly T: number;
}

/** COIN-M `<pair>@indexPrice`. */
export interface IndexPriceEvent {
  readonly e: "indexPriceUpdate";
  readonly E: number;
  readonly i: string;
  readonly p: string;
}

export interface Kline {
  readonly t: number;
  readonly T: number;
  /** Symbol; "0" in index price klines. Absent in continuous klines. */
  readonly s?: string;
  readonly i: string;
  readonly f: number;
  readonly L: number;
  readonly o: string;
  readonly c: string;
  readonly h: string;
  readonly l: string;
  readonly v: string;
  readonly n: number;
  readonly x: boolean;
  readonly q: string;
  readonly V: string;
  readonly Q: string;
  readonly B: string;
}

export interface KlineEvent {
  readonly e: "kline";
  readonly E: number;
  readonly s: string;
  readonly k: Kline;
}

export interface ContinuousKlineEvent {
  readonly e: "continuous_kline";
  readonly E: number;
  readonly ps: string;
  /** Upper case here (PERPETUAL), unlike in the stream name. */
  readonly ct: string;
  readonly k: Kline;
}

/** COIN-M `<pair>@indexPriceKline_<interval>`. */
export interface IndexPriceKlineEvent {
  readonly e: "indexPrice_kline";
  readonly E: number;
  readonly ps: string;
  readonly k: Kline;
}

/** COIN-M `<symbol>@markPriceKline_<interval>`. */
export interface MarkPriceKlineEvent {
  readonly e: "markPrice_kline";
  readonly E: number;
  readonly ps: string;
  readonly k: Kline;
}

export interface MiniTickerEvent extends Migrated {
  readonly e: "24hrMiniTicker";
  readonly E: number;
  readonly s: string;
  readonly c: string;
  readonly o: string;
  readonly h: string;
  readonly l: string;
  readonly v: string;
  readonly q: string;
}

export interface TickerEvent extends Migrated {
  readonly e: "24hrTicker";
  readonly E: number;
  readonly s: string;
  readonly p: string;
  readonly P: string;
  readonly w: string;
  readonly c: string;
  readonly Q: string;
  readonly o: string;
  readonly h: string;
  readonly l: string;
  readonly v: string;
  readonly q: string;
  readonly O: number;
  readonly C: number;
  readonly F: number;
  readonly L: number;
  readonly n: number;
}

export interface BookTickerEvent extends Migrated {
  readonly e: "bookTicker";
  readonly u: number;
  readonly E: number;
  readonly T: number;
  readonly s: string;
  readonly b: string;
  readonly B: string;
  readonly a: string;
  readonly A: string;
}

/** Diff depth, partial depth and RPI depth all send this shape. */
export interface DepthUpdateEvent extends Migrated {
  readonly e: "depthUpdate";
  readonly E: number;
  readonly T: number;
  readonly s: string;
  readonly U: number;
  readonly u: number;
  readonly pu: number;
  readonly b: readonly PriceLevel[];
  readonly a: readonly PriceLevel[];
}

export interface ForceOrderEvent extends Migrated {
  readonly e: "forceOrder";
  readonly E: number;
  readonly o: {
    readonly s: string;
    readonly ps?: string;
    readonly S: string;
    readonly o: string;
    readonly f: string;
    readonly q: string;
    readonly p: string;
    readonly ap: string;
    readonly X: string;
    readonly l: string;
    readonly z: string;
    readonly T: number;
  };
}
