// The stream client's requests against a fake socket and a fake clock: the waiting queue's policies, replies
// matched by id, refused streams, and close(). No real timers, no network.

import { describe, expect, it } from "vitest";
import { StreamClientError } from "../../../client/index.ts";
import { setup } from "../../support/fake-client-runtime.ts";

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
