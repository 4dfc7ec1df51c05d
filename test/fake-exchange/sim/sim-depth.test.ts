// The fake exchange's simulated diff depth is consistent the way Binance's is: pu chains to the previous u,
// a REST snapshot plus buffered events rebuilds the book of a later snapshot, and books stay deep and uncrossed.

import { describe, expect, it } from "vitest";
import {
  fake,
  getJson,
  id,
  type Level,
  type Listener,
  listen,
  type Snapshot,
  sleep,
  startFake,
  useSimulatedExchange,
  waitUntil,
} from "../../support/fake-sim-harness.ts";
import type { FakeExchange } from "../index.ts";

useSimulatedExchange();

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
