// The price chart: TradingView's lightweight-charts, candles from REST history (when a token allows REST) and
// then the live 1-minute kline stream.

import {
  type CandlestickData,
  CandlestickSeries,
  createChart,
  type IChartApi,
  type UTCTimestamp,
} from "lightweight-charts";
import type { Kline } from "../client/index.ts";

export class PriceChart {
  readonly #container: HTMLElement;
  readonly #chart: IChartApi;
  readonly #series;
  readonly #times = new Set<number>();

  constructor(container: HTMLElement) {
    this.#container = container;
    this.#chart = createChart(container, {
      autoSize: true,
      layout: { background: { color: "#161b22" }, textColor: "#d6dde6" },
      grid: { vertLines: { color: "#21262d" }, horzLines: { color: "#21262d" } },
      timeScale: { timeVisible: true, secondsVisible: false },
    });
    this.#series = this.#chart.addSeries(CandlestickSeries, {
      upColor: "#2ebd85",
      downColor: "#f6465d",
      wickUpColor: "#2ebd85",
      wickDownColor: "#f6465d",
      borderVisible: false,
    });
  }

  /** Binance's REST klines: arrays [openTime, open, high, low, close, ...]. */
  history(rows: readonly (readonly unknown[])[]): void {
    const bars = rows.map((row) =>
      bar(Number(row[0]), String(row[1]), String(row[2]), String(row[3]), String(row[4])),
    );
    this.#times.clear();
    for (const b of bars) this.#times.add(b.time);
    this.#series.setData(bars);
    this.#count();
  }

  live(k: Kline): void {
    const next = bar(k.t, k.o, k.h, k.l, k.c);
    this.#times.add(next.time);
    this.#series.update(next);
    this.#count();
  }

  clear(): void {
    this.#times.clear();
    this.#series.setData([]);
    this.#count();
  }

  #count(): void {
    this.#container.dataset.candles = String(this.#times.size);
  }
}

function bar(
  openTime: number,
  open: string,
  high: string,
  low: string,
  close: string,
): CandlestickData & { time: UTCTimestamp } {
  return {
    time: Math.floor(openTime / 1000) as UTCTimestamp,
    open: Number(open),
    high: Number(high),
    low: Number(low),
    close: Number(close),
  };
}
