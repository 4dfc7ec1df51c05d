// REST answers from the simulated market: the same book the diff depth streams describe (lastUpdateId is the
// update id of the last change applied), and klines from the same candles the kline streams send.

import { type Json, rawNumber } from "../json.ts";
import { type KlineRange, klinesOf } from "./candles.ts";
import { topLevels } from "./depth.ts";
import { formatQuote } from "./payloads.ts";
import type { SimSymbol } from "./symbol.ts";
import { formatPrice, formatQty } from "./units.ts";

/** GET depth: the best `limit` levels of each side (fewer when the book is thinner, as on Binance). */
export function simulatedDepth(symbol: SimSymbol, limit: number, now: number): Json {
  const { instrument } = symbol;
  const top = topLevels(symbol.book, limit);
  const level = ([ticks, steps]: [number, number]): Json => [
    formatPrice(instrument, ticks),
    formatQty(instrument, steps),
  ];
  const cm = instrument.market === "cm";
  return {
    lastUpdateId: rawNumber(symbol.ids.update),
    symbol: cm ? instrument.info.symbol : undefined,
    pair: cm ? instrument.info.pair : undefined,
    E: now,
    T: now,
    bids: top.bid.map(level),
    asks: top.ask.map(level),
  };
}

/** GET klines rows: [open time, o, h, l, c, volume, close time, quote volume, trades, taker buy, taker buy quote, "0"]. */
export function simulatedKlines(symbol: SimSymbol, interval: string, range: KlineRange): Json {
  const { instrument } = symbol;
  const price = (ticks: number) => formatPrice(instrument, ticks);
  return klinesOf(symbol.series, interval, range, symbol.clock).map(({ candle, closeTime }) => [
    candle.open,
    price(candle.o),
    price(candle.h),
    price(candle.l),
    price(candle.c),
    formatQty(instrument, candle.v),
    closeTime,
    formatQuote(instrument, candle.q),
    candle.n,
    formatQty(instrument, candle.V),
    formatQuote(instrument, candle.Q),
    "0",
  ]);
}
