// The stream client with batched frames (`batchMs`): it asks the relay in the query and unpacks frames that
// hold several messages joined by "\n", in order, replies and notices included.

import { describe, expect, it } from "vitest";
import type { GapEvent } from "../../../client/index.ts";
import { frame, RELAY_URL, setup } from "../../support/fake-client-runtime.ts";

describe("stream client: batched frames", () => {
  it("asks for batching in the query only when batchMs is given", () => {
    expect(setup({ batchMs: 20 }).runtime.socket.url).toBe(`${RELAY_URL}?batch=20`);
    expect(setup({ batchMs: 20, relayEvents: true }).runtime.socket.url).toBe(
      `${RELAY_URL}?relayEvents=1&batch=20`,
    );
    expect(setup({ url: `${RELAY_URL}?streams=a`, batchMs: 5 }).runtime.socket.url).toBe(
      `${RELAY_URL}?streams=a&batch=5`,
    );
    expect(setup().runtime.socket.url).toBe(RELAY_URL);
  });

  it("delivers every message of a batched frame in order, each with its own raw text", async () => {
    const { client, runtime } = setup({ batchMs: 20 });
    runtime.socket.open();
    const seen: [string, string][] = [];
    const gaps: GapEvent[] = [];
    client.onGap((gap) => gaps.push(gap));
    client.subscribe("btcusdt@aggTrade", (event: { p: string }, raw) => seen.push([event.p, raw]));
    const listed = client.request("LIST_SUBSCRIPTIONS");
    const first = frame("btcusdt@aggTrade", { p: "1" });
    const second = frame("btcusdt@aggTrade", { p: "2" });
    const notice = JSON.stringify({ relay: "stale", streams: ["btcusdt@aggTrade"], time: 5 });
    runtime.socket.receive(
      [
        '{"result":null,"id":1}',
        first,
        '{"result":["btcusdt@aggTrade"],"id":2}',
        second,
        notice,
        frame("ethusdt@aggTrade", { p: "9" }),
      ].join("\n"),
    );
    expect(seen).toEqual([
      ["1", first],
      ["2", second],
    ]);
    await expect(listed).resolves.toEqual(["btcusdt@aggTrade"]);
    expect(gaps).toEqual([{ phase: "stale", source: "relay", streams: ["btcusdt@aggTrade"], time: 5 }]);
  });
});
