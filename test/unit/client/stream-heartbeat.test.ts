// The stream client's heartbeat and gap reporting against a fake socket and a fake clock: pings and dead
// sockets, gaps on drops and from relay notices, stale sockets, an injected parser. No real timers, no network.

import { describe, expect, it } from "vitest";
import { frame, setup } from "../../support/fake-client-runtime.ts";

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
