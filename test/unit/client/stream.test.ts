// The stream client (client/stream/client.ts) against a fake socket and a fake clock: connecting, subscribing, and
// reconnecting with back-off and paced resubscription. No real timers, no network.

import { describe, expect, it } from "vitest";
import { type AggTradeEvent, streams } from "../../../client/index.ts";
import { type Backoff, backoffDelayMs } from "../../../client/stream/backoff.ts";
import { failureDelays, frame, RELAY_URL, setup } from "../../support/fake-client-runtime.ts";

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
