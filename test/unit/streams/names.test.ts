import { describe, expect, it } from "vitest";
import type { Market } from "../../../shared/catalog/types.ts";
import {
  MAX_STREAM_NAME_LENGTH,
  parseStreamName,
  type StreamKind,
  UM_ROUTES,
  type UmRoute,
  type UmStreamKind,
} from "../../../shared/streams/names.ts";

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
const LISTEN_KEY = "XaEAKTsQSRLZAGH9tuIu37plSRsdjmlAVBoNYPUITlTAko1WWna5wJkqFdAOx0Bg";

function kindOf(market: Market, name: string): StreamKind | null {
  return parseStreamName(market, name)?.kind ?? null;
}

describe("stream names the reference connector builds (reference-connector-ws.tsv)", () => {
  // Each row: what one of its methods produces for ordinary arguments, and the kind that name is.
  const um: [string, StreamKind][] = [
    ["btcusdt@aggTrade", "aggTrade"], // agg_trade
    ["btcusdt@markPrice@1s", "markPrice"], // mark_price(speed=1)
    ["!markPrice@arr@1s", "allMarkPrice"], // mark_price_all_market(speed=1)
    ["!markPrice@arr", "allMarkPrice"], // mark_price_all_market(speed=3)
    ...INTERVALS.map((i): [string, StreamKind] => [`btcusdt@kline_${i}`, "kline"]), // kline
    ["btcusdt_perpetual@continuousKline_1m", "continuousKline"], // continuous_kline, lower-case type
    ["btcusdt_current_quarter@continuousKline_1M", "continuousKline"],
    ["btcusdt_next_quarter@continuousKline_15m", "continuousKline"],
    ["btcusdt@miniTicker", "miniTicker"], // mini_ticker
    ["!miniTicker@arr", "allMiniTicker"], // mini_ticker(symbol=None)
    ["btcusdt@ticker", "ticker"], // ticker
    ["!ticker@arr", "allTicker"],
    ["btcusdt@bookTicker", "bookTicker"], // book_ticker
    ["!bookTicker", "allBookTicker"],
    ["btcusdt@depth@100ms", "depth"], // diff_book_depth default speed=100
    ["btcusdt@depth@500ms", "depth"],
    ...[5, 10, 20].flatMap((l) =>
      [100, 500].map((s): [string, StreamKind] => [`btcusdt@depth${l}@${s}ms`, "partialDepth"]),
    ), // partial_book_depth
    ["btcusdt@forceOrder", "forceOrder"], // liquidation_order
    ["!forceOrder@arr", "allForceOrder"],
    ["defiusdt@compositeIndex", "compositeIndex"], // composite_index
  ];
  const cm: [string, StreamKind][] = [
    ["btcusd_perp@aggTrade", "aggTrade"],
    ["btcusd@indexPrice@1s", "indexPrice"], // index_price(speed=1)
    ["btcusd@indexPrice", "indexPrice"],
    ["btcusd_perp@markPrice@1s", "markPrice"], // mark_price
    ["btcusd_perp@markPrice", "markPrice"],
    ["btcusd@markPrice@1s", "markPrice"], // pair_mark_price
    ["btcusd@markPrice", "markPrice"],
    ...INTERVALS.map((i): [string, StreamKind] => [`btcusd_perp@kline_${i}`, "kline"]),
    ["btcusd_next_quarter@continuousKline_1m", "continuousKline"],
    ["btcusd@indexPriceKline_1h", "indexPriceKline"], // index_kline
    ["btcusd_200626@markPriceKline_1m", "markPriceKline"], // mark_kline
    ["btcusd_perp@miniTicker", "miniTicker"],
    ["!miniTicker@arr", "allMiniTicker"],
    ["btcusd_perp@ticker", "ticker"],
    ["!ticker@arr", "allTicker"],
    ["btcusd_perp@bookTicker", "bookTicker"],
    ["!bookTicker", "allBookTicker"],
    ["btcusd_perp@depth@100ms", "depth"],
    ["btcusd_perp@depth5@500ms", "partialDepth"],
    ["btcusd_perp@forceOrder", "forceOrder"],
    ["!forceOrder@arr", "allForceOrder"],
  ];

  it.each(um)("accepts UM %s as %s", (name, kind) => {
    expect(parseStreamName("um", name)).toMatchObject({ market: "um", name, kind });
  });

  it.each(cm)("accepts CM %s as %s with no route", (name, kind) => {
    expect(parseStreamName("cm", name)).toEqual({ market: "cm", name, kind, route: null });
  });

  // Anomaly 14 of reference-connector.md: names the reference builds that Binance does not serve.
  it.each([
    ["um", "btcusdt@markPrice@3s"], // mark_price always appends @<speed>s
    ["um", "btcusdt@depth@250ms"], // the 250 ms default is the unsuffixed name
    ["cm", "btcusd_perp@depth@250ms"],
    ["um", "btcusdt@depth5@250ms"],
    ["um", "btcusdt_PERPETUAL@continuousKline_1m"], // contractType passed verbatim
    ["cm", "btcusd_NEXT_QUARTER@continuousKline_1m"],
  ] as const)("rejects the reference's malformed %s name %s", (market, name) => {
    expect(parseStreamName(market, name)).toBeNull();
  });

  it("does not take a listen key (user_data) for a market stream", () => {
    expect(parseStreamName("um", LISTEN_KEY)).toBeNull();
    expect(parseStreamName("cm", LISTEN_KEY)).toBeNull();
    expect(parseStreamName("um", LISTEN_KEY.toLowerCase())).toBeNull();
  });
});

describe("USDⓈ-M routes", () => {
  // One name per kind. Sources are cited on UM_ROUTES in names.ts.
  const routes: [string, UmStreamKind, UmRoute][] = [
    ["btcusdt@bookTicker", "bookTicker", "public"],
    ["!bookTicker", "allBookTicker", "public"],
    ["btcusdt@depth", "depth", "public"],
    ["btcusdt@depth@500ms", "depth", "public"],
    ["btcusdt@depth20", "partialDepth", "public"],
    ["btcusdt@depth10@100ms", "partialDepth", "public"],
    ["btcusdt@rpiDepth@500ms", "rpiDepth", "public"],
    ["btcusdt@trade", "trade", "public"],
    ["btcusdt@aggTrade", "aggTrade", "market"],
    ["btcusdt@markPrice", "markPrice", "market"],
    ["btcusdt@markPrice@1s", "markPrice", "market"],
    ["!markPrice@arr", "allMarkPrice", "market"],
    ["!markPrice@arr@1s", "allMarkPrice", "market"],
    ["btcusdt@kline_1m", "kline", "market"],
    ["btcusdt_perpetual@continuousKline_1m", "continuousKline", "market"],
    ["btcusdt@miniTicker", "miniTicker", "market"],
    ["!miniTicker@arr", "allMiniTicker", "market"],
    ["btcusdt@ticker", "ticker", "market"],
    ["!ticker@arr", "allTicker", "market"],
    ["btcusdt@forceOrder", "forceOrder", "market"],
    ["!forceOrder@arr", "allForceOrder", "market"],
    ["defiusdt@compositeIndex", "compositeIndex", "market"],
    ["!contractInfo", "contractInfo", "market"],
    ["adausd@assetIndex", "assetIndex", "market"],
    ["!assetIndex@arr", "allAssetIndex", "market"],
    ["tradingSession", "tradingSession", "market"],
  ];

  it.each(routes)("serves %s (%s) on /%s", (name, kind, route) => {
    expect(parseStreamName("um", name)).toEqual({ market: "um", name, kind, route });
  });

  it("has a tested route for every USDⓈ-M kind, and the table agrees with the parser", () => {
    expect(new Set(routes.map(([, kind]) => kind))).toEqual(new Set(Object.keys(UM_ROUTES)));
    for (const [, kind, route] of routes) expect(UM_ROUTES[kind]).toBe(route);
  });

  it("keeps book data alone on /public", () => {
    const publicKinds = Object.entries(UM_ROUTES).filter(([, route]) => route === "public");
    expect(publicKinds.map(([kind]) => kind).sort()).toEqual(
      ["allBookTicker", "bookTicker", "depth", "partialDepth", "rpiDepth", "trade"].sort(),
    );
  });
});

describe("COIN-M has no routes", () => {
  it.each([
    "btcusd_perp@trade",
    "btcusd_perp@depth",
    "btcusd_perp@depth10@100ms",
    "btcusd_perp@bookTicker",
    "!markPrice@arr@1s",
    "!contractInfo",
    "btcusd_perp@aggTrade",
  ])("gives %s a null route", (name) => {
    expect(parseStreamName("cm", name)?.route).toBeNull();
  });
});

describe("what exists on one market only", () => {
  it.each([
    "btcusdt@rpiDepth@500ms",
    "defiusdt@compositeIndex",
    "adausd@assetIndex",
    "!assetIndex@arr",
    "tradingSession",
    "btcusd_tradifi_perpetual@continuousKline_1m",
    "btcusd_perpetual@continuousKline_1s",
  ])("rejects the USDⓈ-M-only %s on COIN-M", (name) => {
    expect(parseStreamName("um", name)).not.toBeNull();
    expect(parseStreamName("cm", name)).toBeNull();
  });

  it.each([
    "btcusd@indexPrice",
    "btcusd@indexPrice@1s",
    "btcusd@indexPriceKline_1m",
    "btcusd_perp@markPriceKline_1m",
  ])("rejects the COIN-M-only %s on USDⓈ-M", (name) => {
    expect(parseStreamName("cm", name)).not.toBeNull();
    expect(parseStreamName("um", name)).toBeNull();
  });

  it("takes the 1s interval only for USDⓈ-M continuous klines, as the docs list it", () => {
    expect(kindOf("um", "btcusdt_perpetual@continuousKline_1s")).toBe("continuousKline");
    expect(kindOf("um", "btcusdt@kline_1s")).toBeNull();
  });
});

describe("letter case", () => {
  it.each([
    "BTCUSDT@aggTrade",
    "BtcUsdt@aggTrade",
    "btcusdT@depth",
    "BTCUSD_PERP@aggTrade",
    "BTCUSDT_perpetual@continuousKline_1m",
  ])("rejects the upper-case symbol in %s rather than rewriting it", (name) => {
    expect(parseStreamName("um", name)).toBeNull();
    expect(parseStreamName("cm", name)).toBeNull();
  });

  it.each([
    "btcusdt@aggtrade",
    "btcusdt@AGGTRADE",
    "btcusdt@bookticker",
    "!BOOKTICKER",
    "!markprice@arr",
    "tradingsession",
  ])("rejects the miscased stream type in %s", (name) => {
    expect(parseStreamName("um", name)).toBeNull();
  });

  it("tells the month interval 1M from the minute interval 1m and refuses other capitals", () => {
    expect(kindOf("um", "btcusdt@kline_1M")).toBe("kline");
    expect(kindOf("um", "btcusdt@kline_1m")).toBe("kline");
    expect(kindOf("um", "btcusdt@kline_1H")).toBeNull();
    expect(kindOf("cm", "btcusd@indexPriceKline_1D")).toBeNull();
  });

  it("accepts caseless non-ASCII symbols as Binance serves them", () => {
    expect(kindOf("um", "币安人生usdt@aggTrade")).toBe("aggTrade");
    expect(kindOf("um", "币安人生usdt@kline_15m")).toBe("kline");
    expect(kindOf("um", "币安人生usdt@markPrice@1s")).toBe("markPrice");
    expect(kindOf("um", "币安人生usdt_perpetual@continuousKline_1m")).toBe("continuousKline");
    expect(kindOf("um", "ÉTHusdt@aggTrade")).toBeNull();
  });
});

describe("junk", () => {
  it.each([
    "",
    " ",
    " btcusdt@aggTrade",
    "btcusdt@aggTrade ",
    "btc usdt@aggTrade",
    "btcusdt@aggTrade\n",
    "btcusdt@@aggTrade",
    "btcusdt@aggTrade@",
    "@aggTrade",
    "btcusdt@",
    "btcusdt",
    "@",
    "@@",
    "!",
    "!unknown",
    "!bookTicker@arr",
    "!markPrice@arr@3s",
    "btcusdt@unknownKind",
    "btcusdt@depth15",
    "btcusdt@depth@1000ms",
    "btcusdt@rpiDepth",
    "btcusdt@rpiDepth@100ms",
    "btcusdt@markPrice@1",
    "btcusdt@kline",
    "btcusdt@kline_",
    "btcusdt@kline_2m",
    "btcusdt@continuousKline_1m",
    "btcusdt_weekly@continuousKline_1m",
    "btcusdt_perpetual_x@continuousKline_1m",
    "_perpetual@continuousKline_1m",
    "btcusdt/ethusdt@aggTrade",
    "btcusdt@aggTrade/ethusdt@aggTrade",
    "btc-usdt@aggTrade",
    "btcusdt_@aggTrade",
    "_btcusdt@aggTrade",
    "btc__usdt@aggTrade",
    "btcusdt#@aggTrade",
    "btcusdt%40aggTrade",
    "btcusdt?@aggTrade",
    "tradingSession@arr",
    "btcusdt@tradingSession",
    "btcusdt@contractInfo",
    "!contractInfo@arr",
  ])("rejects %j", (name) => {
    expect(parseStreamName("um", name)).toBeNull();
    expect(parseStreamName("cm", name)).toBeNull();
  });

  it(`rejects names longer than ${MAX_STREAM_NAME_LENGTH} characters`, () => {
    const suffix = "@aggTrade";
    const longest = `${"a".repeat(MAX_STREAM_NAME_LENGTH - suffix.length)}${suffix}`;
    expect(longest).toHaveLength(200);
    expect(kindOf("um", longest)).toBe("aggTrade");
    expect(parseStreamName("um", `a${longest}`)).toBeNull();
    expect(parseStreamName("cm", "x".repeat(10_000))).toBeNull();
  });
});
