// The local order book (client/book/order-book.ts) following Binance's futures procedure, with snapshots
// the test resolves by hand and a fake clock; plus the decimal ordering it relies on and its wiring to the
// stream client's gap events.

import { describe, expect, it } from "vitest";
import {
  canonicalDecimal,
  compareDecimals,
  type DepthDiff,
  type DepthSnapshot,
  feedOrderBook,
  OrderBook,
  type PriceLevel,
  type ResyncReason,
  type StreamDescriptor,
  streams,
} from "../../../client/index.ts";
import type { GapEvent } from "../../../client/stream/options.ts";

interface Pending {
  resolve(snapshot: DepthSnapshot): void;
  reject(error: unknown): void;
}

function setup() {
  let time = 0;
  const pending: Pending[] = [];
  const resyncs: ResyncReason[] = [];
  const errors: unknown[] = [];
  const book = new OrderBook({
    getSnapshot: () => new Promise<DepthSnapshot>((resolve, reject) => pending.push({ resolve, reject })),
    runtime: {
      now: () => time,
      setTimeout: () => {
        throw new Error("no timer expected");
      },
    },
    retryDelayMs: 1000,
    onError: (error) => errors.push(error),
  });
  book.onResync((reason) => resyncs.push(reason));
  const snapshot = async (index: number, value: DepthSnapshot) => {
    pending[index]?.resolve(value);
    await settle();
  };
  const advance = (ms: number) => {
    time += ms;
  };
  return { book, pending, resyncs, errors, snapshot, advance };
}

/** Lets snapshot promises settle. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

function diff(U: number, u: number, pu: number, b: PriceLevel[] = [], a: PriceLevel[] = []): DepthDiff {
  return { U, u, pu, b, a };
}

const SNAPSHOT: DepthSnapshot = {
  lastUpdateId: 100,
  bids: [
    ["100.0", "5"],
    ["99.5", "1"],
  ],
  asks: [["102.0", "3"]],
};

/** A book that went live on SNAPSHOT with one event ending at u = 110. */
async function liveBook() {
  const fixture = setup();
  fixture.book.apply(diff(95, 110, 94, [["101.0", "2"]]));
  await fixture.snapshot(0, SNAPSHOT);
  expect(fixture.book.status).toBe("live");
  return fixture;
}

describe("order book sync", () => {
  it("buffers events, fetches a snapshot once, and applies the events that follow it", async () => {
    const { book, pending, snapshot } = setup();
    book.apply(diff(90, 98, 89, [["100.0", "7"]]));
    book.apply(diff(99, 105, 98, [["101.0", "2"]]));
    book.apply(diff(106, 110, 105, [], [["103.0", "1"]]));
    expect(pending).toHaveLength(1);
    expect(book.status).toBe("syncing");
    await snapshot(0, SNAPSHOT);
    expect(book.status).toBe("live");
    expect(book.lastUpdateId).toBe(110);
    // The first event (u = 98 < 100) was dropped: its 100.0 bid of 7 is not in the book.
    expect(book.bids()).toEqual([
      ["101.0", "2"],
      ["100.0", "5"],
      ["99.5", "1"],
    ]);
    expect(book.asks()).toEqual([
      ["102.0", "3"],
      ["103.0", "1"],
    ]);
    expect(book.bids(1)).toEqual([["101.0", "2"]]);
  });

  it("drops events older than the snapshot and goes live on the first that straddles it", async () => {
    const { book, snapshot } = setup();
    book.apply(diff(50, 60, 49, [["1.0", "1"]]));
    await snapshot(0, SNAPSHOT);
    expect(book.status).toBe("syncing");
    book.apply(diff(61, 99, 60, [["2.0", "1"]]));
    expect(book.status).toBe("syncing");
    book.apply(diff(100, 120, 99, [["3.0", "1"]]));
    expect(book.status).toBe("live");
    expect(book.bids().map(([price]) => price)).toEqual(["100.0", "99.5", "3.0"]);
  });

  it("resyncs with a new snapshot when an update is missed (pu mismatch), and ends live again", async () => {
    const { book, pending, resyncs, snapshot } = await liveBook();
    book.apply(diff(111, 115, 110, [["101.0", "4"]]));
    expect(resyncs).toEqual([]);
    book.apply(diff(120, 125, 118, [["98.0", "1"]]));
    expect(resyncs).toEqual(["sequence"]);
    expect(book.status).toBe("syncing");
    expect(book.bids()).toEqual([]);
    expect(pending).toHaveLength(2);
    await snapshot(1, { lastUpdateId: 122, bids: [["97.0", "9"]], asks: [["104.0", "1"]] });
    expect(book.status).toBe("live");
    expect(book.lastUpdateId).toBe(125);
    expect(book.bids()).toEqual([
      ["98.0", "1"],
      ["97.0", "9"],
    ]);
    book.apply(diff(126, 130, 125, [], [["104.0", "2"]]));
    expect(book.asks()).toEqual([["104.0", "2"]]);
  });

  it("removes a level at quantity 0 and ignores removing one it does not have", async () => {
    const { book } = await liveBook();
    book.apply(
      diff(
        111,
        112,
        110,
        [
          ["101.0", "0"],
          ["42.0", "0.000"],
        ],
        [["102.00", "0.00"]],
      ),
    );
    expect(book.bids()).toEqual([
      ["100.0", "5"],
      ["99.5", "1"],
    ]);
    expect(book.asks()).toEqual([]);
  });

  it("fetches a snapshot that predates the stream again, not before the retry delay", async () => {
    const { book, pending, resyncs, snapshot, advance } = setup();
    book.apply(diff(150, 160, 149));
    await snapshot(0, SNAPSHOT);
    expect(resyncs).toEqual(["stale-snapshot"]);
    expect(pending).toHaveLength(1);
    advance(999);
    book.apply(diff(161, 170, 160));
    expect(pending).toHaveLength(1);
    advance(1);
    book.apply(diff(171, 180, 170, [["100.5", "1"]]));
    expect(pending).toHaveLength(2);
    await snapshot(1, { lastUpdateId: 165, bids: [], asks: [] });
    expect(book.status).toBe("live");
    expect(book.bids()).toEqual([["100.5", "1"]]);
  });

  it("starts over on gap(), fetching when events flow again, and ignores a snapshot from before", async () => {
    const { book, pending, resyncs, snapshot } = await liveBook();
    book.gap();
    expect(resyncs).toEqual(["gap"]);
    expect(book.status).toBe("syncing");
    expect(pending).toHaveLength(1);
    book.apply(diff(200, 210, 190));
    expect(pending).toHaveLength(2);
    book.gap();
    book.apply(diff(300, 310, 290, [["5.0", "1"]]));
    expect(pending).toHaveLength(3);
    await snapshot(1, { lastUpdateId: 205, bids: [["6.0", "1"]], asks: [] });
    expect(book.status).toBe("syncing");
    await snapshot(2, { lastUpdateId: 305, bids: [], asks: [] });
    expect(book.status).toBe("live");
    expect(book.bids()).toEqual([["5.0", "1"]]);
    // The late snapshot was dropped, not taken for one that predates the stream.
    expect(resyncs).toEqual(["gap", "gap"]);
  });

  it("reports a failed snapshot and retries it on a later event after the delay", async () => {
    const { book, pending, errors, advance } = setup();
    book.apply(diff(1, 2, 0));
    pending[0]?.reject(new Error("503"));
    await settle();
    expect(errors).toEqual([new Error("503")]);
    book.apply(diff(3, 4, 2));
    expect(pending).toHaveLength(1);
    advance(1000);
    book.apply(diff(5, 6, 4));
    expect(pending).toHaveLength(2);
  });
});

describe("price ordering", () => {
  it("orders 9.5 and 10.0 by value on both sides, where string order would put 10.0 first", async () => {
    const { book, snapshot } = setup();
    book.apply(diff(100, 101, 99, [["9.5", "1"]], [["9.5", "2"]]));
    const levels: PriceLevel[] = [
      ["10.0", "3"],
      ["11", "1"],
      ["8.25", "1"],
    ];
    await snapshot(0, { lastUpdateId: 100, bids: levels, asks: levels });
    expect(book.bids().map(([price]) => price)).toEqual(["11", "10.0", "9.5", "8.25"]);
    expect(book.asks().map(([price]) => price)).toEqual(["8.25", "9.5", "10.0", "11"]);
    // "10.00" is the same price as "10.0": one level, updated.
    book.apply(diff(102, 103, 101, [["10.00", "4"]]));
    expect(book.bids(2)).toEqual([
      ["11", "1"],
      ["10.00", "4"],
    ]);
  });

  it("compares decimal strings exactly", () => {
    expect(compareDecimals("9.5", "10.0")).toBeLessThan(0);
    expect(compareDecimals("10.0", "9.5")).toBeGreaterThan(0);
    expect(compareDecimals("10.0", "10.00")).toBe(0);
    expect(compareDecimals("0.0009", "0.001")).toBeLessThan(0);
    expect(compareDecimals("0.30000000000000001", "0.3")).toBeGreaterThan(0);
    expect(compareDecimals("007", "7")).toBe(0);
    expect(canonicalDecimal("010.50")).toBe("10.5");
    expect(canonicalDecimal("0.000")).toBe("0");
  });
});

describe("feeding a book from a stream client", () => {
  it("passes depth events to the book and starts it over on a start or stale gap of its stream", () => {
    const captured: { onEvent?: (event: DepthDiff) => void; onGap?: (gap: GapEvent) => void } = {};
    const calls: string[] = [];
    const client = {
      subscribe<T>(stream: string | StreamDescriptor<T>, handler: (event: T, raw: string) => void) {
        calls.push(`subscribe ${typeof stream === "string" ? stream : stream.name}`);
        captured.onEvent = (event) => handler(event as T, "");
        return () => calls.push("unsubscribe");
      },
      onGap(listener: (gap: GapEvent) => void) {
        captured.onGap = listener;
        return () => calls.push("stop gaps");
      },
    };
    const book = { apply: () => calls.push("apply"), gap: () => calls.push("gap") };
    const stream = streams.um.depth("BTCUSDT", { speed: "100ms" });
    const stop = feedOrderBook(client, stream, book);
    const gap = (phase: GapEvent["phase"], names: string[]) =>
      captured.onGap?.({ phase, source: "relay", streams: names, time: 0 });
    captured.onEvent?.(diff(1, 2, 0));
    gap("start", ["ethusdt@depth@100ms"]);
    gap("start", ["btcusdt@depth@100ms"]);
    gap("end", ["btcusdt@depth@100ms"]);
    gap("stale", ["btcusdt@depth@100ms"]);
    stop();
    expect(calls).toEqual([
      "subscribe btcusdt@depth@100ms",
      "apply",
      "gap",
      "gap",
      "unsubscribe",
      "stop gaps",
    ]);
  });
});
