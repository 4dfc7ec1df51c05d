// Weight tables Binance documents identically for both futures markets.

/** Klines and the other candle endpoints: LIMIT [1,100) → 1, [100,500) → 2, [500,1000] → 5, > 1000 → 10. */
export const KLINE_WEIGHT = {
  byLimit: [
    [99, 1],
    [499, 2],
    [1000, 5],
    [1500, 10],
  ],
  defaultLimit: 500,
} as const;

/** Order book: limit 5/10/20/50 → 2, 100 → 5, 500 → 10, 1000 → 20. */
export const DEPTH_WEIGHT = {
  byLimit: [
    [50, 2],
    [100, 5],
    [500, 10],
    [1000, 20],
  ],
  defaultLimit: 500,
} as const;
