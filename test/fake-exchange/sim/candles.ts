// One-minute candles of a simulated symbol, built from its trades; every other interval, the 24-hour ticker
// and REST klines are aggregated from them, so streams and REST agree by construction.

import { intervalOpen, nextOpen } from "../rest/kline-intervals.ts";

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
/** Minutes kept: a week, so a long-running dev server stays bounded. */
const KEEP_MINUTES = 7 * 1440;

export interface Candle {
  /** Open time (ms). */
  open: number;
  /** Open, high, low and close in ticks. */
  o: number;
  h: number;
  l: number;
  c: number;
  /** Volume in quantity steps, and taker-buy volume. */
  v: number;
  V: number;
  /** Quote volume (base volume on COIN-M), and its taker-buy part. */
  q: number;
  Q: number;
  /** Number of trades and the first and last trade ids (null while there are none). */
  n: number;
  f: bigint | null;
  L: bigint | null;
}

export interface CandleSeries {
  /** Closed minutes, oldest first. */
  readonly minutes: Candle[];
  current: Candle;
}

export interface Fill {
  readonly at: number;
  readonly ticks: number;
  readonly steps: number;
  readonly quote: number;
  readonly takerBuy: boolean;
  readonly id: bigint;
}

export function emptyCandle(open: number, ticks: number): Candle {
  return { open, o: ticks, h: ticks, l: ticks, c: ticks, v: 0, V: 0, q: 0, Q: 0, n: 0, f: null, L: null };
}

export function createSeries(minutes: Candle[], now: number, ticks: number): CandleSeries {
  return { minutes, current: emptyCandle(Math.floor(now / MINUTE) * MINUTE, ticks) };
}

/** Closes every minute that ended by `now` (minutes without trades stay flat at the last close). */
export function rollTo(series: CandleSeries, now: number): void {
  const open = Math.floor(now / MINUTE) * MINUTE;
  while (series.current.open < open) {
    series.minutes.push(series.current);
    series.current = emptyCandle(series.current.open + MINUTE, series.current.c);
  }
  if (series.minutes.length > KEEP_MINUTES) series.minutes.splice(0, series.minutes.length - KEEP_MINUTES);
}

export function addFill(series: CandleSeries, fill: Fill): void {
  rollTo(series, fill.at);
  const candle = series.current;
  if (candle.n === 0) {
    candle.o = fill.ticks;
    candle.h = fill.ticks;
    candle.l = fill.ticks;
    candle.f = fill.id;
  }
  candle.h = Math.max(candle.h, fill.ticks);
  candle.l = Math.min(candle.l, fill.ticks);
  candle.c = fill.ticks;
  candle.v += fill.steps;
  candle.q += fill.quote;
  if (fill.takerBuy) {
    candle.V += fill.steps;
    candle.Q += fill.quote;
  }
  candle.n += 1;
  candle.L = fill.id;
}

/** One candle over consecutive minutes (open time from the first; an empty list is not allowed). */
export function aggregate(open: number, minutes: readonly Candle[]): Candle {
  const first = minutes[0];
  if (first === undefined) throw new Error("no candles to aggregate");
  const total = { ...first, open };
  for (const candle of minutes.slice(1)) {
    total.h = Math.max(total.h, candle.h);
    total.l = Math.min(total.l, candle.l);
    total.c = candle.c;
    total.v += candle.v;
    total.V += candle.V;
    total.q += candle.q;
    total.Q += candle.Q;
    total.n += candle.n;
    total.f ??= candle.f;
    total.L = candle.L ?? total.L;
  }
  return total;
}

export interface KlineRange {
  startTime?: number;
  endTime?: number;
  limit: number;
}

export interface Kline {
  candle: Candle;
  closeTime: number;
}

/** The minutes (closed and current) opening at or after `since`. */
function minutesFrom(series: CandleSeries, since: number): Candle[] {
  let low = 0;
  let high = series.minutes.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((series.minutes[middle]?.open ?? 0) < since) low = middle + 1;
    else high = middle;
  }
  return [...series.minutes.slice(low), series.current];
}

/** Candles of `interval` as GET klines selects them: from startTime on, else the latest up to endTime. */
export function klinesOf(series: CandleSeries, interval: string, range: KlineRange, now: number): Kline[] {
  rollTo(series, now);
  const groups: { open: number; minutes: Candle[] }[] = [];
  // A candle opening at or after startTime holds only minutes opening at or after it.
  for (const minute of minutesFrom(series, range.startTime ?? 0)) {
    const open = intervalOpen(interval, minute.open);
    const last = groups.at(-1);
    if (last?.open === open) last.minutes.push(minute);
    else groups.push({ open, minutes: [minute] });
  }
  const chosen = groups.filter(
    (group) =>
      (range.startTime === undefined || group.open >= range.startTime) &&
      (range.endTime === undefined || group.open <= range.endTime),
  );
  const limited = range.startTime === undefined ? chosen.slice(-range.limit) : chosen.slice(0, range.limit);
  return limited.map((group) => ({
    candle: aggregate(group.open, group.minutes),
    closeTime: nextOpen(interval, group.open) - 1,
  }));
}

/** The current candle of `interval` at `now`. */
export function currentKline(series: CandleSeries, interval: string, now: number): Kline {
  const open = intervalOpen(interval, now);
  const [latest] = klinesOf(series, interval, { startTime: open, limit: 1 }, now);
  return latest ?? { candle: emptyCandle(open, series.current.c), closeTime: nextOpen(interval, open) - 1 };
}

/** The candle of `interval` that opened at `open` (closed by now). */
export function klineAt(series: CandleSeries, interval: string, open: number, now: number): Kline | null {
  const [found] = klinesOf(series, interval, { startTime: open, endTime: open, limit: 1 }, now);
  return found ?? null;
}

/** The rolling 24 hours as one candle, at minute granularity (open time 24 h ago). */
export function dayStats(series: CandleSeries, now: number): Candle {
  rollTo(series, now);
  const since = now - DAY;
  return aggregate(since, minutesFrom(series, since - MINUTE + 1));
}
