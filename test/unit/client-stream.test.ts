// The stream client (shared/client) against a fake socket and a fake clock: no real timers, no network.
// Also checks that every stream-name helper builds a name the relay's grammar accepts.

import { describe, expect, it } from "vitest";
import type { Market } from "../../shared/catalog/types.ts";
import { type Backoff, backoffDelayMs } from "../../shared/client/backoff.ts";
import {
  type AggTradeEvent,
  type ClientRuntime,
  type ClientSocket,
  type ConnectionStatus,
  type GapEvent,
  type SocketListener,
  StreamClient,
  StreamClientError,
  type StreamClientOptions,
  type StreamDescriptor,
  streams,
} from "../../shared/client/index.ts";
import { parseStreamName, type StreamKind } from "../../shared/streams/names.ts";

class FakeSocket implements ClientSocket {
  readonly url: string;
  readonly protocols: readonly string[];
  readonly sent: { text: string; at: number }[] = [];
  closed: { code: number | undefined; reason: string | undefined } | null = null;
  readonly #clock: FakeRuntime;
  #listener: SocketListener | null = null;

  constructor(url: string, protocols: readonly string[], clock: FakeRuntime) {
    this.url = url;
    this.protocols = protocols;
    this.#clock = clock;
  }

  listen(listener: SocketListener): void {
    this.#listener = listener;
  }

  send(text: string): void {
    this.sent.push({ text, at: this.#clock.now() });
  }

  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
  }

  open(): void {
    this.#listener?.open();
  }

  receive(text: string): void {
    this.#listener?.message(text);
  }

  drop(code = 1006): void {
    this.#listener?.close(code, "");
  }

  /** The JSON requests sent, pings left out. */
  requests(): { method: string; params?: string[]; id: number }[] {
    return this.sent.filter((m) => m.text !== "ping").map((m) => JSON.parse(m.text));
  }

  subscribed(): string[][] {
    return this.requests().flatMap((r) => (r.method === "SUBSCRIBE" ? [r.params ?? []] : []));
  }

  /** Answers every request sent so far with success. */
  ackAll(): void {
    for (const { id } of this.requests()) this.receive(`{"result":null,"id":${id}}`);
  }
}

class FakeRuntime implements ClientRuntime {
  time = 0;
  randomValue = 0.5;
  readonly sockets: FakeSocket[] = [];
  #timers: { at: number; id: number; callback: () => void }[] = [];
  #nextTimer = 1;

  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#nextTimer++;
    this.#timers.push({ at: this.time + Math.max(0, ms), id, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((timer) => timer.id !== handle);
  }
  random(): number {
    return this.randomValue;
  }
  createSocket(url: string, protocols: readonly string[]): ClientSocket {
    const socket = new FakeSocket(url, protocols, this);
    this.sockets.push(socket);
    return socket;
  }

  /** Moves the clock, running due timers in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    // A timer that keeps re-arming itself at the same instant would hang the test instead of failing it.
    for (let runs = 0; ; runs++) {
      if (runs > 10_000) throw new Error("timers keep firing without the clock moving on");
      const due = this.#timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.time = due.at;
      due.callback();
    }
    this.time = end;
  }

  get socket(): FakeSocket {
    const socket = this.sockets.at(-1);
    if (socket === undefined) throw new Error("no socket yet");
    return socket;
  }
}

const RELAY_URL = "wss://relay.example/stream";
const QUIET = { intervalMs: 1e9, timeoutMs: 2e9 };

function setup(options: Partial<StreamClientOptions> = {}) {
  const runtime = new FakeRuntime();
  const client = new StreamClient({ url: RELAY_URL, runtime, heartbeat: QUIET, ...options });
  const statuses: ConnectionStatus[] = [];
  const gaps: GapEvent[] = [];
  client.onStatus((status) => statuses.push(status));
  client.onGap((gap) => gaps.push(gap));
  return { client, runtime, statuses, gaps };
}

const frame = (stream: string, data: unknown) => JSON.stringify({ stream, data });

/** Times at which sockets were created after each immediate failure, as delays between attempts. */
function failureDelays(runtime: FakeRuntime, attempts: number): number[] {
  const delays: number[] = [];
  for (let i = 0; i < attempts; i++) {
    const before = runtime.sockets.length;
    const start = runtime.time;
    runtime.socket.drop();
    while (runtime.sockets.length === before) runtime.advance(1);
    delays.push(runtime.time - start);
  }
  return delays;
}

describe("stream client: connecting", () => {
  it("offers the credential as the subprotocol and asks for relay notices in the query", () => {
    const { runtime } = setup({ credential: "rt1.abc.def", relayEvents: true });
    expect(runtime.socket.url).toBe(`${RELAY_URL}?relayEvents=1`);
    expect(runtime.socket.protocols).toEqual(["rt1.abc.def"]);
    const other = setup({ url: `${RELAY_URL}?streams=a/b`, relayEvents: true });
    expect(other.runtime.socket.url).toBe(`${RELAY_URL}?streams=a/b&relayEvents=1`);
    expect(setup().runtime.socket.protocols).toEqual([]);
  });

  it("sends one SUBSCRIBE per stream however many handlers, and UNSUBSCRIBE when the last leaves", () => {
    const { client, runtime } = setup();
    runtime.socket.open();
    const first: string[] = [];
    const second: string[] = [];
    const stopFirst = client.subscribe(streams.um.aggTrade("BTCUSDT"), (event, raw) => {
      first.push(event.p);
      expect(JSON.parse(raw).stream).toBe("btcusdt@aggTrade");
    });
    const stopSecond = client.subscribe("btcusdt@aggTrade", (event: AggTradeEvent) => second.push(event.p));
    expect(runtime.socket.requests()).toEqual([{ method: "SUBSCRIBE", params: ["btcusdt@aggTrade"], id: 1 }]);
    runtime.socket.receive(frame("btcusdt@aggTrade", { e: "aggTrade", p: "100.5" }));
    runtime.socket.receive(frame("ethusdt@aggTrade", { e: "aggTrade", p: "1" }));
    expect(first).toEqual(["100.5"]);
    expect(second).toEqual(["100.5"]);
    stopFirst();
    expect(runtime.socket.requests()).toHaveLength(1);
    stopSecond();
    expect(runtime.socket.requests()[1]).toEqual({
      method: "UNSUBSCRIBE",
      params: ["btcusdt@aggTrade"],
      id: 2,
    });
  });

  it("keeps dispatching to the other handlers when one throws, and rethrows from a timer", () => {
    const { client, runtime } = setup();
    runtime.socket.open();
    const seen: string[] = [];
    client.subscribe("x@trade", () => {
      throw new Error("handler bug");
    });
    client.subscribe("x@trade", () => seen.push("second"));
    runtime.socket.receive(frame("x@trade", {}));
    expect(seen).toEqual(["second"]);
    expect(() => runtime.advance(0)).toThrow("handler bug");
  });
});

describe("stream client: reconnecting", () => {
  it("reconnects after a drop, after the back-off delay, and reports each status", () => {
    const { runtime, statuses } = setup({ backoff: { baseMs: 100 } });
    runtime.socket.open();
    runtime.socket.drop();
    expect(statuses).toEqual(["open", "reconnecting"]);
    runtime.advance(49);
    expect(runtime.sockets).toHaveLength(1);
    runtime.advance(1);
    expect(runtime.sockets).toHaveLength(2);
    runtime.socket.open();
    expect(statuses).toEqual(["open", "reconnecting", "open"]);
  });

  it("grows the delay exponentially up to the cap, with full or equal jitter", () => {
    const full = setup({ backoff: { baseMs: 100, capMs: 1000, jitter: "full" } });
    expect(failureDelays(full.runtime, 6)).toEqual([50, 100, 200, 400, 500, 500]);
    const equal = setup({ backoff: { baseMs: 100, capMs: 1000, jitter: "equal" } });
    expect(failureDelays(equal.runtime, 6)).toEqual([75, 150, 300, 600, 750, 750]);
  });

  it("keeps every delay within its jitter bounds for any random value", () => {
    for (const jitter of ["full", "equal"] as const) {
      const backoff: Backoff = { baseMs: 250, capMs: 30_000, jitter, resetAfterMs: 0 };
      for (let attempt = 0; attempt < 64; attempt++) {
        const ceiling = Math.min(30_000, 250 * 2 ** attempt);
        for (const random of [0, 0.3, 0.999999]) {
          const delay = backoffDelayMs(attempt, backoff, random);
          expect(delay).toBeGreaterThanOrEqual(jitter === "full" ? 0 : ceiling / 2);
          expect(delay).toBeLessThan(ceiling);
        }
      }
    }
    const immediate: Backoff = { baseMs: 0, capMs: 30_000, jitter: "full", resetAfterMs: 0 };
    expect(backoffDelayMs(5000, immediate, 0.5)).toBe(0);
    expect(backoffDelayMs(5000, { ...immediate, baseMs: 250 }, 0.5)).toBe(15_000);
  });

  it("starts the back-off over once a connection stayed open long enough, not before", () => {
    const backoff = { baseMs: 100, capMs: 10_000, resetAfterMs: 5000 };
    const stable = setup({ backoff });
    expect(failureDelays(stable.runtime, 3)).toEqual([50, 100, 200]);
    stable.runtime.socket.open();
    stable.runtime.advance(5000);
    expect(failureDelays(stable.runtime, 1)).toEqual([50]);

    const brief = setup({ backoff });
    expect(failureDelays(brief.runtime, 3)).toEqual([50, 100, 200]);
    brief.runtime.socket.open();
    brief.runtime.advance(4999);
    expect(failureDelays(brief.runtime, 1)).toEqual([400]);
  });

  it("resubscribes every stream after a reconnect, in batches", () => {
    const { client, runtime } = setup({ batchSize: 10, backoff: { baseMs: 10 } });
    runtime.socket.open();
    const names = Array.from({ length: 25 }, (_, i) => `s${i}usdt@aggTrade`);
    for (const name of names) client.subscribe(name, () => {});
    runtime.socket.ackAll();
    runtime.socket.drop();
    runtime.advance(10);
    runtime.socket.open();
    const batches = runtime.socket.subscribed();
    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 5]);
    expect(batches.flat()).toEqual(names);
  });

  it("paces messages to the configured rate over 1.1 s windows", () => {
    const { client, runtime } = setup({ batchSize: 1, maxMessagesPerSecond: 3 });
    for (let i = 0; i < 7; i++) client.subscribe(`s${i}@trade`, () => {});
    runtime.socket.open();
    expect(runtime.socket.sent).toHaveLength(3);
    runtime.advance(1100);
    expect(runtime.socket.sent).toHaveLength(3);
    runtime.advance(1);
    expect(runtime.socket.sent).toHaveLength(6);
    runtime.advance(1101);
    const times = runtime.socket.sent.map((m) => m.at);
    expect(times).toEqual([0, 0, 0, 1101, 1101, 1101, 2202]);
    expect(runtime.socket.subscribed().flat()).toHaveLength(7);
  });
});

describe("stream client: requests", () => {
  it("drops the oldest waiting request when the queue is full (drop-oldest)", async () => {
    const { client, runtime } = setup({ queue: { limit: 2, policy: "drop-oldest" } });
    const oldest = client.request("LIST_SUBSCRIPTIONS");
    const middle = client.request("GET_PROPERTY", ["combined"]);
    const newest = client.request("GET_PROPERTY", ["relay_events"]);
    await expect(oldest).rejects.toMatchObject({ code: "queue-full" });
    runtime.socket.open();
    expect(runtime.socket.requests()).toEqual([
      { method: "GET_PROPERTY", params: ["combined"], id: 1 },
      { method: "GET_PROPERTY", params: ["relay_events"], id: 2 },
    ]);
    runtime.socket.receive('{"result":false,"id":2}');
    runtime.socket.receive('{"result":true,"id":1}');
    await expect(middle).resolves.toBe(true);
    await expect(newest).resolves.toBe(false);
  });

  it("refuses a new request when the queue is full (reject)", async () => {
    const { client, runtime } = setup({ queue: { limit: 1, policy: "reject" } });
    const kept = client.request("LIST_SUBSCRIPTIONS");
    await expect(client.request("GET_PROPERTY", ["combined"])).rejects.toMatchObject({ code: "queue-full" });
    runtime.socket.open();
    expect(runtime.socket.requests()).toEqual([{ method: "LIST_SUBSCRIPTIONS", id: 1 }]);
    runtime.socket.receive('{"result":["btcusdt@aggTrade"],"id":1}');
    await expect(kept).resolves.toEqual(["btcusdt@aggTrade"]);
  });

  it("matches replies to requests by id, and rejects on an error reply or a drop", async () => {
    const { client, runtime } = setup();
    runtime.socket.open();
    const settled: string[] = [];
    const list = client.request("LIST_SUBSCRIPTIONS").then((r) => settled.push(`list:${JSON.stringify(r)}`));
    const bad = client.request("SET_PROPERTY", ["nope", true]).catch((e: unknown) => e);
    const lost = client.request("GET_PROPERTY", ["combined"]);
    runtime.socket.receive('{"result":[],"id":99}');
    await Promise.resolve();
    expect(settled).toEqual([]);
    runtime.socket.receive('{"error":{"code":0,"msg":"Unknown property"},"id":2}');
    runtime.socket.receive('{"result":["a@trade"],"id":1}');
    await list;
    expect(settled).toEqual(['list:["a@trade"]']);
    const error = await bad;
    expect(error).toBeInstanceOf(StreamClientError);
    expect(error).toMatchObject({ code: "refused", upstream: { code: 0, msg: "Unknown property" } });
    runtime.socket.drop();
    await expect(lost).rejects.toMatchObject({ code: "disconnected" });
  });

  it("reports a refused stream to its handlers and keeps the rest of its batch", () => {
    const { client, runtime } = setup({ backoff: { baseMs: 10 } });
    const errors: StreamClientError[] = [];
    client.subscribe(
      "btcusdt@aggTrade",
      () => {},
      (e) => errors.push(e),
    );
    client.subscribe(
      "BTCUSDT@aggTrade",
      () => {},
      (e) => errors.push(e),
    );
    runtime.socket.open();
    expect(runtime.socket.subscribed()).toEqual([["btcusdt@aggTrade", "BTCUSDT@aggTrade"]]);
    const refusal = (id: number) => `{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":${id}}`;
    runtime.socket.receive(refusal(1));
    expect(runtime.socket.requests().slice(1)).toEqual([
      { method: "SUBSCRIBE", params: ["btcusdt@aggTrade"], id: 2 },
      { method: "SUBSCRIBE", params: ["BTCUSDT@aggTrade"], id: 3 },
    ]);
    expect(errors).toEqual([]);
    runtime.socket.receive('{"result":null,"id":2}');
    runtime.socket.receive(refusal(3));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: "refused", upstream: { code: 2 } });
    expect(errors[0]?.message).toContain("BTCUSDT@aggTrade");
    runtime.socket.drop();
    runtime.advance(10);
    runtime.socket.open();
    expect(runtime.socket.subscribed()).toEqual([["btcusdt@aggTrade"]]);
  });

  it("does not blame a good stream when a refused batch's bad stream was unsubscribed meanwhile", () => {
    const { client, runtime } = setup();
    const errors: StreamClientError[] = [];
    client.subscribe(
      "btcusdt@aggTrade",
      () => {},
      (e) => errors.push(e),
    );
    const stopBad = client.subscribe("BADNAME", () => {});
    runtime.socket.open();
    stopBad();
    runtime.socket.receive('{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":1}');
    expect(errors).toEqual([]);
    expect(runtime.socket.requests().at(-1)).toMatchObject({
      method: "SUBSCRIBE",
      params: ["btcusdt@aggTrade"],
    });
  });

  it("tells handlers when the relay drops a stream Binance refused later (an error with no id)", () => {
    const { client, runtime } = setup();
    const errors: StreamClientError[] = [];
    client.subscribe(
      "btcusdt@aggTrade",
      () => {},
      (e) => errors.push(e),
    );
    runtime.socket.open();
    runtime.socket.receive('{"result":null,"id":1}');
    runtime.socket.receive(
      '{"error":{"code":2,"msg":"Invalid request: stream btcusdt@aggTrade refused by Binance (Invalid request)"},"id":null}',
    );
    expect(errors.map((e) => e.code)).toEqual(["refused"]);
    // Forgotten: no UNSUBSCRIBE for it (the relay already dropped it), and not asked for again after a drop.
    expect(runtime.socket.requests().map((r) => r.method)).toEqual(["SUBSCRIBE"]);
  });

  it("stops for good on close(): no reconnect, waiting requests rejected", async () => {
    const { client, runtime, statuses } = setup({ backoff: { baseMs: 10 } });
    const waiting = client.request("LIST_SUBSCRIPTIONS");
    client.close();
    expect(statuses).toEqual(["closed"]);
    expect(runtime.socket.closed).toEqual({ code: 1000, reason: "client closed" });
    await expect(waiting).rejects.toMatchObject({ code: "closed" });
    runtime.advance(60_000);
    expect(runtime.sockets).toHaveLength(1);
  });
});

describe("stream client: heartbeat and gaps", () => {
  it("pings on an interval and treats silence beyond the timeout as a dead socket", () => {
    const { runtime, statuses } = setup({ heartbeat: { intervalMs: 1000, timeoutMs: 2500 } });
    runtime.socket.open();
    runtime.advance(1000);
    expect(runtime.socket.sent.map((m) => m.text)).toEqual(["ping"]);
    runtime.socket.receive("pong");
    runtime.advance(2499);
    expect(runtime.socket.closed).toBeNull();
    expect(runtime.socket.sent.map((m) => m.text)).toEqual(["ping", "ping", "ping"]);
    runtime.advance(1);
    expect(runtime.socket.closed).toEqual({ code: 4000, reason: "heartbeat timeout" });
    expect(statuses).toEqual(["open", "reconnecting"]);
    runtime.advance(500);
    expect(runtime.sockets).toHaveLength(2);
  });

  it("abandons a connection attempt that never opens", () => {
    const { runtime } = setup({ heartbeat: { intervalMs: 1000, timeoutMs: 3000 } });
    runtime.advance(3000);
    expect(runtime.sockets[0]?.closed?.code).toBe(4000);
  });

  it("reports a gap on a drop for confirmed streams, ending once they are confirmed again", () => {
    const { client, runtime, gaps } = setup({ backoff: { baseMs: 10 } });
    runtime.socket.open();
    client.subscribe("btcusdt@depth@100ms", () => {});
    runtime.socket.ackAll();
    client.subscribe("ethusdt@depth@100ms", () => {});
    runtime.advance(5);
    runtime.socket.drop();
    expect(gaps).toEqual([{ phase: "start", source: "socket", streams: ["btcusdt@depth@100ms"], time: 5 }]);
    runtime.advance(10);
    runtime.socket.open();
    expect(runtime.socket.subscribed()).toEqual([["btcusdt@depth@100ms", "ethusdt@depth@100ms"]]);
    expect(gaps).toHaveLength(1);
    runtime.socket.ackAll();
    expect(gaps[1]).toEqual({ phase: "end", source: "socket", streams: ["btcusdt@depth@100ms"], time: 15 });
  });

  it("forgets the gap of a stream unsubscribed during it", () => {
    const { client, runtime, gaps } = setup({ backoff: { baseMs: 10 } });
    runtime.socket.open();
    const stop = client.subscribe("btcusdt@aggTrade", () => {});
    runtime.socket.ackAll();
    runtime.socket.drop();
    stop();
    runtime.advance(10);
    runtime.socket.open();
    client.subscribe("btcusdt@aggTrade", () => {});
    runtime.socket.ackAll();
    expect(gaps.map((gap) => gap.phase)).toEqual(["start"]);
  });

  it("ignores frames from a socket it has replaced", () => {
    const { client, runtime } = setup({ backoff: { baseMs: 10 } });
    const seen: unknown[] = [];
    client.subscribe("btcusdt@aggTrade", (event) => seen.push(event));
    const old = runtime.socket;
    old.open();
    old.drop();
    runtime.advance(10);
    runtime.socket.open();
    old.receive(frame("btcusdt@aggTrade", { p: "1" }));
    runtime.socket.receive(frame("btcusdt@aggTrade", { p: "2" }));
    expect(seen).toEqual([{ p: "2" }]);
  });

  it("turns the relay's notices into gap events", () => {
    const { runtime, gaps } = setup({ relayEvents: true });
    runtime.socket.open();
    const streamsOf = '"streams":["btcusdt@depth@100ms"]';
    runtime.socket.receive(`{"relay":"reconnecting",${streamsOf},"time":100}`);
    runtime.socket.receive(`{"relay":"reconnected",${streamsOf},"time":200}`);
    runtime.socket.receive(`{"relay":"stale",${streamsOf},"time":300}`);
    expect(gaps).toEqual([
      { phase: "start", source: "relay", streams: ["btcusdt@depth@100ms"], time: 100 },
      { phase: "end", source: "relay", streams: ["btcusdt@depth@100ms"], time: 200 },
      { phase: "stale", source: "relay", streams: ["btcusdt@depth@100ms"], time: 300 },
    ]);
  });

  it("uses an injected parser and still hands over the raw text", () => {
    const seen: unknown[] = [];
    const parse = (text: string) => ({ ...JSON.parse(text), parsedBy: "custom" });
    const { client, runtime } = setup({ parse });
    runtime.socket.open();
    client.subscribe("x@trade", (_event, raw) => seen.push(raw));
    const text = '{"stream":"x@trade","data":{"t":12345678901234567890}}';
    runtime.socket.receive(text);
    expect(seen).toEqual([text]);
  });
});

type Helper = [market: Market, descriptor: StreamDescriptor<unknown>, name: string, kind: StreamKind];

// Every helper of both markets, with the name the reference connector (reference-connector-ws.tsv) or
// Binance's page gives for the same arguments.
const { um, cm } = streams;
const HELPERS: Record<string, Helper[]> = {
  aggTrade: [
    ["um", um.aggTrade("BTCUSDT"), "btcusdt@aggTrade", "aggTrade"],
    ["cm", cm.aggTrade("BTCUSD_PERP"), "btcusd_perp@aggTrade", "aggTrade"],
  ],
  trade: [
    ["um", um.trade("BTCUSDT"), "btcusdt@trade", "trade"],
    ["cm", cm.trade("BTCUSD_PERP"), "btcusd_perp@trade", "trade"],
  ],
  markPrice: [
    ["um", um.markPrice("BTCUSDT", { speed: "1s" }), "btcusdt@markPrice@1s", "markPrice"],
    ["um", um.markPrice("BTCUSDT"), "btcusdt@markPrice", "markPrice"],
    ["cm", cm.markPrice("BTCUSD_PERP", { speed: "1s" }), "btcusd_perp@markPrice@1s", "markPrice"],
    ["cm", cm.markPrice("BTCUSD_PERP", { speed: "3s" }), "btcusd_perp@markPrice", "markPrice"],
  ],
  allMarkPrice: [
    ["um", um.allMarkPrice({ speed: "1s" }), "!markPrice@arr@1s", "allMarkPrice"],
    ["um", um.allMarkPrice(), "!markPrice@arr", "allMarkPrice"],
    ["cm", cm.allMarkPrice(), "!markPrice@arr", "allMarkPrice"],
  ],
  kline: [
    ["um", um.kline("BTCUSDT", "1M"), "btcusdt@kline_1M", "kline"],
    ["cm", cm.kline("BTCUSD_200626", "1m"), "btcusd_200626@kline_1m", "kline"],
  ],
  continuousKline: [
    [
      "um",
      um.continuousKline("BTCUSDT", "perpetual", "1s"),
      "btcusdt_perpetual@continuousKline_1s",
      "continuousKline",
    ],
    [
      "um",
      um.continuousKline("XAUUSDT", "tradifi_perpetual", "1h"),
      "xauusdt_tradifi_perpetual@continuousKline_1h",
      "continuousKline",
    ],
    [
      "cm",
      cm.continuousKline("BTCUSD", "next_quarter", "1m"),
      "btcusd_next_quarter@continuousKline_1m",
      "continuousKline",
    ],
  ],
  miniTicker: [
    ["um", um.miniTicker("BTCUSDT"), "btcusdt@miniTicker", "miniTicker"],
    ["um", um.miniTicker(), "!miniTicker@arr", "allMiniTicker"],
    ["cm", cm.miniTicker("BTCUSD_PERP"), "btcusd_perp@miniTicker", "miniTicker"],
    ["cm", cm.miniTicker(), "!miniTicker@arr", "allMiniTicker"],
  ],
  ticker: [
    ["um", um.ticker("BTCUSDT"), "btcusdt@ticker", "ticker"],
    ["um", um.ticker(), "!ticker@arr", "allTicker"],
    ["cm", cm.ticker("BTCUSD_PERP"), "btcusd_perp@ticker", "ticker"],
    ["cm", cm.ticker(), "!ticker@arr", "allTicker"],
  ],
  bookTicker: [
    ["um", um.bookTicker("BTCUSDT"), "btcusdt@bookTicker", "bookTicker"],
    ["um", um.bookTicker(), "!bookTicker", "allBookTicker"],
    ["cm", cm.bookTicker("BTCUSD_PERP"), "btcusd_perp@bookTicker", "bookTicker"],
    ["cm", cm.bookTicker(), "!bookTicker", "allBookTicker"],
  ],
  forceOrder: [
    ["um", um.forceOrder("BTCUSDT"), "btcusdt@forceOrder", "forceOrder"],
    ["um", um.forceOrder(), "!forceOrder@arr", "allForceOrder"],
    ["cm", cm.forceOrder("BTCUSD_PERP"), "btcusd_perp@forceOrder", "forceOrder"],
    ["cm", cm.forceOrder(), "!forceOrder@arr", "allForceOrder"],
  ],
  depth: [
    ["um", um.depth("BTCUSDT", { speed: "100ms" }), "btcusdt@depth@100ms", "depth"],
    ["um", um.depth("BTCUSDT", { speed: "250ms" }), "btcusdt@depth", "depth"],
    ["um", um.depth("BTCUSDT"), "btcusdt@depth", "depth"],
    ["cm", cm.depth("BTCUSD_PERP", { speed: "500ms" }), "btcusd_perp@depth@500ms", "depth"],
  ],
  partialDepth: [
    ["um", um.partialDepth("BTCUSDT", 5, { speed: "500ms" }), "btcusdt@depth5@500ms", "partialDepth"],
    ["um", um.partialDepth("BTCUSDT", 20), "btcusdt@depth20", "partialDepth"],
    [
      "cm",
      cm.partialDepth("BTCUSD_PERP", 10, { speed: "100ms" }),
      "btcusd_perp@depth10@100ms",
      "partialDepth",
    ],
  ],
  contractInfo: [
    ["um", um.contractInfo(), "!contractInfo", "contractInfo"],
    ["cm", cm.contractInfo(), "!contractInfo", "contractInfo"],
  ],
  compositeIndex: [["um", um.compositeIndex("DEFIUSDT"), "defiusdt@compositeIndex", "compositeIndex"]],
  assetIndex: [
    ["um", um.assetIndex("ADAUSD"), "adausd@assetIndex", "assetIndex"],
    ["um", um.assetIndex(), "!assetIndex@arr", "allAssetIndex"],
  ],
  rpiDepth: [["um", um.rpiDepth("BTCUSDT"), "btcusdt@rpiDepth@500ms", "rpiDepth"]],
  tradingSession: [["um", um.tradingSession(), "tradingSession", "tradingSession"]],
  indexPrice: [
    ["cm", cm.indexPrice("BTCUSD", { speed: "1s" }), "btcusd@indexPrice@1s", "indexPrice"],
    ["cm", cm.indexPrice("BTCUSD"), "btcusd@indexPrice", "indexPrice"],
  ],
  pairMarkPrice: [
    ["cm", cm.pairMarkPrice("BTCUSD", { speed: "1s" }), "btcusd@markPrice@1s", "markPrice"],
    ["cm", cm.pairMarkPrice("BTCUSD"), "btcusd@markPrice", "markPrice"],
  ],
  indexPriceKline: [
    ["cm", cm.indexPriceKline("BTCUSD", "1m"), "btcusd@indexPriceKline_1m", "indexPriceKline"],
  ],
  markPriceKline: [
    ["cm", cm.markPriceKline("BTCUSD_200626", "1w"), "btcusd_200626@markPriceKline_1w", "markPriceKline"],
  ],
};

describe("stream name helpers", () => {
  it("covers every helper of both markets", () => {
    for (const [market, helpers] of Object.entries(streams)) {
      for (const helper of Object.keys(helpers)) {
        expect(
          HELPERS[helper]?.some(([m]) => m === market),
          `${market}.${helper}`,
        ).toBe(true);
      }
    }
  });

  const rows = Object.values(HELPERS)
    .flat()
    .map(([market, descriptor, name, kind]) => ({ market, descriptor, name, kind }));
  it.each(rows)("$market: $name is a $kind", ({ market, descriptor, name, kind }) => {
    expect(descriptor.name).toBe(name);
    expect(parseStreamName(market, descriptor.name)?.kind).toBe(kind);
  });
});
