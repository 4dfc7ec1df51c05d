// Checks that every stream-name helper of the stream client (client/stream/names.ts) builds the name Binance
// documents and that the relay's grammar accepts it as the right kind.

import { describe, expect, it } from "vitest";
import { type StreamDescriptor, streams } from "../../../client/index.ts";
import type { Market } from "../../../shared/catalog/types.ts";
import { parseStreamName, type StreamKind } from "../../../shared/streams/names.ts";

type Helper = [market: Market, descriptor: StreamDescriptor<unknown>, name: string, kind: StreamKind];

// Every helper of both markets, with the name the reference connector (reference-connector-ws.tsv) or
// Binance's page gives for the same arguments.
const { um, cm } = streams;
const HELPERS: Record<string, Helper[]> = {
  aggTrade: [
    ["um", um.aggTrade("BTCUSDT"), "btcusdt@aggTrade", "aggTrade"],
    ["cm", cm.aggTrade("BTCUSD_PERP"), "btcusd_perp@aggTrade", "aggTrade"],
  ],
  trade: [
    ["um", um.trade("BTCUSDT"), "btcusdt@trade", "trade"],
    ["cm", cm.trade("BTCUSD_PERP"), "btcusd_perp@trade", "trade"],
  ],
  markPrice: [
    ["um", um.markPrice("BTCUSDT", { speed: "1s" }), "btcusdt@markPrice@1s", "markPrice"],
    ["um", um.markPrice("BTCUSDT"), "btcusdt@markPrice", "markPrice"],
    ["cm", cm.markPrice("BTCUSD_PERP", { speed: "1s" }), "btcusd_perp@markPrice@1s", "markPrice"],
    ["cm", cm.markPrice("BTCUSD_PERP", { speed: "3s" }), "btcusd_perp@markPrice", "markPrice"],
  ],
  allMarkPrice: [
    ["um", um.allMarkPrice({ speed: "1s" }), "!markPrice@arr@1s", "allMarkPrice"],
    ["um", um.allMarkPrice(), "!markPrice@arr", "allMarkPrice"],
    ["cm", cm.allMarkPrice(), "!markPrice@arr", "allMarkPrice"],
  ],
  kline: [
    ["um", um.kline("BTCUSDT", "1M"), "btcusdt@kline_1M", "kline"],
    ["cm", cm.kline("BTCUSD_200626", "1m"), "btcusd_200626@kline_1m", "kline"],
  ],
  continuousKline: [
    [
      "um",
      um.continuousKline("BTCUSDT", "perpetual", "1s"),
      "btcusdt_perpetual@continuousKline_1s",
      "continuousKline",
    ],
    [
      "um",
      um.continuousKline("XAUUSDT", "tradifi_perpetual", "1h"),
      "xauusdt_tradifi_perpetual@continuousKline_1h",
      "continuousKline",
    ],
    [
      "cm",
      cm.continuousKline("BTCUSD", "next_quarter", "1m"),
      "btcusd_next_quarter@continuousKline_1m",
      "continuousKline",
    ],
  ],
  miniTicker: [
    ["um", um.miniTicker("BTCUSDT"), "btcusdt@miniTicker", "miniTicker"],
    ["um", um.miniTicker(), "!miniTicker@arr", "allMiniTicker"],
    ["cm", cm.miniTicker("BTCUSD_PERP"), "btcusd_perp@miniTicker", "miniTicker"],
    ["cm", cm.miniTicker(), "!miniTicker@arr", "allMiniTicker"],
  ],
  ticker: [
    ["um", um.ticker("BTCUSDT"), "btcusdt@ticker", "ticker"],
    ["um", um.ticker(), "!ticker@arr", "allTicker"],
    ["cm", cm.ticker("BTCUSD_PERP"), "btcusd_perp@ticker", "ticker"],
    ["cm", cm.ticker(), "!ticker@arr", "allTicker"],
  ],
  bookTicker: [
    ["um", um.bookTicker("BTCUSDT"), "btcusdt@bookTicker", "bookTicker"],
    ["um", um.bookTicker(), "!bookTicker", "allBookTicker"],
    ["cm", cm.bookTicker("BTCUSD_PERP"), "btcusd_perp@bookTicker", "bookTicker"],
    ["cm", cm.bookTicker(), "!bookTicker", "allBookTicker"],
  ],
  forceOrder: [
    ["um", um.forceOrder("BTCUSDT"), "btcusdt@forceOrder", "forceOrder"],
    ["um", um.forceOrder(), "!forceOrder@arr", "allForceOrder"],
    ["cm", cm.forceOrder("BTCUSD_PERP"), "btcusd_perp@forceOrder", "forceOrder"],
    ["cm", cm.forceOrder(), "!forceOrder@arr", "allForceOrder"],
  ],
  depth: [
    ["um", um.depth("BTCUSDT", { speed: "100ms" }), "btcusdt@depth@100ms", "depth"],
    ["um", um.depth("BTCUSDT", { speed: "250ms" }), "btcusdt@depth", "depth"],
    ["um", um.depth("BTCUSDT"), "btcusdt@depth", "depth"],
    ["cm", cm.depth("BTCUSD_PERP", { speed: "500ms" }), "btcusd_perp@depth@500ms", "depth"],
  ],
  partialDepth: [
    ["um", um.partialDepth("BTCUSDT", 5, { speed: "500ms" }), "btcusdt@depth5@500ms", "partialDepth"],
    ["um", um.partialDepth("BTCUSDT", 20), "btcusdt@depth20", "partialDepth"],
    [
      "cm",
      cm.partialDepth("BTCUSD_PERP", 10, { speed: "100ms" }),
      "btcusd_perp@depth10@100ms",
      "partialDepth",
    ],
  ],
  contractInfo: [
    ["um", um.contractInfo(), "!contractInfo", "contractInfo"],
    ["cm", cm.contractInfo(), "!contractInfo", "contractInfo"],
  ],
  compositeIndex: [["um", um.compositeIndex("DEFIUSDT"), "defiusdt@compositeIndex", "compositeIndex"]],
  assetIndex: [
    ["um", um.assetIndex("ADAUSD"), "adausd@assetIndex", "assetIndex"],
    ["um", um.assetIndex(), "!assetIndex@arr", "allAssetIndex"],
  ],
  rpiDepth: [["um", um.rpiDepth("BTCUSDT"), "btcusdt@rpiDepth@500ms", "rpiDepth"]],
  tradingSession: [["um", um.tradingSession(), "tradingSession", "tradingSession"]],
  indexPrice: [
    ["cm", cm.indexPrice("BTCUSD", { speed: "1s" }), "btcusd@indexPrice@1s", "indexPrice"],
    ["cm", cm.indexPrice("BTCUSD"), "btcusd@indexPrice", "indexPrice"],
  ],
  pairMarkPrice: [
    ["cm", cm.pairMarkPrice("BTCUSD", { speed: "1s" }), "btcusd@markPrice@1s", "markPrice"],
    ["cm", cm.pairMarkPrice("BTCUSD"), "btcusd@markPrice", "markPrice"],
  ],
  indexPriceKline: [
    ["cm", cm.indexPriceKline("BTCUSD", "1m"), "btcusd@indexPriceKline_1m", "indexPriceKline"],
  ],
  markPriceKline: [
    ["cm", cm.markPriceKline("BTCUSD_200626", "1w"), "btcusd_200626@markPriceKline_1w", "markPriceKline"],
  ],
};

describe("stream name helpers", () => {
  it("covers every helper of both markets", () => {
    for (const [market, helpers] of Object.entries(streams)) {
      for (const helper of Object.keys(helpers)) {
        expect(
          HELPERS[helper]?.some(([m]) => m === market),
          `${market}.${helper}`,
        ).toBe(true);
      }
    }
  });

  const rows = Object.values(HELPERS)
    .flat()
    .map(([market, descriptor, name, kind]) => ({ market, descriptor, name, kind }));
  it.each(rows)("$market: $name is a $kind", ({ market, descriptor, name, kind }) => {
    expect(descriptor.name).toBe(name);
    expect(parseStreamName(market, descriptor.name)?.kind).toBe(kind);
  });
});
