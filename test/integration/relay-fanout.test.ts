// One upstream for any number of clients: reference-counted subscriptions, per-client framing, per-client limits.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLIENTS } from "../support/credentials.ts";
import { isData } from "../support/stream-client.ts";
import {
  Clients,
  continuityProblem,
  fake,
  listedStreams,
  liveConnections,
  relayDrained,
  sequencesOf,
  statusOf,
  subscribedUpstream,
  waitUntil,
} from "../support/workerd/relay-helpers.ts";

const TOKEN = CLIENTS.hook.token;
const TRADER_KEY = CLIENTS.trader.apiKey;
const clients = new Clients();

beforeEach(async () => {
  await fake.reset();
});
afterEach(async () => {
  clients.closeAll();
  await relayDrained();
});

describe("sharing one upstream", () => {
  it("serves 20 clients from the same upstream connections, every client getting every event in order", async () => {
    const all = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        clients.connect(
          `/k/${TOKEN}/${i % 2 === 0 ? "ws/btcusdt@aggTrade" : "stream?streams=btcusdt@aggTrade"}`,
        ),
      ),
    );
    await subscribedUpstream("btcusdt@aggTrade", 2);
    const sequences = (await fake.streams.publish("btcusdt@aggTrade", 50)).map(BigInt);
    for (const client of all) {
      await client.waitForCount(isData, 50);
      expect(sequencesOf(client)).toEqual(sequences);
    }
    const carrying = liveConnections(await fake.streams.connections(), "btcusdt@aggTrade");
    // Two, not twenty: the hot-standby pair (RELAY_UPSTREAM_REDUNDANCY=2).
    expect(carrying).toHaveLength(2);
  });

  it("subscribes a stream upstream once however many clients want it, and unsubscribes when the last leaves", async () => {
    const upstreamMessages = async (method: string) =>
      (await fake.streams.connections())
        .flatMap((c) => c.incoming.map((m) => m.text))
        .filter((text) => text.includes(`"method":"${method}"`) && text.includes("ethusdt@markPrice"));
    const first = await clients.connect(`/k/${TOKEN}/ws/ethusdt@markPrice`);
    await subscribedUpstream("ethusdt@markPrice", 2);
    const second = await clients.connect(`/k/${TOKEN}/ws/ethusdt@markPrice`);
    expect(await second.request("LIST_SUBSCRIPTIONS")).toEqual({ result: ["ethusdt@markPrice"], id: 1 });
    // One SUBSCRIBE per upstream lane, none for the second client.
    expect(await upstreamMessages("SUBSCRIBE")).toHaveLength(2);
    first.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await upstreamMessages("UNSUBSCRIBE")).toHaveLength(0);
    second.close();
    await waitUntil(
      async () => (await upstreamMessages("UNSUBSCRIBE")).length === 2,
      "both lanes unsubscribed",
    );
  });

  it("closes the upstream after a grace period with no clients", async () => {
    const client = await clients.connect(`/k/${TOKEN}/ws/ethusdt@kline_5m`);
    await subscribedUpstream("ethusdt@kline_5m", 2);
    client.close();
    await waitUntil(
      async () => (await fake.streams.connections()).every((c) => c.closedAt !== null),
      "every upstream connection closed",
    );
  });

  it("opens another upstream connection beyond the per-connection stream limit", async () => {
    const streams = listedStreams(25);
    const client = await clients.connect(`/k/${TOKEN}/ws`);
    expect(await client.request("SUBSCRIBE", streams)).toEqual({ result: null, id: 1 });
    const held = async () =>
      (await fake.streams.connections()).filter((c) => c.closedAt === null).flatMap((c) => c.subscriptions);
    // Every stream on both lanes: 50 subscriptions spread over connections of at most 20 streams.
    await waitUntil(async () => (await held()).length >= 50, "all 25 streams held by both lanes", 10_000);
    const open = (await fake.streams.connections()).filter((c) => c.closedAt === null);
    expect(Math.max(...open.map((c) => c.subscriptions.length))).toBeLessThanOrEqual(20);
    // Two lanes, each needing two connections for 25 streams (more only while a renewal overlaps).
    expect(open.length).toBeGreaterThanOrEqual(4);
  });

  it("passes payloads through unmodified, ids above 2^53 included", async () => {
    const client = await clients.connect(`/k/${TOKEN}/ws/btcusdt@depth@100ms`);
    await subscribedUpstream("btcusdt@depth@100ms", 2);
    const [sequence] = await fake.streams.publish("btcusdt@depth@100ms");
    const frame = await client.waitFor(isData);
    expect(frame).toContain(`"u":${sequence}`);
    expect(BigInt(sequence ?? "0")).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    expect(continuityProblem(sequencesOf(client))).toBeNull();
  });
});

describe("per-client limits", () => {
  it("refuses streams beyond the per-client limit with a clear error, keeping the rest", async () => {
    const client = await clients.connect(`/k/${TOKEN}/ws`);
    expect(await client.request("SUBSCRIBE", listedStreams(30))).toEqual({ result: null, id: 1 });
    const reply = await client.request("SUBSCRIBE", listedStreams(1, 30));
    expect(reply).toEqual({
      error: { code: 2, msg: "Invalid request: too many streams: at most 0 more on this connection" },
      id: 2,
    });
    expect(((await client.request("LIST_SUBSCRIPTIONS")).result as string[]).length).toBe(30);
  });

  it("answers messages over 10 per second with an error, then closes a client that keeps flooding", async () => {
    const client = await clients.connect(`/k/${TOKEN}/ws`);
    for (let i = 1; i <= 12; i++) client.send({ method: "LIST_SUBSCRIPTIONS", id: i });
    await client.waitForCount(() => true, 12);
    expect(client.messages.filter((m) => m.startsWith('{"result"'))).toHaveLength(10);
    expect(
      client.messages.filter((m) => m.includes("too many messages: at most 10 per second")),
    ).toHaveLength(2);
    for (let i = 13; i <= 40; i++) client.send({ method: "LIST_SUBSCRIPTIONS", id: i });
    expect(await client.closed).toMatchObject({ code: 1008 });
  });

  it("does not let a flooding client disturb the others", async () => {
    const calm = await clients.connect(`/k/${TOKEN}/ws/ethusdt@miniTicker`);
    const flooder = await clients.connect(`/k/${TOKEN}/ws/ethusdt@miniTicker`);
    await subscribedUpstream("ethusdt@miniTicker", 2);
    for (let i = 1; i <= 40; i++) flooder.send({ method: "LIST_SUBSCRIPTIONS", id: i });
    await flooder.closed;
    const sequences = (await fake.streams.publish("ethusdt@miniTicker", 5)).map(BigInt);
    await calm.waitForCount(isData, 5);
    expect(sequencesOf(calm)).toEqual(sequences);
  });

  it("refuses messages larger than the limit", async () => {
    const client = await clients.connect(`/k/${TOKEN}/ws`);
    client.send(JSON.stringify({ method: "LIST_SUBSCRIPTIONS", id: 1, pad: "x".repeat(5000) }));
    expect(await client.waitFor(() => true)).toBe(
      '{"error":{"code":2,"msg":"Invalid request: message larger than 4096 bytes"},"id":null}',
    );
  });

  it("refuses new clients beyond the total limit with 503, and admits them again when room frees", async () => {
    for (let i = 0; i < 25; i++) await clients.connect(`/k/${TOKEN}/ws`);
    for (let i = 0; i < 15; i++) await clients.connect(`/k/${TRADER_KEY}/ws`);
    expect(await statusOf(`/k/${TOKEN}/ws`)).toBe(503);
    clients.closeAll();
    await waitUntil(async () => (await statusOf(`/k/${TOKEN}/ws`)) === 101, "a slot frees up");
  });

  it("refuses one credential more connections than its share with 429, leaving other credentials room", async () => {
    for (let i = 0; i < 30; i++) await clients.connect(`/k/${TOKEN}/ws`);
    const refused = await statusOf(`/k/${TOKEN}/ws`);
    expect(refused).toBe(429);
    expect(await statusOf(`/k/${TRADER_KEY}/ws`)).toBe(101);
  });
});

describe("relay-wide limits", () => {
  it("refuses streams beyond the relay's upstream limit, while streams already carried stay open to anyone", async () => {
    const first = await clients.connect(`/k/${TOKEN}/ws`);
    const second = await clients.connect(`/k/${TRADER_KEY}/ws`);
    const [u, v, w] = [listedStreams(30), listedStreams(30, 30), listedStreams(2, 60)];
    expect(await first.request("SUBSCRIBE", u)).toEqual({ result: null, id: 1 });
    expect(await second.request("SUBSCRIBE", v)).toEqual({ result: null, id: 1 });
    const third = await clients.connect(`/k/${TOKEN}/ws`);
    expect(await third.request("SUBSCRIBE", [w[0]])).toEqual({
      error: {
        code: 2,
        msg: "Invalid request: too many streams on this relay: it carries at most 60 distinct streams",
      },
      id: 1,
    });
    expect(await third.request("SUBSCRIBE", [u[0], v[7]])).toEqual({ result: null, id: 2 });
    expect(await third.request("LIST_SUBSCRIPTIONS")).toEqual({ result: [u[0], v[7]], id: 3 });
    expect(await statusOf(`/k/${TOKEN}/ws/${w[1]}`)).toBe(400);
  });
});
