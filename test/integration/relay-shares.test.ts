// The relay's capacity cannot be taken by one caller: streams must name symbols the market lists, and each
// caller (every anonymous client together) holds at most its share of distinct streams. Here the relay carries
// 60 streams, a credential's share is 40 and the anonymous share 10 (RELAY_TEST_VARS).
import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { app } from "../../workers/api/app.ts";
import type { GatewayEnv } from "../../workers/env.ts";
import { CLIENTS } from "../support/credentials.ts";
import { isData, StreamClient } from "../support/stream-client.ts";
import {
  Clients,
  fake,
  listedStreams,
  relayDrained,
  statusOf,
  subscribedUpstream,
  waitUntil,
} from "../support/workerd/relay-helpers.ts";
import { connectRelay, RefusedError } from "../support/workerd/workerd-stream.ts";

const TOKEN = CLIENTS.hook.token;
const TRADER_KEY = CLIENTS.trader.apiKey;
const clients = new Clients();
const anonymous: StreamClient[] = [];

beforeEach(async () => {
  await fake.reset();
});
afterEach(async () => {
  clients.closeAll();
  for (const client of anonymous.splice(0)) client.close();
  await relayDrained();
});

/** The refusal of a connect: its status and Binance-shaped body. */
async function refusal(path: string): Promise<{ status: number; body: unknown }> {
  try {
    const { client } = await connectRelay(path);
    client.close();
  } catch (error) {
    if (!(error instanceof RefusedError)) throw error;
    return { status: error.status, body: JSON.parse(error.message.replace(/^refused \d+: /, "")) };
  }
  throw new Error(`${path} was accepted`);
}

/** Receives one event on `stream` (published once the relay holds it upstream). */
async function receives(client: StreamClient, stream: string): Promise<void> {
  await subscribedUpstream(stream);
  const [sequence] = await fake.streams.publish(stream);
  await client.waitFor((text) => isData(text) && text.includes(String(sequence)));
}

describe("symbols the market does not list", () => {
  it("are refused at connect with -9020, before anything goes upstream", async () => {
    expect(await refusal(`/k/${TOKEN}/ws/fakeusdt@aggTrade`)).toEqual({
      status: 400,
      body: {
        code: -9020,
        msg: "Stream relay: invalid stream: fakeusdt@aggTrade names no symbol this market lists",
      },
    });
    expect((await refusal(`/k/${TOKEN}/cm/ws/btcusdt@aggTrade`)).status).toBe(400);
    const held = (await fake.streams.connections()).flatMap((c) => c.subscriptions);
    expect(held).not.toContain("fakeusdt@aggTrade");
  });

  it("are refused in SUBSCRIBE with Binance's error, the rest of the request not taking effect", async () => {
    const client = await clients.connect(`/k/${TOKEN}/ws`);
    expect(await client.request("SUBSCRIBE", ["btcusdt@aggTrade", "s0usdt@aggTrade"])).toEqual({
      error: {
        code: 2,
        msg: "Invalid request: invalid stream: s0usdt@aggTrade names no symbol this market lists",
      },
      id: 1,
    });
    expect(await client.request("LIST_SUBSCRIPTIONS")).toEqual({ result: [], id: 2 });
    // Streams about no one symbol, and continuous klines of a listed pair, are fine.
    expect(
      await client.request("SUBSCRIBE", ["!bookTicker", "btcusdt_perpetual@continuousKline_1m"]),
    ).toEqual({
      result: null,
      id: 3,
    });
  });

  it("are accepted soon after the exchange lists them", async () => {
    const client = await clients.connect(`/k/${TOKEN}/ws`);
    expect((await client.request("SUBSCRIBE", ["newusdt@aggTrade"])).error).toBeDefined();
    await fake.list("um", "NEWUSDT");
    // Reread at most once per RELAY_SYMBOLS_REFRESH_MS (a second here; a minute at most in production). Asked
    // every 200 ms, inside the client's message budget.
    await waitUntil(async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return (await client.request("SUBSCRIBE", ["newusdt@aggTrade"])).result === null;
    }, "the new listing is accepted");
    await receives(client, "newusdt@aggTrade");
  });

  it("do not cost streams already carried when exchangeInfo cannot be read", async () => {
    const first = await clients.connect(`/k/${TOKEN}/ws/btcusdt@aggTrade`);
    await subscribedUpstream("btcusdt@aggTrade", 2);
    await fake.injectFault({
      kind: "server-error",
      status: 503,
      times: 1000,
      match: { path: "/fapi/v1/exchangeInfo" },
    });
    // Past the refresh interval: every reread fails from here on.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await clients.connect(`/k/${TRADER_KEY}/ws/btcusdt@aggTrade`);
    const third = await clients.connect(`/k/${TRADER_KEY}/ws/ethusdt@kline_1m`);
    await receives(second, "btcusdt@aggTrade");
    await receives(third, "ethusdt@kline_1m");
    await first.waitFor(isData);
    // The last listing still stands: a made-up name is still refused.
    expect((await refusal(`/k/${TRADER_KEY}/ws/fakeusdt@aggTrade`)).status).toBe(400);
    await fake.clearFaults();
  });
});

describe("each caller's share", () => {
  it("keeps a hog to its share, so a second caller still connects, subscribes and receives data", async () => {
    // The hog asks for all 60 streams the relay can carry, over two sockets, and takes what it is given.
    const [a, b] = [await clients.connect(`/k/${TOKEN}/ws`), await clients.connect(`/k/${TOKEN}/ws`)];
    const replies = [
      await a.request("SUBSCRIBE", listedStreams(30)),
      await b.request("SUBSCRIBE", listedStreams(30, 30)),
      await b.request("SUBSCRIBE", listedStreams(10, 30)),
    ];

    const [fresh, more] = [listedStreams(1, 60)[0] ?? "", listedStreams(5, 61)];
    const other = await clients.connect(`/k/${TRADER_KEY}/ws/${fresh}`);
    await receives(other, fresh);
    expect(await other.request("SUBSCRIBE", more)).toEqual({ result: null, id: 1 });
    await receives(other, more[4] ?? "");

    expect(replies).toEqual([
      { result: null, id: 1 },
      {
        error: {
          code: 2,
          msg: "Invalid request: too many streams: the sockets of one credential hold at most 40 distinct streams together",
        },
        id: 1,
      },
      { result: null, id: 2 },
    ]);
    // Another socket, or a token minted for the same client, is the same caller.
    expect(await statusOf(`/k/${TOKEN}/ws/${listedStreams(1, 40)[0]}`)).toBe(429);
    const minted = await exports.default.fetch(
      new Request("https://gateway.test/gateway/stream-token", {
        method: "POST",
        headers: { Authorization: `Bearer ${TOKEN}` },
      }),
    );
    const { token } = (await minted.json()) as { token: string };
    expect(await statusOf(`/k/${token}/ws/${listedStreams(1, 40)[0]}`)).toBe(429);
    // Streams it already holds stay open to it.
    expect(await statusOf(`/k/${token}/ws/${listedStreams(1, 0)[0]}`)).toBe(101);
  });

  it("frees a share's room as its streams are let go", async () => {
    const a = await clients.connect(`/k/${TOKEN}/ws`);
    const b = await clients.connect(`/k/${TOKEN}/ws`);
    expect(await a.request("SUBSCRIBE", listedStreams(30))).toEqual({ result: null, id: 1 });
    expect(await b.request("SUBSCRIBE", listedStreams(10, 30))).toEqual({ result: null, id: 1 });
    expect((await b.request("SUBSCRIBE", listedStreams(1, 40))).error).toBeDefined();
    // Held by both sockets: letting go on one socket frees nothing.
    expect(await b.request("SUBSCRIBE", listedStreams(1, 0))).toEqual({ result: null, id: 3 });
    expect(await a.request("UNSUBSCRIBE", listedStreams(1, 0))).toEqual({ result: null, id: 2 });
    expect((await b.request("SUBSCRIBE", listedStreams(1, 40))).error).toBeDefined();
    a.close();
    await waitUntil(async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return (await b.request("SUBSCRIBE", listedStreams(1, 40))).result === null;
    }, "the closed socket's streams are freed");
  });
});

describe("anonymous clients of a public relay", () => {
  const publicEnv = { ...env, RELAY_PUBLIC: "true" } as GatewayEnv;

  async function connectFrom(ip: string, path: string): Promise<StreamClient | number> {
    const request = new Request(`https://gateway.test${path}`, {
      headers: { Upgrade: "websocket", "CF-Connecting-IP": ip },
    });
    const response = await app.fetch(request, publicEnv, createExecutionContext());
    const ws = response.webSocket;
    if (response.status !== 101 || ws === null) return response.status;
    ws.accept();
    const client = new StreamClient(ws);
    anonymous.push(client);
    return client;
  }

  it("share one bucket whatever their addresses, leaving credentials their own", async () => {
    const ten = listedStreams(10);
    const first = await connectFrom("203.0.113.1", `/stream?streams=${ten.join("/")}`);
    expect(first).toBeInstanceOf(StreamClient);
    expect(await connectFrom("203.0.113.2", `/ws/${listedStreams(1, 10)[0]}`)).toBe(429);
    expect(await connectFrom("2001:db8::7", `/ws/${listedStreams(1, 11)[0]}`)).toBe(429);
    // What the public already holds stays open to any address.
    const second = await connectFrom("203.0.113.2", `/ws/${ten[3]}`);
    if (!(second instanceof StreamClient)) throw new Error(`refused ${second}`);
    await receives(second, ten[3] ?? "");
    const third = await connectFrom("198.51.100.9", "/ws");
    if (!(third instanceof StreamClient)) throw new Error(`refused ${third}`);
    expect(await third.request("SUBSCRIBE", listedStreams(1, 12))).toEqual({
      error: {
        code: 2,
        msg: "Invalid request: too many streams: anonymous clients together hold at most 10 distinct streams",
      },
      id: 1,
    });
    const credentialed = await clients.connect(`/k/${TOKEN}/ws/${listedStreams(1, 10)[0]}`);
    await receives(credentialed, listedStreams(1, 10)[0] ?? "");
  });
});
