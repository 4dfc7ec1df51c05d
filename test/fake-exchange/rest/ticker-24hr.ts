// GET ticker/24hr: rolling 24-hour statistics. Simulated symbols answer from their candles (the same numbers
// as the @ticker stream); others answer flat at their current price with no trades.

import { type Json, rawNumber } from "../json.ts";
import { dayStats } from "../sim/candles.ts";
import { formatQuote, weightedAverage } from "../sim/payloads.ts";
import type { SimSymbol } from "../sim/symbol.ts";
import { formatPrice, formatQty } from "../sim/units.ts";
import type { HandlerContext } from "../state.ts";
import { param } from "./params.ts";
import { currentPrice } from "./prices.ts";
import { errors, okJson, type Reply } from "./replies.ts";
import { findSymbol, SYMBOLS, type SymbolInfo } from "./symbols.ts";

const DAY = 86_400_000;

type Stats = Record<string, Json>;

function simulatedStats(symbol: SimSymbol): Stats {
  const { instrument } = symbol;
  const day = dayStats(symbol.series, symbol.clock);
  const price = (ticks: number) => formatPrice(instrument, ticks);
  return {
    priceChange: price(day.c - day.o),
    priceChangePercent: (((day.c - day.o) / day.o) * 100).toFixed(3),
    weightedAvgPrice: weightedAverage(instrument, day),
    lastPrice: price(day.c),
    lastQty: formatQty(instrument, symbol.last.steps),
    openPrice: price(day.o),
    highPrice: price(day.h),
    lowPrice: price(day.l),
    volume: formatQty(instrument, day.v),
    [instrument.market === "um" ? "quoteVolume" : "baseVolume"]: formatQuote(instrument, day.q),
    openTime: day.open,
    closeTime: symbol.clock,
    firstId: rawNumber(day.f ?? -1n),
    lastId: rawNumber(day.L ?? -1n),
    count: day.n,
  };
}

function flatStats(context: HandlerContext, info: SymbolInfo): Stats {
  const price = currentPrice(context.state.prices, context.market, info);
  const zero = (0).toFixed(info.pricePrecision);
  return {
    priceChange: zero,
    priceChangePercent: "0.000",
    weightedAvgPrice: price,
    lastPrice: price,
    lastQty: (0).toFixed(info.quantityPrecision),
    openPrice: price,
    highPrice: price,
    lowPrice: price,
    volume: (0).toFixed(info.quantityPrecision),
    [context.market === "um" ? "quoteVolume" : "baseVolume"]: "0",
    openTime: context.now - DAY,
    closeTime: context.now,
    firstId: -1,
    lastId: -1,
    count: 0,
  };
}

/** USDⓈ-M answers one object for a symbol and an array without; COIN-M always an array (by symbol or pair). */
export function ticker24hr(context: HandlerContext): Reply {
  const symbol = param(context.params, "symbol");
  const pair = param(context.params, "pair");
  if (symbol !== undefined && findSymbol(context.market, symbol) === undefined) return errors.invalidSymbol();
  const cm = context.market === "cm";
  const items = SYMBOLS[context.market]
    .filter(
      (info) =>
        (symbol === undefined || info.symbol === symbol) && (pair === undefined || info.pair === pair),
    )
    .map((info) => {
      const simulated = context.state.simulation?.find(context.market, info.symbol);
      const stats = simulated === undefined ? flatStats(context, info) : simulatedStats(simulated);
      return { symbol: info.symbol, pair: cm ? info.pair : undefined, ...stats };
    });
  return okJson(cm || symbol === undefined ? items : (items[0] ?? null));
}
