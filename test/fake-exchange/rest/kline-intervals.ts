// Binance's kline intervals and where their candles open: fixed sizes from the epoch, weeks from Monday 00:00
// UTC, months from the first of the calendar month.

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
/** 1970-01-01 was a Thursday; weekly candles open on Mondays. */
const MONDAY_OFFSET = 4 * DAY;

/** Interval sizes in ms; "1M" counts as 30 days where a fixed size is needed. */
export const INTERVALS: Readonly<Record<string, number>> = {
  "1m": MINUTE,
  "3m": 3 * MINUTE,
  "5m": 5 * MINUTE,
  "15m": 15 * MINUTE,
  "30m": 30 * MINUTE,
  "1h": 60 * MINUTE,
  "2h": 120 * MINUTE,
  "4h": 240 * MINUTE,
  "6h": 360 * MINUTE,
  "8h": 480 * MINUTE,
  "12h": 720 * MINUTE,
  "1d": DAY,
  "3d": 3 * DAY,
  "1w": 7 * DAY,
  "1M": 30 * DAY,
};

export function isInterval(interval: string): boolean {
  return Object.hasOwn(INTERVALS, interval);
}

/** Open time of the candle of `interval` that contains `time`. */
export function intervalOpen(interval: string, time: number): number {
  if (interval === "1M") {
    const date = new Date(time);
    return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  }
  const size = INTERVALS[interval] ?? MINUTE;
  const offset = interval === "1w" ? MONDAY_OFFSET : 0;
  return Math.floor((time - offset) / size) * size + offset;
}

/** Open time of the candle after the one opening at `open`. */
export function nextOpen(interval: string, open: number): number {
  if (interval === "1M") {
    const date = new Date(open);
    return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  }
  return open + (INTERVALS[interval] ?? MINUTE);
}
