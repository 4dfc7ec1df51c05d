// Hours of one-minute candles before the simulation starts, so a chart has history at once. Each minute is the
// same walk in 5-second strides (no book, no individual trades); trade counts and volumes are drawn around the
// live rate, and the minutes consume trade ids so the live trades continue the numbering.

import { type Candle, emptyCandle } from "./candles.ts";
import type { SimSymbol } from "./symbol.ts";
import { bounds, walkDelta } from "./symbol.ts";
import { fillQuote } from "./units.ts";

const MINUTE = 60_000;
const STRIDE_SECONDS = 5;

export interface HistoryOptions {
  readonly now: number;
  readonly hours: number;
  readonly tradesPerSecond: number;
}

/** The closed minutes of the last `hours` hours and the current minute (flat at the last close, no trades). */
export function generateHistory(
  symbol: SimSymbol,
  options: HistoryOptions,
): { minutes: Candle[]; current: Candle } {
  const { random, ids, instrument, shape } = symbol;
  const currentOpen = Math.floor(options.now / MINUTE) * MINUTE;
  const [low, high] = bounds(symbol);
  const minutes: Candle[] = [];
  let price = symbol.last.ticks;
  for (let open = currentOpen - options.hours * 60 * MINUTE; open < currentOpen; open += MINUTE) {
    const candle = emptyCandle(open, price);
    for (let stride = 0; stride < 60 / STRIDE_SECONDS; stride++) {
      price += walkDelta(symbol, price, STRIDE_SECONDS);
      candle.h = Math.max(candle.h, price);
      candle.l = Math.min(candle.l, price);
    }
    candle.c = price;
    candle.h = Math.min(high, candle.h + random.int(0, shape.maxGap));
    candle.l = Math.max(low, candle.l - random.int(0, shape.maxGap));
    candle.n = Math.max(1, Math.round(options.tradesPerSecond * 60 * (0.5 + random.next())));
    candle.v = Math.max(candle.n, Math.round(candle.n * symbol.medianFill * (0.6 + 0.8 * random.next())));
    candle.V = Math.round(candle.v * (0.35 + 0.3 * random.next()));
    candle.q = fillQuote(instrument, Math.round((candle.o + candle.c) / 2), candle.v);
    candle.Q = (candle.q * candle.V) / candle.v;
    candle.f = ids.trade;
    candle.L = ids.trade + BigInt(candle.n - 1);
    ids.trade += BigInt(candle.n);
    minutes.push(candle);
  }
  return { minutes, current: emptyCandle(currentOpen, price) };
}
