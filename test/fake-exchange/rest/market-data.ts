// Public market data: ping, time, klines, depth, ticker/price, premiumIndex (deterministic, plausible values
// around each symbol's current price; klines and depth of a simulated symbol come from the simulated market).

import { fixedDecimal } from "../decimal.ts";
import { type Json, rawNumber } from "../json.ts";
import { simulatedDepth, simulatedKlines } from "../sim/rest.ts";
import type { HandlerContext } from "../state.ts";
import { INTERVALS } from "./kline-intervals.ts";
import { param } from "./params.ts";
import { withCurrentPrice } from "./prices.ts";
import { errors, isReply, okJson, type Reply } from "./replies.ts";
import { findSymbol, SYMBOLS, type SymbolInfo } from "./symbols.ts";

const MINUTE = 60_000;
const DEPTH_LIMITS = new Set([5, 10, 20, 50, 100, 500, 1000]);

export function ping(): Reply {
  return okJson({});
}

export function time(context: HandlerContext): Reply {
  return okJson({ serverTime: context.now });
}

function requiredSymbol(context: HandlerContext): SymbolInfo | Reply {
  const symbol = param(context.params, "symbol");
  if (symbol === undefined) return errors.mandatory("symbol");
  const info = findSymbol(context.market, symbol);
  return info === undefined
    ? errors.invalidSymbol()
    : withCurrentPrice(context.state.prices, context.market, info);
}

/** The market's symbols with their current prices. */
function currentSymbols(context: HandlerContext): SymbolInfo[] {
  return SYMBOLS[context.market].map((info) => withCurrentPrice(context.state.prices, context.market, info));
}

function integerParam(context: HandlerContext, name: string): number | undefined | null {
  const text = param(context.params, name);
  if (text === undefined) return undefined;
  return /^\d{1,15}$/.test(text) ? Number(text) : null;
}

/** A price near the symbol's fixed price that wanders with `step`. */
function priceAt(info: SymbolInfo, step: number, offsetTicks: number): string {
  const tick = Number(info.tickSize);
  const wave = ((step * 37) % 200) - 100;
  return (Number(info.price) + (wave + offsetTicks) * tick).toFixed(info.pricePrecision);
}

export function klines(context: HandlerContext): Reply {
  const info = requiredSymbol(context);
  if (isReply(info)) return info;
  const interval = param(context.params, "interval");
  if (interval === undefined) return errors.mandatory("interval");
  const size = INTERVALS[interval];
  if (size === undefined) return errors.invalidInterval();
  const limit = integerParam(context, "limit");
  const startTime = integerParam(context, "startTime");
  const endTime = integerParam(context, "endTime");
  if (limit === null || (limit !== undefined && (limit < 1 || limit > 1500)))
    return errors.invalidParam("limit");
  if (startTime === null || endTime === null)
    return errors.invalidParam(startTime === null ? "startTime" : "endTime");
  const count = limit ?? 500;
  const simulated = context.state.simulation?.find(context.market, info.symbol);
  if (simulated !== undefined) {
    const range = { startTime, endTime, limit: count };
    return okJson(simulatedKlines(simulated, interval, range));
  }
  const lastOpen = Math.floor(Math.min(endTime ?? context.now, context.now) / size) * size;
  const firstOpen =
    startTime === undefined ? lastOpen - (count - 1) * size : Math.ceil(startTime / size) * size;
  const rows: Json[] = [];
  for (let open = firstOpen; open <= lastOpen && rows.length < count; open += size) {
    const step = Math.floor(open / size);
    const volume = (10 + (step % 17)).toFixed(3);
    rows.push([
      open,
      priceAt(info, step, 0),
      priceAt(info, step, 5),
      priceAt(info, step, -5),
      priceAt(info, step, 3),
      volume,
      open + size - 1,
      (Number(volume) * Number(info.price)).toFixed(5),
      100 + (step % 50),
      (Number(volume) / 2).toFixed(3),
      ((Number(volume) / 2) * Number(info.price)).toFixed(5),
      "0",
    ]);
  }
  return okJson(rows);
}

export function depth(context: HandlerContext): Reply {
  const info = requiredSymbol(context);
  if (isReply(info)) return info;
  const limitText = param(context.params, "limit") ?? "500";
  const limit = Number(limitText);
  if (!DEPTH_LIMITS.has(limit)) return errors.invalidDepthLimit(limitText);
  const simulated = context.state.simulation?.find(context.market, info.symbol);
  if (simulated !== undefined) return okJson(simulatedDepth(simulated, limit, context.now));
  const level = (index: number, side: 1 | -1): Json => [
    priceAt(info, 0, side * (index + 1) + 100),
    (1 + ((index * 7) % 13)).toFixed(info.quantityPrecision),
  ];
  const bids = Array.from({ length: limit }, (_, index) => level(index, -1));
  const asks = Array.from({ length: limit }, (_, index) => level(index, 1));
  const cm = context.market === "cm";
  return okJson({
    lastUpdateId: rawNumber(String(context.now * 1000 + 7)),
    symbol: cm ? info.symbol : undefined,
    pair: cm ? info.pair : undefined,
    E: context.now,
    T: context.now,
    bids,
    asks,
  });
}

export function tickerPrice(context: HandlerContext): Reply {
  const symbol = param(context.params, "symbol");
  const pair = param(context.params, "pair");
  const all = currentSymbols(context);
  if (symbol !== undefined && findSymbol(context.market, symbol) === undefined) return errors.invalidSymbol();
  const chosen = all.filter(
    (info) => (symbol === undefined || info.symbol === symbol) && (pair === undefined || info.pair === pair),
  );
  if (context.market === "cm") {
    // COIN-M always answers with an array and adds the pair as "ps".
    return okJson(
      chosen.map((info) => ({ symbol: info.symbol, ps: info.pair, price: info.price, time: context.now })),
    );
  }
  const items = chosen.map((info) => ({ symbol: info.symbol, price: info.price, time: context.now }));
  return okJson(symbol === undefined ? items : (items[0] ?? null));
}

const EIGHT_HOURS = 8 * 60 * MINUTE;

/**
 * GET premiumIndex: mark and index price (the current price), funding rate and next funding time. USDⓈ-M
 * answers one object for a symbol and an array without; COIN-M always an array (filtered by symbol or pair).
 */
export function premiumIndex(context: HandlerContext): Reply {
  const symbol = param(context.params, "symbol");
  const pair = param(context.params, "pair");
  if (symbol !== undefined && findSymbol(context.market, symbol) === undefined) return errors.invalidSymbol();
  const chosen = currentSymbols(context).filter(
    (info) => (symbol === undefined || info.symbol === symbol) && (pair === undefined || info.pair === pair),
  );
  const nextFundingTime = (Math.floor(context.now / EIGHT_HOURS) + 1) * EIGHT_HOURS;
  const cm = context.market === "cm";
  const items = chosen.map((info) => ({
    symbol: info.symbol,
    pair: cm ? info.pair : undefined,
    markPrice: fixedDecimal(info.price, 8),
    indexPrice: fixedDecimal(info.price, 8),
    estimatedSettlePrice: fixedDecimal(info.price, 8),
    lastFundingRate: "0.00010000",
    interestRate: "0.00010000",
    nextFundingTime,
    time: context.now,
  }));
  return okJson(cm || symbol === undefined ? items : (items[0] ?? null));
}
