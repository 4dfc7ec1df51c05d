// The fake exchange's simulated trades and candles: klines made of the trades, REST history ending in the
// current candle, tick-aligned prices in range, and a candle closing with x=true (time injected).

import { describe, expect, it } from "vitest";
import {
  type Event,
  fake,
  getJson,
  id,
  listen,
  useSimulatedExchange,
  waitUntil,
} from "../../support/fake-sim-harness.ts";
import { isMultipleOf } from "../decimal.ts";
import type { Market } from "../index.ts";
import { findSymbol } from "../rest/symbols.ts";
import { emitCadence, type Feed } from "./streams.ts";
import { createSymbol, step } from "./symbol.ts";
import { formatPrice, instrumentOf } from "./units.ts";

useSimulatedExchange();

describe("trades and candles", () => {
  it("sends klines whose close is the last trade's price and whose last trade id is the last aggTrade's", async () => {
    const feed = await listen(
      fake,
      "/market/stream?streams=btcusdt@aggTrade/btcusdt@kline_1m/btcusdt@kline_5m",
    );
    const pairs: { kline: Record<string, unknown>; trade: Event }[] = [];
    // Each kline is paired with the last trade before its close that arrived before it on the same connection
    // (a closing candle, x=true, may follow a trade of the next minute).
    feed.socket.on("message", (data) => {
      const frame = JSON.parse(String(data)) as { data: { k?: Record<string, unknown> } };
      const kline = frame.data.k;
      if (kline === undefined) return;
      const trade = feed.events("btcusdt@aggTrade").findLast((event) => Number(event.T) <= Number(kline.T));
      if (trade !== undefined) pairs.push({ kline, trade });
    });
    await waitUntil(() => pairs.length >= 10);
    for (const { kline, trade } of pairs) {
      expect(kline.c).toBe(trade.p);
      if (kline.n !== 0) expect(kline.L).toBe(trade.l);
    }
    const ids = feed.events("btcusdt@aggTrade").map((event) => id(event, "a"));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("answers REST klines with hours of history ending in the current candle at the last price", async () => {
    const rows = await getJson<(string | number)[][]>(
      fake,
      "/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=1500",
    );
    expect(rows.length).toBeGreaterThanOrEqual(24 * 60);
    rows.forEach((row, index) => {
      const before = rows[index - 1];
      if (before !== undefined) expect(row[0]).toBe(Number(before[0]) + 60_000);
    });
    const hourly = await getJson<(string | number)[][]>(
      fake,
      "/fapi/v1/klines?symbol=BTCUSDT&interval=1h&limit=30",
    );
    expect(hourly.length).toBeGreaterThanOrEqual(24);
    for (let attempt = 0; ; attempt++) {
      const [current] = await getJson<(string | number)[][]>(
        fake,
        "/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=1",
      );
      const price = await getJson<{ price: string }>(fake, "/fapi/v1/ticker/price?symbol=BTCUSDT");
      // A trade may land between the two requests; the next try sees both agree.
      if (current?.[4] === price.price || attempt === 20) {
        expect(current?.[4]).toBe(price.price);
        break;
      }
    }
  });

  it("keeps prices tick-aligned and within 0.8x to 1.25x of the start, in history and live", async () => {
    const cases: [Market, string, string][] = [
      ["um", "BTCUSDT", "/fapi"],
      ["um", "ETHUSDT", "/fapi"],
      ["cm", "BTCUSD_PERP", "/dapi"],
    ];
    const feed = await listen(fake, "/market/stream?streams=btcusdt@aggTrade/ethusdt@aggTrade");
    for (const [market, symbol, prefix] of cases) {
      const info = findSymbol(market, symbol);
      if (info === undefined) throw new Error(symbol);
      const inRange = (price: string) => {
        expect(isMultipleOf(price, info.tickSize), price).toBe(true);
        expect(Number(price)).toBeGreaterThanOrEqual(Number(info.price) * 0.8);
        expect(Number(price)).toBeLessThanOrEqual(Number(info.price) * 1.25);
      };
      const rows = await getJson<string[][]>(
        fake,
        `${prefix}/v1/klines?symbol=${symbol}&interval=1m&limit=1500`,
      );
      for (const row of rows) {
        const [, open = "", high = "", low = "", close = ""] = row;
        for (const price of [open, high, low, close]) inRange(price);
        expect(Number(high)).toBeGreaterThanOrEqual(Math.max(Number(open), Number(close)));
        expect(Number(low)).toBeLessThanOrEqual(Math.min(Number(open), Number(close)));
      }
      if (market === "um") {
        await waitUntil(() => feed.events(`${symbol.toLowerCase()}@aggTrade`).length >= 3);
        for (const event of feed.events(`${symbol.toLowerCase()}@aggTrade`)) inRange(String(event.p));
      }
    }
  });

  it("closes a candle with x=true carrying the minute's last trade, then opens the next (time injected)", () => {
    const info = findSymbol("um", "BTCUSDT");
    if (info === undefined) throw new Error("BTCUSDT");
    const minute = Date.UTC(2026, 0, 5, 12, 30);
    const symbol = createSymbol({
      instrument: instrumentOf("um", info),
      seed: 5,
      tradesPerSecond: 8,
      ids: { trade: 1n, agg: 1n, update: 1n },
      now: minute + 58_000,
      historyHours: 1,
    });
    const sent: string[] = [];
    const feed: Feed = {
      streams: { um: new Set(["btcusdt@kline_1m"]), cm: new Set() },
      emit: (_market, _stream, payload) => sent.push(payload),
      klineOpens: new Map(),
    };
    let last = step(symbol, minute + 59_000);
    last = step(symbol, minute + 59_900);
    emitCadence(feed, [symbol], 250, minute + 59_950);
    const next = step(symbol, minute + 60_100);
    emitCadence(feed, [symbol], 250, minute + 60_250);
    const candles = sent.map((text) => (JSON.parse(text) as { k: Record<string, unknown> }).k);
    expect(candles.map((k) => [k.t, k.x])).toEqual([
      [minute, false],
      [minute, true],
      [minute + 60_000, false],
    ]);
    expect(candles[1]).toMatchObject({ c: formatPrice(symbol.instrument, last.ticks), T: minute + 59_999 });
    expect(candles[1]?.L).toBe(Number(last.fills.at(-1)?.id));
    expect(candles[2]).toMatchObject({ n: next.fills.length, o: formatPrice(symbol.instrument, next.ticks) });
  });
});
