// The fake exchange's simulated market: opt-in, seeded, and consistent between streams and REST the way
// Binance's own data is (diff depth continuity, snapshots that rebuild the book, klines made of the trades).

import { createHmac } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { isMultipleOf } from "../fake-exchange/decimal.ts";
import { type FakeExchange, type Market, startFakeExchange } from "../fake-exchange/index.ts";
import { emitCadence, type Feed } from "../fake-exchange/sim-streams.ts";
import { createSymbol, step } from "../fake-exchange/sim-symbol.ts";
import { formatPrice, instrumentOf } from "../fake-exchange/sim-units.ts";
import { findSymbol } from "../fake-exchange/symbols.ts";
import { fakeControl } from "../support/fake-control.ts";

type Event = Record<string, unknown>;
type Level = [string, string];

interface Listener {
  socket: WebSocket;
  /** Events per stream, in arrival order (combined framing unwrapped). */
  events(stream: string): Event[];
  count(): number;
}

const HMAC = { apiKey: "sim-test-key", secret: "sim-test-secret" };
const fakes: FakeExchange[] = [];
const sockets: WebSocket[] = [];
let fake: FakeExchange;

async function startFake(options: Parameters<typeof startFakeExchange>[0] = {}): Promise<FakeExchange> {
  const started = await startFakeExchange(options);
  fakes.push(started);
  return started;
}

beforeAll(async () => {
  fake = await startFake({ simulate: { seed: 11, tradesPerSecond: 4 } });
  fake.registerKey({ ...HMAC, type: "hmac" });
});

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.terminate();
});

afterAll(async () => {
  await Promise.all(fakes.map((item) => item.close()));
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for a condition");
    await sleep(10);
  }
}

/** A combined-stream connection to `path` (e.g. "/public/stream?streams=a/b") that records every event. */
async function listen(on: FakeExchange, path: string): Promise<Listener> {
  const socket = new WebSocket(`${on.wsUrl}${path}`);
  sockets.push(socket);
  const byStream = new Map<string, Event[]>();
  let count = 0;
  socket.on("message", (data) => {
    const frame = JSON.parse(String(data)) as { stream?: string; data?: Event };
    if (frame.stream === undefined || frame.data === undefined) return;
    count++;
    const list = byStream.get(frame.stream) ?? [];
    list.push(frame.data);
    byStream.set(frame.stream, list);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return { socket, events: (stream) => byStream.get(stream) ?? [], count: () => count };
}

async function getJson<T>(on: FakeExchange, pathAndQuery: string): Promise<T> {
  return (await (await fetch(`${on.url}${pathAndQuery}`)).json()) as T;
}

const id = (event: Event, name: string): number => {
  const value = event[name];
  if (typeof value !== "number" || !Number.isSafeInteger(value))
    throw new Error(`${name} is no safe integer`);
  return value;
};

interface Snapshot {
  lastUpdateId: number;
  bids: Level[];
  asks: Level[];
}

interface LocalBook {
  bids: Map<string, string>;
  asks: Map<string, string>;
}

function bookOf(snapshot: Snapshot): LocalBook {
  return { bids: new Map(snapshot.bids), asks: new Map(snapshot.asks) };
}

function applyLevels(side: Map<string, string>, levels: Level[]): void {
  for (const [price, qty] of levels) {
    if (Number(qty) === 0) side.delete(price);
    else side.set(price, qty);
  }
}

function sorted(side: Map<string, string>): Level[] {
  return [...side.entries()].sort((a, b) => Number(a[0]) - Number(b[0]));
}

/**
 * Binance's procedure for a local book: buffer the stream, take a snapshot, drop events with u < lastUpdateId,
 * start at the event with U <= lastUpdateId <= u, then require pu = previous u. Then takes later snapshots until
 * one was taken right after an event (lastUpdateId equals its u) and compares the rebuilt book with it.
 * Returns how many events after the first snapshot it applied.
 */
async function rebuildBook(
  on: FakeExchange,
  wsPath: string,
  stream: string,
  restPath: string,
): Promise<number> {
  const feed = await listen(on, wsPath);
  await waitUntil(() => feed.events(stream).length >= 2);
  const first = await getJson<Snapshot>(on, restPath);
  const book = bookOf(first);
  let next = 0;
  let previous: number | null = null;
  let applied = 0;
  const applyThrough = (last: number): void => {
    const events = feed.events(stream);
    for (; next <= last; next++) {
      const event = events[next];
      if (event === undefined) throw new Error("no such event");
      if (previous === null) {
        if (id(event, "u") < first.lastUpdateId) continue;
        expect(id(event, "U")).toBeLessThanOrEqual(first.lastUpdateId);
      } else {
        expect(id(event, "pu")).toBe(previous);
      }
      applyLevels(book.bids, event.b as Level[]);
      applyLevels(book.asks, event.a as Level[]);
      previous = id(event, "u");
      if (previous > first.lastUpdateId) applied++;
    }
  };
  // Let several steps change the book before the later snapshot.
  await sleep(1200);
  for (let attempt = 0; attempt < 60; attempt++) {
    await sleep(20 + attempt * 7);
    const later = await getJson<Snapshot>(on, restPath);
    await waitUntil(() => feed.events(stream).some((event) => id(event, "u") >= later.lastUpdateId));
    const match = feed.events(stream).findIndex((event) => id(event, "u") === later.lastUpdateId);
    if (match < next) continue;
    applyThrough(match);
    expect(sorted(book.bids)).toEqual(sorted(bookOf(later).bids));
    expect(sorted(book.asks)).toEqual(sorted(bookOf(later).asks));
    return applied;
  }
  throw new Error("no snapshot lined up with an event");
}

describe("off by default", () => {
  it("leaves streams silent until published and REST at the fixed prices and payloads", async () => {
    const plain = await startFake();
    expect(plain.simulationStatus().on).toBe(false);
    const feed = await listen(plain, "/market/stream?streams=btcusdt@aggTrade");
    await sleep(300);
    expect(feed.count()).toBe(0);
    const [seq] = plain.streams.publish("btcusdt@aggTrade");
    await waitUntil(() => feed.count() === 1);
    expect(feed.events("btcusdt@aggTrade")[0]).toMatchObject({ a: Number(seq), p: "60000.10", q: "0.001" });
    const price = await getJson<{ price: string }>(plain, "/fapi/v1/ticker/price?symbol=BTCUSDT");
    expect(price.price).toBe("60000.00");
    const depth = await getJson<Snapshot>(plain, "/fapi/v1/depth?symbol=BTCUSDT&limit=5");
    expect(depth.bids[0]).toEqual(["59999.90", "1.000"]);
  });
});

describe("diff depth", () => {
  it("chains pu to the previous event's u on every speed, USDⓈ-M and COIN-M", async () => {
    const fast = await startFake({ simulate: { seed: 4, tradesPerSecond: 20 } });
    const um = await listen(
      fast,
      "/public/stream?streams=btcusdt@depth@100ms/btcusdt@depth/btcusdt@depth@500ms",
    );
    const cm = await listen(fast, "/dstream/stream?streams=btcusd_perp@depth@100ms");
    const streams: [Listener, string, number][] = [
      [um, "btcusdt@depth@100ms", 15],
      [um, "btcusdt@depth", 6],
      [um, "btcusdt@depth@500ms", 3],
      [cm, "btcusd_perp@depth@100ms", 15],
    ];
    await waitUntil(() => streams.every(([feed, stream, least]) => feed.events(stream).length >= least));
    fast.stopSimulation();
    for (const [feed, stream] of streams) {
      const events = feed.events(stream);
      events.forEach((event, index) => {
        expect(id(event, "U")).toBeGreaterThan(id(event, "pu"));
        expect(id(event, "U")).toBeLessThanOrEqual(id(event, "u"));
        const before = events[index - 1];
        if (before !== undefined) expect(id(event, "pu")).toBe(id(before, "u"));
      });
    }
    expect(cm.events("btcusd_perp@depth@100ms")[0]).toMatchObject({
      e: "depthUpdate",
      s: "BTCUSD_PERP",
      ps: "BTCUSD",
    });
  });

  it("rebuilds from a REST snapshot and buffered events exactly the book of a later snapshot", async () => {
    const umApplied = await rebuildBook(
      fake,
      "/public/stream?streams=btcusdt@depth@100ms",
      "btcusdt@depth@100ms",
      "/fapi/v1/depth?symbol=BTCUSDT&limit=1000",
    );
    const cmApplied = await rebuildBook(
      fake,
      "/dstream/stream?streams=btcusd_perp@depth@100ms",
      "btcusd_perp@depth@100ms",
      "/dapi/v1/depth?symbol=BTCUSD_PERP&limit=1000",
    );
    // Events that changed the book after the first snapshot, not just the one it already held.
    expect(umApplied).toBeGreaterThanOrEqual(3);
    expect(cmApplied).toBeGreaterThanOrEqual(3);
  });

  it("keeps at least 20 levels a side, best bid below best ask, in snapshots and partial depth", async () => {
    const snapshot = await getJson<Snapshot>(fake, "/fapi/v1/depth?symbol=ETHUSDT&limit=100");
    expect(snapshot.bids.length).toBeGreaterThanOrEqual(20);
    expect(snapshot.asks.length).toBeGreaterThanOrEqual(20);
    expect(Number(snapshot.bids[0]?.[0])).toBeLessThan(Number(snapshot.asks[0]?.[0]));
    const feed = await listen(fake, "/public/stream?streams=ethusdt@depth20@100ms/ethusdt@bookTicker");
    await waitUntil(() => feed.events("ethusdt@depth20@100ms").length >= 3);
    for (const event of feed.events("ethusdt@depth20@100ms")) {
      expect((event.b as Level[]).length).toBe(20);
      expect((event.a as Level[]).length).toBe(20);
      expect(Number((event.b as Level[])[0]?.[0])).toBeLessThan(Number((event.a as Level[])[0]?.[0]));
    }
    await waitUntil(() => feed.events("ethusdt@bookTicker").length >= 1);
    expect(feed.events("ethusdt@bookTicker")[0]).toMatchObject({ e: "bookTicker", s: "ETHUSDT" });
  });
});

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

describe("control and integration", () => {
  it("starts, stops and reports over the control API, and reset turns a runtime simulation off", async () => {
    const other = await startFake();
    const control = fakeControl(other.url);
    const started = await control.simulate({ on: true, symbols: ["ETHUSDT"], seed: 3, tradesPerSecond: 20 });
    expect(started).toMatchObject({ on: true, symbols: ["ETHUSDT"], seed: 3, tradesPerSecond: 20 });
    const feed = await listen(
      other,
      "/market/stream?streams=ethusdt@aggTrade/ethusdt@markPrice@1s/btcusdt@aggTrade",
    );
    await waitUntil(
      () => feed.events("ethusdt@markPrice@1s").length >= 1 && feed.events("ethusdt@aggTrade").length >= 3,
    );
    expect(feed.events("btcusdt@aggTrade")).toEqual([]);
    const mark = feed.events("ethusdt@markPrice@1s")[0];
    expect(mark).toMatchObject({ e: "markPriceUpdate", s: "ETHUSDT", r: "0.00010000" });
    expect(Object.keys(mark ?? {})).toEqual(["e", "E", "s", "p", "ap", "P", "i", "r", "T"]);
    expect((await control.simulation()).prices.ETHUSDT).toMatch(/^\d+\.\d{2}$/);
    await control.simulate({ on: false });
    await sleep(100);
    const after = feed.count();
    await sleep(400);
    expect(feed.count()).toBe(after);
    expect((await control.simulation()).on).toBe(false);
    expect((await getJson<{ price: string }>(other, "/fapi/v1/ticker/price?symbol=ETHUSDT")).price).toBe(
      "3000.00",
    );
    await control.simulate({ on: true });
    await control.reset();
    expect((await control.simulation()).on).toBe(false);
    await expect(control.simulate({ on: true, symbols: ["NOPEUSDT"] })).rejects.toThrow(/400/);
  });

  it("restarts a start-option simulation on reset", async () => {
    const started = await startFake({ simulate: { symbols: ["BTCUSD_PERP"], seed: 9 } });
    started.reset();
    expect(started.simulationStatus()).toMatchObject({ on: true, symbols: ["BTCUSD_PERP"], seed: 9 });
    const ticker = await getJson<Event[]>(started, "/dapi/v1/ticker/24hr?symbol=BTCUSD_PERP");
    expect(ticker[0]).toMatchObject({ symbol: "BTCUSD_PERP", pair: "BTCUSD" });
    expect(Number(ticker[0]?.count)).toBeGreaterThan(1000);
  });

  it("fills MARKET orders at the simulated price and follows a price a test sets", async () => {
    const before = fake.simulationStatus().prices.BTCUSDT;
    const payload = `symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.010&timestamp=${fake.serverTime()}`;
    const signature = createHmac("sha256", HMAC.secret).update(payload).digest("hex");
    const response = await fetch(`${fake.url}/fapi/v1/order?${payload}&signature=${signature}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": HMAC.apiKey },
    });
    const order = (await response.json()) as { avgPrice: string; status: string };
    const after = fake.simulationStatus().prices.BTCUSDT;
    expect(order.status).toBe("FILLED");
    expect([before, after]).toContain(order.avgPrice);

    fake.setPrice("um", "ETHUSDT", "3300.00");
    const feed = await listen(fake, "/market/stream?streams=ethusdt@aggTrade");
    await waitUntil(() => feed.events("ethusdt@aggTrade").length >= 2);
    for (const event of feed.events("ethusdt@aggTrade"))
      expect(Math.abs(Number(event.p) - 3300)).toBeLessThan(30);
  });

  it("loses events on a dropped connection and sends none to a stalled one", async () => {
    const dropped = await listen(fake, "/market/stream?streams=btcusdt@aggTrade");
    const stalled = await listen(fake, "/market/stream?streams=ethusdt@aggTrade");
    await waitUntil(() => dropped.count() > 0 && stalled.count() > 0);
    const closed = new Promise<number>((resolve) => dropped.socket.once("close", (code) => resolve(code)));
    expect(fake.streams.drop({ stream: "btcusdt@aggTrade" })).toBeGreaterThanOrEqual(1);
    expect(await closed).toBe(1006);
    expect(fake.streams.stall({ stream: "ethusdt@aggTrade" }, true)).toBeGreaterThanOrEqual(1);
    await sleep(50);
    const held = stalled.count();
    await sleep(600);
    expect(stalled.count()).toBe(held);
    fake.streams.stall({ stream: "ethusdt@aggTrade" }, false);
    await waitUntil(() => stalled.count() > held);
  });
});
