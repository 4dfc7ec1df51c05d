// Binance futures market-stream names: the grammar the relay accepts, and for USDⓈ-M the route each stream
// is served on. Since 2026-04-23 fstream serves `/public` (book data) and `/market` (everything else). A
// stream subscribed on the wrong route is acknowledged and then never delivers, so UM_ROUTES decides
// where each upstream SUBSCRIBE goes. COIN-M (dstream) has no routes.
//
// Sources. Binance pages as scraped 2026-05-28 (shubhamtaywade82/binance-docs-scraper): each UM stream page
// states its "URL PATH". "UM/<Page>" means
// https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/<Page>,
// and CM/<Page> is the same under coin-margined-futures. Cross-checked against @binance/derivatives-trading-
// usds-futures 38.1.1 (the MarketApi and PublicApi stream modules, and their "After CM migration" notes).
//
// Symbols and pairs must already be lower-case, as Binance requires ("All symbols for streams are
// lowercase"). Binance acknowledges an upper-case name and then sends nothing, so the relay refuses it here
// and does not rewrite it: rewriting would change the name echoed in `{"stream":…}` and LIST_SUBSCRIPTIONS.
// Caseless non-ASCII symbols such as 币安人生usdt are valid as they are. A listen key (user data) has no `@`
// and is not a market stream, so it gets null.
//
// The file runs past 200 lines because of its tables. The route table and the grammar are clearer side by
// side than split across files.

import type { Market } from "../catalog/types.ts";

export type UmRoute = "public" | "market";

/** USDⓈ-M route of every kind, each taken from the page's "URL PATH" unless noted otherwise. */
export const UM_ROUTES = {
  bookTicker: "public", // UM/Individual-Symbol-Book-Ticker-Streams
  allBookTicker: "public", // UM/All-Book-Tickers-Stream (!bookTicker)
  depth: "public", // UM/Diff-Book-Depth-Streams
  partialDepth: "public", // UM/Partial-Book-Depth-Streams
  rpiDepth: "public", // UM/Diff-Book-Depth-Streams-RPI
  // Undocumented on futures. Measured delivering on the unrouted fstream URL, which carries only /public
  // (binance/binance-futures-connector-python#261, BYTEX-TRADE/bytex#7), and ccxt routes it there
  // (ccxt/ccxt#28083). tiagosiebler/binance sends it to /market.
  trade: "public",
  aggTrade: "market", // UM/Aggregate-Trade-Streams
  markPrice: "market", // UM/Mark-Price-Stream
  allMarkPrice: "market", // UM/Mark-Price-Stream-for-All-market (!markPrice@arr)
  kline: "market", // UM/Kline-Candlestick-Streams
  continuousKline: "market", // UM/Continuous-Contract-Kline-Candlestick-Streams
  miniTicker: "market", // UM/Individual-Symbol-Mini-Ticker-Stream
  allMiniTicker: "market", // UM/All-Market-Mini-Tickers-Stream (!miniTicker@arr)
  ticker: "market", // UM/Individual-Symbol-Ticker-Streams
  allTicker: "market", // UM/All-Market-Tickers-Streams (!ticker@arr)
  forceOrder: "market", // UM/Liquidation-Order-Streams
  allForceOrder: "market", // UM/All-Market-Liquidation-Order-Streams (!forceOrder@arr)
  compositeIndex: "market", // UM/Composite-Index-Symbol-Information-Streams
  contractInfo: "market", // UM/Contract-Info-Stream (!contractInfo)
  assetIndex: "market", // UM/Multi-Assets-Mode-Asset-Index (<assetSymbol>@assetIndex)
  allAssetIndex: "market", // UM/Multi-Assets-Mode-Asset-Index (!assetIndex@arr)
  tradingSession: "market", // UM/Trading-Session-Stream (bare name `tradingSession`)
} as const satisfies Record<string, UmRoute>;

export type UmStreamKind = keyof typeof UM_ROUTES;
/** COIN-M only: CM/Index-Price-Stream, CM/Index-Kline-Candlestick-Streams, CM/Mark-Price-Kline-Candlestick-Streams. */
export type CmOnlyStreamKind = "indexPrice" | "indexPriceKline" | "markPriceKline";
export type StreamKind = UmStreamKind | CmOnlyStreamKind;

export interface StreamInfo {
  readonly market: Market;
  readonly name: string;
  readonly kind: StreamKind;
  /** null on COIN-M, which has no routes. */
  readonly route: UmRoute | null;
}

/** Longer names are junk. The longest real one (a CJK pair's continuous kline) is well under 100. */
export const MAX_STREAM_NAME_LENGTH = 200;

/** Lower-case ASCII letters, digits and caseless letters (\p{Lo}: CJK symbols), in parts joined by `_`
 * (COIN-M and UM delivery symbols: btcusd_perp, btcusdt_260925). */
const SYMBOL = /^[a-z0-9\p{Lo}]+(?:_[a-z0-9\p{Lo}]+)*$/u;
/** A pair never contains `_`, which separates it from the contract type in continuous klines. */
const PAIR = /^[a-z0-9\p{Lo}]+$/u;

// UM/Kline-Candlestick-Streams and every CM kline page list these. `1M` (month) keeps its capital.
const INTERVALS = [
  "1m",
  "3m",
  "5m",
  "15m",
  "30m",
  "1h",
  "2h",
  "4h",
  "6h",
  "8h",
  "12h",
  "1d",
  "3d",
  "1w",
  "1M",
];
// UM/Continuous-Contract-Kline-Candlestick-Streams also lists `1s`, and connector-js's enum has it.
const UM_CONTINUOUS_INTERVALS = ["1s", ...INTERVALS];
// Contract types are lower-case in names: CM/Continuous-Contract-Kline-Candlestick-Streams gives the example
// btcusd_next_quarter@continuousKline_1m. The UM page adds tradifi_perpetual.
const CM_CONTRACT_TYPES = ["perpetual", "current_quarter", "next_quarter"];
const UM_CONTRACT_TYPES = [...CM_CONTRACT_TYPES, "tradifi_perpetual"];

type Subject = "symbol" | "pair" | "pairContract";

interface IntervalRule {
  readonly prefix: string;
  readonly kind: StreamKind;
  readonly subject: Subject;
  readonly intervals: readonly string[];
}

interface Grammar {
  /** Whole names that take no symbol. */
  readonly bare: ReadonlyMap<string, StreamKind>;
  /** `<symbol>@<suffix>`. */
  readonly suffixes: ReadonlyMap<string, StreamKind>;
  /** `<subject>@<prefix><interval>`. */
  readonly intervalRules: readonly IntervalRule[];
  readonly contractTypes: readonly string[];
}

/** UM/Diff-Book-Depth-Streams and UM/Partial-Book-Depth-Streams, with the same forms on CM: no suffix
 * (250 ms), `@500ms` or `@100ms`, levels 5, 10 or 20. `@250ms` is not a valid spelling. */
function depthSuffixes(): [string, StreamKind][] {
  const entries: [string, StreamKind][] = [];
  for (const speed of ["", "@500ms", "@100ms"]) {
    entries.push([`depth${speed}`, "depth"]);
    for (const levels of [5, 10, 20]) entries.push([`depth${levels}${speed}`, "partialDepth"]);
  }
  return entries;
}

const SHARED_SUFFIXES: [string, StreamKind][] = [
  ["aggTrade", "aggTrade"],
  ["trade", "trade"],
  ["bookTicker", "bookTicker"],
  ["markPrice", "markPrice"],
  ["markPrice@1s", "markPrice"],
  ["miniTicker", "miniTicker"],
  ["ticker", "ticker"],
  ["forceOrder", "forceOrder"],
  ...depthSuffixes(),
];

// The CM market-stream pages list every one of these except !markPrice@arr. The UM page for that stream
// says that after the CM migration both fstream and dstream take UM and CM symbols on it.
const SHARED_BARE: [string, StreamKind][] = [
  ["!bookTicker", "allBookTicker"],
  ["!markPrice@arr", "allMarkPrice"],
  ["!markPrice@arr@1s", "allMarkPrice"],
  ["!miniTicker@arr", "allMiniTicker"],
  ["!ticker@arr", "allTicker"],
  ["!forceOrder@arr", "allForceOrder"],
  ["!contractInfo", "contractInfo"],
];

const GRAMMARS: Record<Market, Grammar> = {
  um: {
    bare: new Map([
      ...SHARED_BARE,
      ["!assetIndex@arr", "allAssetIndex"],
      ["tradingSession", "tradingSession"],
    ]),
    suffixes: new Map([
      ...SHARED_SUFFIXES,
      ["rpiDepth@500ms", "rpiDepth"],
      ["compositeIndex", "compositeIndex"],
      ["assetIndex", "assetIndex"],
    ]),
    intervalRules: [
      { prefix: "kline_", kind: "kline", subject: "symbol", intervals: INTERVALS },
      {
        prefix: "continuousKline_",
        kind: "continuousKline",
        subject: "pairContract",
        intervals: UM_CONTINUOUS_INTERVALS,
      },
    ],
    contractTypes: UM_CONTRACT_TYPES,
  },
  cm: {
    bare: new Map(SHARED_BARE),
    // `<pair>@markPrice` (CM/Mark-Price-of-All-Symbols-of-a-Pair) has the same shape as `<symbol>@markPrice`.
    suffixes: new Map([...SHARED_SUFFIXES, ["indexPrice", "indexPrice"], ["indexPrice@1s", "indexPrice"]]),
    intervalRules: [
      { prefix: "kline_", kind: "kline", subject: "symbol", intervals: INTERVALS },
      { prefix: "continuousKline_", kind: "continuousKline", subject: "pairContract", intervals: INTERVALS },
      { prefix: "indexPriceKline_", kind: "indexPriceKline", subject: "pair", intervals: INTERVALS },
      { prefix: "markPriceKline_", kind: "markPriceKline", subject: "symbol", intervals: INTERVALS },
    ],
    contractTypes: CM_CONTRACT_TYPES,
  },
};

/** The stream `name` names on `market`, or null when it is not a valid market-stream name there. */
export function parseStreamName(market: Market, name: string): StreamInfo | null {
  const parsed = parse(market, name);
  return parsed === null ? null : streamInfo(market, name, parsed.kind);
}

/**
 * Which instrument a stream is about, for checking it against the exchange's listing: a symbol (`btcusdt`), a
 * pair (`btcusd`, and the pair of a continuous kline's `btcusdt_perpetual`) or, for `<assetSymbol>@assetIndex`,
 * an asset's index symbol (`adausd`). Null for valid streams about no one instrument (`!bookTicker`,
 * `tradingSession`) and for invalid names.
 */
export interface StreamSubject {
  readonly kind: "symbol" | "pair" | "assetIndex";
  readonly name: string;
}

export function streamSubject(market: Market, name: string): StreamSubject | null {
  return parse(market, name)?.subject ?? null;
}

function parse(market: Market, name: string): { kind: StreamKind; subject: StreamSubject | null } | null {
  if (name.length === 0 || name.length > MAX_STREAM_NAME_LENGTH) return null;
  const grammar = GRAMMARS[market];
  const bare = grammar.bare.get(name);
  if (bare !== undefined) return { kind: bare, subject: null };
  const at = name.indexOf("@");
  if (at <= 0) return null;
  const subject = name.slice(0, at);
  const rest = name.slice(at + 1);
  const kind = grammar.suffixes.get(rest);
  if (kind !== undefined) {
    if (!SYMBOL.test(subject)) return null;
    return { kind, subject: { kind: kind === "assetIndex" ? "assetIndex" : "symbol", name: subject } };
  }
  const rule = grammar.intervalRules.find((r) => rest.startsWith(r.prefix));
  if (rule === undefined || !rule.intervals.includes(rest.slice(rule.prefix.length))) return null;
  if (!subjectMatches(rule.subject, subject, grammar)) return null;
  if (rule.subject === "symbol") return { kind: rule.kind, subject: { kind: "symbol", name: subject } };
  return { kind: rule.kind, subject: { kind: "pair", name: subject.split("_")[0] ?? subject } };
}

function subjectMatches(kind: Subject, subject: string, grammar: Grammar): boolean {
  if (kind === "symbol") return SYMBOL.test(subject);
  if (kind === "pair") return PAIR.test(subject);
  const cut = subject.indexOf("_");
  return (
    cut > 0 && PAIR.test(subject.slice(0, cut)) && grammar.contractTypes.includes(subject.slice(cut + 1))
  );
}

/** Null only if a UM grammar entry had no route, which the route tests rule out. */
function streamInfo(market: Market, name: string, kind: StreamKind): StreamInfo | null {
  if (market === "cm") return { market, name, kind, route: null };
  return isUmKind(kind) ? { market, name, kind, route: UM_ROUTES[kind] } : null;
}

function isUmKind(kind: StreamKind): kind is UmStreamKind {
  return Object.hasOwn(UM_ROUTES, kind);
}
