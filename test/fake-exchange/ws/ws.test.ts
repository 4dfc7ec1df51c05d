// The fake exchange's market-stream side behaves like Binance's futures stream servers.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import {
  type FakeExchange,
  FIRST_SEQUENCE,
  fakeRouteOf,
  type StreamConnectionInfo,
  sequenceOf,
  startFakeExchange,
} from "../index.ts";

interface Client {
  socket: WebSocket;
  messages: string[];
  pings: string[];
  closed: Promise<{ code: number; reason: string }>;
  send(value: unknown): void;
}

let fake: FakeExchange;
const clients: WebSocket[] = [];

async function waitUntil(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for a condition");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function connect(path: string, options: { autoPong?: boolean } = {}): Promise<Client> {
  const socket = new WebSocket(`${fake.wsUrl}${path}`, { autoPong: options.autoPong ?? true });
  clients.push(socket);
  const messages: string[] = [];
  const pings: string[] = [];
  socket.on("message", (data) => messages.push(String(data)));
  socket.on("ping", (data) => pings.push(data.toString("utf8")));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on("close", (code, reason) => resolve({ code, reason: reason.toString("utf8") }));
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return { socket, messages, pings, closed, send: (value) => socket.send(JSON.stringify(value)) };
}

/** Sends a request and returns every frame received up to and including the reply with its id. */
async function request(client: Client, method: string, params: unknown, id: number): Promise<string> {
  const before = client.messages.length;
  client.send(params === undefined ? { method, id } : { method, params, id });
  const isReply = (text: string) => text.endsWith(`"id":${id}}`);
  await waitUntil(() => client.messages.slice(before).some(isReply));
  return client.messages.slice(before).find(isReply) ?? "";
}

/** Sends a raw text frame and waits for the next frame. */
async function rawRequest(client: Client, text: string): Promise<string> {
  const before = client.messages.length;
  client.socket.send(text);
  await waitUntil(() => client.messages.length > before);
  return client.messages[before] ?? "";
}

function connection(id?: number): StreamConnectionInfo {
  const all = fake.streams.connections();
  const found = id === undefined ? all.at(-1) : all.find((item) => item.id === id);
  if (found === undefined) throw new Error("no such connection");
  return found;
}

beforeAll(async () => {
  fake = await startFakeExchange();
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.reset();
});

afterEach(() => {
  for (const socket of clients.splice(0)) socket.terminate();
});

describe("subscribing and receiving numbered events", () => {
  it("delivers raw payloads on /ws with sequence numbers above 2^53 written as digits", async () => {
    const client = await connect("/market/ws/btcusdt@aggTrade");
    const first = fake.streams.lastSequence("btcusdt@aggTrade") ?? FIRST_SEQUENCE - 1n;
    const published = fake.streams.publish("btcusdt@aggTrade", 3);
    expect(published).toEqual([first + 1n, first + 2n, first + 3n]);
    await waitUntil(() => client.messages.length === 3);
    expect(client.messages.map(sequenceOf)).toEqual(published);
    expect(client.messages[0]).toMatch(
      new RegExp(`^\\{"e":"aggTrade","E":\\d+,"s":"BTCUSDT","a":${first + 1n},"p":"[\\d.]+","q":"[\\d.]+"`),
    );
    expect(FIRST_SEQUENCE).toBe(9007199254740993n);
    expect(fake.streams.lastSequence("never@published")).toBeNull();
  });

  it("starts every stream at 2^53 + 1, which JSON.parse cannot represent", async () => {
    const client = await connect("/market/ws/fresh1@aggTrade");
    fake.streams.publish("fresh1@aggTrade");
    await waitUntil(() => client.messages.length === 1);
    const text = client.messages[0] ?? "";
    expect(text).toContain('"a":9007199254740993,');
    expect(sequenceOf(text)).toBe(9007199254740993n);
    expect(String((JSON.parse(text) as { a: number }).a)).toBe("9007199254740992");
  });

  it("wraps payloads on /stream as {stream,data} in that order without spaces", async () => {
    const client = await connect("/public/stream?streams=btcusdt@bookTicker/ethusdt@depth@100ms");
    const [book] = fake.streams.publish("btcusdt@bookTicker");
    const [depth] = fake.streams.publish("ethusdt@depth@100ms");
    await waitUntil(() => client.messages.length === 2);
    expect(client.messages[0]).toMatch(/^\{"stream":"btcusdt@bookTicker","data":\{"e":"bookTicker","u":\d+,/);
    expect(client.messages[1]).toMatch(/^\{"stream":"ethusdt@depth@100ms","data":\{"e":"depthUpdate",/);
    expect(client.messages.map(sequenceOf)).toEqual([book, depth]);
    expect(client.messages[1]).toContain(`"pu":${(depth ?? 0n) - 1n},`);
  });

  it("acknowledges SUBSCRIBE and UNSUBSCRIBE exactly as Binance does and delivers only while subscribed", async () => {
    const client = await connect("/market/ws");
    expect(await request(client, "SUBSCRIBE", ["btcusdt@aggTrade", "btcusdt@markPrice@1s"], 1)).toBe(
      '{"result":null,"id":1}',
    );
    const [seq] = fake.streams.publish("btcusdt@markPrice@1s");
    await waitUntil(() => client.messages.length === 2);
    expect(sequenceOf(client.messages[1] ?? "")).toBe(seq);
    expect(await request(client, "UNSUBSCRIBE", ["btcusdt@markPrice@1s"], 2)).toBe('{"result":null,"id":2}');
    fake.streams.publish("btcusdt@markPrice@1s");
    expect(await request(client, "LIST_SUBSCRIPTIONS", undefined, 3)).toBe(
      '{"result":["btcusdt@aggTrade"],"id":3}',
    );
    expect(client.messages).toHaveLength(4);
  });

  it("echoes request ids above 2^53 digit for digit", async () => {
    const client = await connect("/market/ws");
    const reply = await rawRequest(
      client,
      '{"method":"SUBSCRIBE","params":["a@aggTrade"],"id":18446744073709551615}',
    );
    expect(reply).toBe('{"result":null,"id":18446744073709551615}');
  });

  it("writes Binance-shaped payloads that sequenceOf reads back for every stream type", () => {
    const names = [
      "btcusdt@trade",
      "btcusdt@kline_1m",
      "btcusdt_perpetual@continuousKline_5m",
      "btcusdt@ticker",
      "btcusdt@miniTicker",
      "!ticker@arr",
      "!markPrice@arr@1s",
      "btcusdt@forceOrder",
      "btcusdt@rpiDepth@500ms",
      "!contractInfo",
    ];
    for (const name of names) {
      const [seq] = fake.streams.publish(name);
      expect(seq).toBe(fake.streams.lastSequence(name));
    }
    expect(
      sequenceOf('{"stream":"x@kline_1m","data":{"e":"kline","E":1,"k":{"t":1, "L":9007199254740995}}}'),
    ).toBe(9007199254740995n);
    expect(sequenceOf('{"result":null,"id":1}')).toBeNull();
  });
});

describe("the USDⓈ-M route split", () => {
  it("classifies book streams as public and everything else as market", () => {
    for (const name of ["btcusdt@bookTicker", "!bookTicker", "btcusdt@depth", "btcusdt@depth@100ms"]) {
      expect(fakeRouteOf(name)).toBe("public");
    }
    for (const name of ["btcusdt@depth20@500ms", "btcusdt@depth5", "btcusdt@rpiDepth@500ms"]) {
      expect(fakeRouteOf(name)).toBe("public");
    }
    for (const name of ["btcusdt@aggTrade", "btcusdt@markPrice", "btcusdt@kline_1m", "!ticker@arr"]) {
      expect(fakeRouteOf(name)).toBe("market");
    }
    expect(fakeRouteOf("btcusdt@forceOrder")).toBe("market");
  });

  it("acks a market stream on /public but never delivers it", async () => {
    const client = await connect("/public/ws");
    expect(await request(client, "SUBSCRIBE", ["btcusdt@aggTrade"], 1)).toBe('{"result":null,"id":1}');
    fake.streams.publish("btcusdt@aggTrade", 3);
    expect(await request(client, "LIST_SUBSCRIPTIONS", undefined, 2)).toBe(
      '{"result":["btcusdt@aggTrade"],"id":2}',
    );
    expect(client.messages).toHaveLength(2);
  });

  it("delivers market streams on /market but not public ones", async () => {
    const client = await connect("/market/stream?streams=btcusdt@aggTrade/btcusdt@bookTicker");
    fake.streams.publish("btcusdt@bookTicker");
    const [seq] = fake.streams.publish("btcusdt@aggTrade");
    await request(client, "LIST_SUBSCRIPTIONS", undefined, 1);
    expect(client.messages).toHaveLength(2);
    expect(client.messages[0]).toMatch(/^\{"stream":"btcusdt@aggTrade",/);
    expect(sequenceOf(client.messages[0] ?? "")).toBe(seq);
  });

  it("delivers only public streams on the legacy unrouted /stream and /ws", async () => {
    const combined = await connect("/stream?streams=btcusdt@aggTrade/btcusdt@bookTicker");
    const raw = await connect("/ws/btcusdt@aggTrade/btcusdt@bookTicker");
    fake.streams.publish("btcusdt@aggTrade");
    const [seq] = fake.streams.publish("btcusdt@bookTicker");
    await request(combined, "LIST_SUBSCRIPTIONS", undefined, 1);
    await request(raw, "LIST_SUBSCRIPTIONS", undefined, 1);
    expect(combined.messages.map(sequenceOf)).toEqual([seq, null]);
    expect(raw.messages.map(sequenceOf)).toEqual([seq, null]);
    expect(fake.streams.connections().map((item) => item.route)).toEqual(["unrouted", "unrouted"]);
  });

  it("refuses upgrades on paths that are no stream endpoint with 404", async () => {
    const socket = new WebSocket(`${fake.wsUrl}/userdata/ws`);
    clients.push(socket);
    const status = await new Promise<number>((resolve) => {
      socket.on("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0));
      socket.on("error", () => undefined);
    });
    expect(status).toBe(404);
  });
});

describe("COIN-M under /dstream", () => {
  it("delivers every stream on /dstream/ws and /dstream/stream", async () => {
    const raw = await connect("/dstream/ws/btcusd_perp@aggTrade");
    const combined = await connect("/dstream/stream?streams=btcusd_perp@bookTicker");
    const [trade] = fake.streams.publish("btcusd_perp@aggTrade");
    const [book] = fake.streams.publish("btcusd_perp@bookTicker");
    await waitUntil(() => raw.messages.length === 1 && combined.messages.length === 1);
    expect(sequenceOf(raw.messages[0] ?? "")).toBe(trade);
    expect(raw.messages[0]).toContain('"s":"BTCUSD_PERP"');
    expect(combined.messages[0]).toMatch(/^\{"stream":"btcusd_perp@bookTicker","data":/);
    expect(sequenceOf(combined.messages[0] ?? "")).toBe(book);
    expect(fake.streams.connections().map((item) => [item.market, item.route])).toEqual([
      ["cm", "dstream"],
      ["cm", "dstream"],
    ]);
  });
});

describe("control messages", () => {
  it("subscribes names in any script, and refuses the streams it is told to refuse", async () => {
    const client = await connect("/market/ws");
    expect(await request(client, "SUBSCRIBE", ["币安人生usdt@aggTrade"], 1)).toBe('{"result":null,"id":1}');
    fake.streams.setOptions({ refusedStreams: ["ethusdt@aggTrade"] });
    expect(await request(client, "SUBSCRIBE", ["btcusdt@aggTrade", "ethusdt@aggTrade"], 2)).toBe(
      '{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":2}',
    );
    expect(await request(client, "LIST_SUBSCRIPTIONS", undefined, 3)).toBe(
      '{"result":["币安人生usdt@aggTrade"],"id":3}',
    );
  });

  it("reports and switches the combined property per connection", async () => {
    const client = await connect("/market/ws/btcusdt@aggTrade");
    expect(await request(client, "GET_PROPERTY", ["combined"], 2)).toBe('{"result":false,"id":2}');
    expect(await request(client, "SET_PROPERTY", ["combined", true], 5)).toBe('{"result":null,"id":5}');
    expect(await request(client, "GET_PROPERTY", ["combined"], 6)).toBe('{"result":true,"id":6}');
    fake.streams.publish("btcusdt@aggTrade");
    await waitUntil(() => client.messages.length === 4);
    expect(client.messages[3]).toMatch(/^\{"stream":"btcusdt@aggTrade","data":\{"e":"aggTrade"/);
    expect(connection().combined).toBe(true);
    const combined = await connect("/market/stream");
    expect(await request(combined, "GET_PROPERTY", ["combined"], 1)).toBe('{"result":true,"id":1}');
  });

  it("answers malformed requests with Binance's error codes and messages", async () => {
    const client = await connect("/market/ws");
    const cases: Array<[string, string]> = [
      ["{", '{"error":{"code":3,"msg":"Invalid JSON: expected value at line 1 column 2"},"id":null}'],
      ["hello", '{"error":{"code":3,"msg":"Invalid JSON: expected value at line 1 column 1"},"id":null}'],
      ['{"params":[],"id":7}', '{"error":{"code":2,"msg":"Invalid request: missing field `method`"},"id":7}'],
      [
        '{"method":"SUBSCRIB","params":[],"id":8}',
        '{"error":{"code":2,"msg":"Invalid request: unknown variant `SUBSCRIB`, expected one of `SUBSCRIBE`, ' +
          '`UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY`"},"id":8}',
      ],
      [
        '{"method":"SUBSCRIBE","params":["btcusdt@aggTrade"],"id":"abc"}',
        '{"error":{"code":2,"msg":"Invalid request: request ID must be an unsigned integer"},"id":null}',
      ],
      [
        '{"method":"LIST_SUBSCRIPTIONS","id":-1}',
        '{"error":{"code":2,"msg":"Invalid request: request ID must be an unsigned integer"},"id":null}',
      ],
      [
        '{"method":"GET_PROPERTY","params":["colour"],"id":9}',
        '{"error":{"code":0,"msg":"Unknown property"},"id":9}',
      ],
      [
        '{"method":"SET_PROPERTY","params":["combined","yes"],"id":10}',
        '{"error":{"code":1,"msg":"Invalid value type: expected Boolean"},"id":10}',
      ],
      [
        '{"method":"GET_PROPERTY","params":[1],"id":11}',
        '{"error":{"code":2,"msg":"Invalid request: property name must be a string"},"id":11}',
      ],
      [
        '{"method":"SET_PROPERTY","params":["combined",true,1],"id":12}',
        '{"error":{"code":2,"msg":"Invalid request: too many parameters"},"id":12}',
      ],
      [
        '{"method":"SUBSCRIBE","params":["not a stream"],"id":13}',
        '{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":13}',
      ],
    ];
    for (const [index, [sent, expected]] of cases.entries()) {
      if (index > 0 && index % 8 === 0) await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await rawRequest(client, sent)).toBe(expected);
    }
    expect(connection().violations).toHaveLength(cases.length);
    expect(connection().subscriptions).toEqual([]);
  });

  it("records every incoming text frame with its time", async () => {
    const client = await connect("/market/ws");
    const before = Date.now();
    await request(client, "LIST_SUBSCRIPTIONS", undefined, 1);
    const { incoming } = connection();
    expect(incoming.map((frame) => frame.text)).toEqual(['{"method":"LIST_SUBSCRIPTIONS","id":1}']);
    expect(incoming[0]?.at).toBeGreaterThanOrEqual(before);
  });
});

describe("Binance's connection limits", () => {
  it("closes a connection that sends more than 10 messages within a second with 1008 Too many requests", async () => {
    const client = await connect("/market/ws");
    for (let id = 1; id <= 11; id++) client.send({ method: "LIST_SUBSCRIPTIONS", id });
    expect(await client.closed).toEqual({ code: 1008, reason: "Too many requests" });
    expect(client.messages).toHaveLength(10);
    const info = connection();
    expect(info.incoming).toHaveLength(11);
    expect(info.violations).toEqual(["too many requests: 11 messages within 1 s (limit 10)"]);
    expect(info.closeCode).toBe(1008);
  });

  it("keeps a connection that stays at 10 messages per second", async () => {
    const client = await connect("/market/ws");
    for (let id = 1; id <= 10; id++) client.send({ method: "LIST_SUBSCRIPTIONS", id });
    await waitUntil(() => client.messages.length === 10);
    await new Promise((resolve) => setTimeout(resolve, 1050));
    for (let id = 11; id <= 20; id++) client.send({ method: "LIST_SUBSCRIPTIONS", id });
    await waitUntil(() => client.messages.length === 20);
    expect(connection().violations).toEqual([]);
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
  });

  it("refuses to go beyond 1024 streams on one connection and subscribes none of the request", async () => {
    const client = await connect("/market/ws");
    const names = Array.from({ length: 1024 }, (_, index) => `s${index}usdt@aggTrade`);
    expect(await request(client, "SUBSCRIBE", names, 1)).toBe('{"result":null,"id":1}');
    expect(await request(client, "SUBSCRIBE", ["extra@aggTrade", "s0usdt@aggTrade"], 2)).toBe(
      '{"error":{"code":2,"msg":"Invalid request: too many streams"},"id":2}',
    );
    const info = connection();
    expect(info.subscriptions).toHaveLength(1024);
    expect(info.subscriptions).not.toContain("extra@aggTrade");
    expect(await request(client, "SUBSCRIBE", ["s5usdt@aggTrade"], 3)).toBe('{"result":null,"id":3}');
  });

  it("refuses an upgrade naming more streams than one connection may hold", async () => {
    fake.streams.setOptions({ maxStreamsPerConnection: 2 });
    const socket = new WebSocket(`${fake.wsUrl}/market/stream?streams=a@aggTrade/b@aggTrade/c@aggTrade`);
    clients.push(socket);
    const status = await new Promise<number>((resolve) => {
      socket.on("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0));
      socket.on("error", () => undefined);
    });
    expect(status).toBe(400);
    expect(fake.streams.connections()).toEqual([]);
    expect(() => fake.streams.setOptions({ pingIntervalMs: 0 })).toThrow(/must be an integer of at least 1/);
  });

  it("closes connections at maxConnectionMs", async () => {
    fake.streams.setOptions({ maxConnectionMs: 150 });
    const client = await connect("/public/ws/btcusdt@bookTicker");
    const started = Date.now();
    expect(await client.closed).toEqual({ code: 1000, reason: "Connection lifetime exceeded" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(connection().closeCode).toBe(1000);
  });
});

describe("pings", () => {
  it("pings with distinct payloads and records the echoing pongs as matched", async () => {
    fake.streams.setOptions({ pingIntervalMs: 30 });
    const client = await connect("/market/ws");
    await waitUntil(() => connection().pongs.length >= 3);
    const pongs = connection().pongs;
    expect(new Set(client.pings).size).toBe(client.pings.length);
    expect(client.pings[0]).toMatch(/^\d+$/);
    expect(pongs.slice(0, 3).map((pong) => pong.payload)).toEqual(client.pings.slice(0, 3));
    expect(pongs.every((pong) => pong.matched)).toBe(true);
  });

  it("records a pong with another payload as unmatched and closes the connection when no pong matches", async () => {
    fake.streams.setOptions({ pingIntervalMs: 40, pongTimeoutMs: 100 });
    const client = await connect("/market/ws", { autoPong: false });
    client.socket.on("ping", () => client.socket.pong("wrong"));
    expect(await client.closed).toEqual({ code: 1008, reason: "Pong timeout" });
    const info = connection();
    expect(info.pongs.length).toBeGreaterThan(0);
    expect(info.pongs.every((pong) => !pong.matched && pong.payload === "wrong")).toBe(true);
    expect(info.violations[0]).toMatch(/^no pong for ping "\d+" within 100 ms$/);
  });

  it("keeps answering control messages and pinging while a connection is stalled", async () => {
    fake.streams.setOptions({ pingIntervalMs: 30 });
    const client = await connect("/market/ws/btcusdt@aggTrade");
    expect(fake.streams.stall({ stream: "btcusdt@aggTrade" }, true)).toBe(1);
    fake.streams.publish("btcusdt@aggTrade", 2);
    await waitUntil(() => client.pings.length >= 2);
    expect(await request(client, "LIST_SUBSCRIPTIONS", undefined, 1)).toBe(
      '{"result":["btcusdt@aggTrade"],"id":1}',
    );
    expect(client.messages).toHaveLength(1);
    expect(connection().stalled).toBe(true);
    fake.streams.stall({}, false);
    const [seq] = fake.streams.publish("btcusdt@aggTrade");
    await waitUntil(() => client.messages.length === 2);
    expect(sequenceOf(client.messages[1] ?? "")).toBe(seq);
  });
});

describe("fault injection", () => {
  it("delays a connection's events, keeping their order", async () => {
    const slow = await connect("/market/ws/btcusdt@aggTrade");
    const fast = await connect("/market/ws/btcusdt@aggTrade");
    const [first] = fake.streams.connections();
    expect(fake.streams.delay({ connectionId: first?.id ?? 0 }, 150)).toBe(1);
    const sequences = fake.streams.publish("btcusdt@aggTrade", 3);
    await waitUntil(() => fast.messages.length === 3);
    expect(slow.messages).toHaveLength(0);
    await waitUntil(() => slow.messages.length === 3);
    expect(slow.messages.map((text) => sequenceOf(text))).toEqual(sequences);
  });

  it("drops matching connections without a close frame", async () => {
    const market = await connect("/market/ws/btcusdt@aggTrade");
    const book = await connect("/public/ws/btcusdt@bookTicker");
    expect(fake.streams.drop({ route: "market" })).toBe(1);
    expect((await market.closed).code).toBe(1006);
    expect(book.socket.readyState).toBe(WebSocket.OPEN);
    const [dropped, kept] = fake.streams.connections();
    expect(dropped).toMatchObject({ route: "market", closeCode: 1006 });
    expect(dropped?.closedAt).not.toBeNull();
    expect(kept).toMatchObject({ route: "public", closeCode: null, closedAt: null });
    expect(fake.streams.drop({ route: "market" })).toBe(0);
  });

  it("closes matching connections with the given close frame", async () => {
    const first = await connect("/market/ws/btcusdt@aggTrade");
    const second = await connect("/market/ws/ethusdt@aggTrade");
    const target = connection().id;
    expect(fake.streams.close({ connectionId: target }, 1001, "Server shutdown")).toBe(1);
    expect(await second.closed).toEqual({ code: 1001, reason: "Server shutdown" });
    expect(first.socket.readyState).toBe(WebSocket.OPEN);
    expect(connection(target).closeCode).toBe(1001);
    expect(() => fake.streams.close({}, 1006, "")).toThrow(/cannot be sent/);
  });

  it("reset ends every connection but keeps counting sequence numbers", async () => {
    const client = await connect("/market/ws/btcusdt@aggTrade");
    fake.streams.setOptions({ pingIntervalMs: 1234 });
    const [before] = fake.streams.publish("btcusdt@aggTrade");
    fake.reset();
    expect((await client.closed).code).toBe(1006);
    expect(fake.streams.connections()).toEqual([]);
    expect(fake.streams.options.pingIntervalMs).toBe(180_000);
    expect(fake.streams.publish("btcusdt@aggTrade")).toEqual([(before ?? 0n) + 1n]);
  });

  it("publishes on a timer at the requested rate without gaps", async () => {
    const client = await connect("/market/ws/tick@aggTrade");
    const stop = fake.streams.startTicker(["tick@aggTrade"], 200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    stop();
    const count = client.messages.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const last = fake.streams.lastSequence("tick@aggTrade") ?? 0n;
    await waitUntil(() => BigInt(client.messages.length) === last - FIRST_SEQUENCE + 1n);
    expect(count).toBeGreaterThan(20);
    const sequences = client.messages.map(sequenceOf);
    expect(sequences).toEqual(sequences.map((_, index) => FIRST_SEQUENCE + BigInt(index)));
  });
});

describe("the HTTP control API for streams", () => {
  async function control(method: string, name: string, body?: unknown): Promise<unknown> {
    const init: RequestInit = { method };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await fetch(`${fake.url}/__fake/streams/${name}`, init);
    expect(response.status).toBe(200);
    return response.json();
  }

  it("publishes, lists connections, stalls, closes and drops over HTTP", async () => {
    const client = await connect("/market/ws/http@aggTrade");
    const published = (await control("POST", "publish", { stream: "http@aggTrade", count: 2 })) as {
      sequences: string[];
    };
    expect(published.sequences).toEqual([String(FIRST_SEQUENCE), String(FIRST_SEQUENCE + 1n)]);
    await waitUntil(() => client.messages.length === 2);
    const listed = (await control("GET", "connections")) as StreamConnectionInfo[];
    expect(listed).toMatchObject([{ route: "market", subscriptions: ["http@aggTrade"], combined: false }]);
    expect(await control("POST", "stall", { filter: { stream: "http@aggTrade" }, on: true })).toEqual({
      affected: 1,
    });
    await control("POST", "publish", { stream: "http@aggTrade" });
    expect(connection().stalled).toBe(true);
    expect(await control("POST", "options", { pingIntervalMs: 5000 })).toMatchObject({
      pingIntervalMs: 5000,
    });
    expect(await control("POST", "close", { filter: { route: "market" }, code: 4000, reason: "x" })).toEqual({
      affected: 1,
    });
    expect(await client.closed).toEqual({ code: 4000, reason: "x" });
    expect(client.messages).toHaveLength(2);
    expect(await control("POST", "drop", { filter: {} })).toEqual({ affected: 0 });
  });

  it("starts and stops tickers and resets streams with POST /__fake/reset", async () => {
    const client = await connect("/public/ws/httptick@bookTicker");
    await control("POST", "ticker", { streams: ["httptick@bookTicker"], perSecond: 100 });
    await waitUntil(() => client.messages.length >= 3);
    await control("DELETE", "ticker");
    const stopped = fake.streams.lastSequence("httptick@bookTicker");
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(fake.streams.lastSequence("httptick@bookTicker")).toBe(stopped);
    const reset = await fetch(`${fake.url}/__fake/reset`, { method: "POST" });
    expect(reset.status).toBe(200);
    expect((await client.closed).code).toBe(1006);
    expect(await control("GET", "connections")).toEqual([]);
  });

  it("answers 400 to bad control requests", async () => {
    const response = await fetch(`${fake.url}/__fake/streams/options`, {
      method: "POST",
      body: JSON.stringify({ pingIntervalMs: -1 }),
    });
    expect(response.status).toBe(400);
    const unknown = await fetch(`${fake.url}/__fake/streams/nothing`);
    expect(unknown.status).toBe(404);
  });
});

describe("shutting down", () => {
  it("close() ends open stream connections promptly", async () => {
    const own = await startFakeExchange({ streams: { pingIntervalMs: 60_000 } });
    const socket = new WebSocket(`${own.wsUrl}/market/ws/btcusdt@aggTrade`);
    clients.push(socket);
    const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
    await new Promise((resolve) => socket.once("open", resolve));
    const started = Date.now();
    await own.close();
    expect(await closed).toBe(1006);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
