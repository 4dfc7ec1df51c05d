// The relay speaks Binance's stream protocol: paths, live messages, errors, and who may connect.
import { exports } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { sequenceOf } from "../fake-exchange/ws/payloads.ts";
import { CLIENTS } from "../support/credentials.ts";
import { fakeControl } from "../support/fake-control.ts";
import { publishWhenSubscribed as publishOnceHeld } from "../support/publish-when-subscribed.ts";
import { isData, type StreamClient } from "../support/stream-client.ts";
import { connectRelay, RefusedError } from "../support/workerd/workerd-stream.ts";

const fake = fakeControl(inject("fakeExchangeUrl"));
const TOKEN = CLIENTS.hook.token;
const open: StreamClient[] = [];

async function connect(path: string, headers: Record<string, string> = {}): Promise<StreamClient> {
  const { client } = await connectRelay(path, headers);
  open.push(client);
  return client;
}

async function refusedStatus(path: string, headers: Record<string, string> = {}): Promise<number> {
  try {
    const { client } = await connectRelay(path, headers);
    client.close();
    return 101;
  } catch (error) {
    if (error instanceof RefusedError) return error.status;
    throw error;
  }
}

/** Publishes once the fake holds `stream` upstream (the relay subscribes asynchronously). */
const publishWhenSubscribed = (stream: string, count = 1) => publishOnceHeld(fake, stream, count);

beforeEach(async () => {
  await fake.reset();
});
afterEach(() => {
  for (const client of open.splice(0)) client.close();
});

describe("connection paths", () => {
  it("serves raw payloads on /ws/<stream>, byte for byte", async () => {
    const client = await connect(`/k/${TOKEN}/ws/btcusdt@aggTrade`);
    const sequences = await publishWhenSubscribed("btcusdt@aggTrade", 2);
    const frames = await client.waitForCount(isData, 2);
    expect(frames.map((f) => String(sequenceOf(f)))).toEqual(sequences);
    expect(frames[0]).toMatch(/^\{"e":"aggTrade","E":\d+,"s":"BTCUSDT","a":9007\d{12},/);
  });

  it("serves combined envelopes on /stream?streams=", async () => {
    const client = await connect(`/k/${TOKEN}/stream?streams=btcusdt@aggTrade/ethusdt@aggTrade`);
    await publishWhenSubscribed("ethusdt@aggTrade");
    const frame = await client.waitFor(isData);
    expect(frame).toMatch(/^\{"stream":"ethusdt@aggTrade","data":\{"e":"aggTrade",.*\}\}$/);
  });

  it("accepts any USDⓈ-M prefix for any stream, and routes each upstream where Binance serves it", async () => {
    const onPublic = await connect(`/k/${TOKEN}/public/ws/btcusdt@markPrice`);
    const onMarket = await connect(`/k/${TOKEN}/market/ws/btcusdt@bookTicker`);
    await publishWhenSubscribed("btcusdt@markPrice");
    await publishWhenSubscribed("btcusdt@bookTicker");
    await onPublic.waitFor(isData);
    await onMarket.waitFor(isData);
    const connections = (await fake.streams.connections()).filter((c) => c.closedAt === null);
    const routeOf = (stream: string) => [
      ...new Set(connections.filter((c) => c.subscriptions.includes(stream)).map((c) => c.route)),
    ];
    expect(routeOf("btcusdt@markPrice")).toEqual(["market"]);
    expect(routeOf("btcusdt@bookTicker")).toEqual(["public"]);
  });

  it("serves COIN-M under /cm from the COIN-M stream server", async () => {
    const client = await connect(`/k/${TOKEN}/cm/ws/btcusd_perp@aggTrade`);
    await publishWhenSubscribed("btcusd_perp@aggTrade");
    await client.waitFor(isData);
    const connections = await fake.streams.connections();
    expect(
      connections
        .filter((c) => c.subscriptions.includes("btcusd_perp@aggTrade"))
        .every((c) => c.route === "dstream"),
    ).toBe(true);
  });
});

describe("live messages", () => {
  it("answers SUBSCRIBE, LIST_SUBSCRIPTIONS and UNSUBSCRIBE with the id echoed", async () => {
    const client = await connect(`/k/${TOKEN}/ws`);
    expect(await client.request("SUBSCRIBE", ["btcusdt@aggTrade", "btcusdt@depth@100ms"])).toEqual({
      result: null,
      id: 1,
    });
    expect(await client.request("LIST_SUBSCRIPTIONS")).toEqual({
      result: ["btcusdt@aggTrade", "btcusdt@depth@100ms"],
      id: 2,
    });
    expect(await client.request("UNSUBSCRIBE", ["btcusdt@aggTrade"])).toEqual({ result: null, id: 3 });
    expect(await client.request("LIST_SUBSCRIPTIONS")).toEqual({ result: ["btcusdt@depth@100ms"], id: 4 });
  });

  it("switches between raw and combined with SET_PROPERTY and reports it with GET_PROPERTY", async () => {
    const client = await connect(`/k/${TOKEN}/ws/btcusdt@aggTrade`);
    expect(await client.request("GET_PROPERTY", ["combined"])).toEqual({ result: false, id: 1 });
    expect(await client.request("SET_PROPERTY", ["combined", true])).toEqual({ result: null, id: 2 });
    expect(await client.request("GET_PROPERTY", ["combined"])).toEqual({ result: true, id: 3 });
    await publishWhenSubscribed("btcusdt@aggTrade");
    expect(await client.waitFor(isData)).toMatch(/^\{"stream":"btcusdt@aggTrade","data":/);
  });

  it("echoes big integer ids and string ids exactly", async () => {
    const client = await connect(`/k/${TOKEN}/ws`);
    client.send('{"method":"LIST_SUBSCRIPTIONS","id":18446744073709551615}');
    expect(await client.waitFor((t) => t.includes("18446744073709551615"))).toBe(
      '{"result":[],"id":18446744073709551615}',
    );
    client.send('{"method":"LIST_SUBSCRIPTIONS","id":"0f1e2d3c4b5a69780f1e2d3c4b5a6978"}');
    expect(await client.waitFor((t) => t.includes("0f1e2d"))).toBe(
      '{"result":[],"id":"0f1e2d3c4b5a69780f1e2d3c4b5a6978"}',
    );
  });

  it("answers every bad request with Binance's code and message, and stays connected", async () => {
    const client = await connect(`/k/${TOKEN}/ws`);
    const cases: [string, RegExp][] = [
      ["{not json", /^\{"error":\{"code":3,"msg":"Invalid JSON: .* at line 1 column \d+"\},"id":null\}$/],
      [
        '{"method":"PING","id":7}',
        /^\{"error":\{"code":2,"msg":"Invalid request: unknown variant `PING`, expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY` at line 1 column \d+"\},"id":7\}$/,
      ],
      [
        '{"method":"SUBSCRIBE","params":[],"id":-3}',
        /^\{"error":\{"code":2,"msg":"Invalid request: request ID must be an unsigned integer"\},"id":null\}$/,
      ],
      [
        '{"method":"GET_PROPERTY","params":["combined","x"],"id":8}',
        /^\{"error":\{"code":2,"msg":"Invalid request: too many parameters"\},"id":8\}$/,
      ],
      [
        '{"method":"SUBSCRIBE","params":["BTCUSDT@aggTrade"],"id":9}',
        /^\{"error":\{"code":2,"msg":"Invalid request: invalid stream"\},"id":9\}$/,
      ],
      [
        '{"method":"SUBSCRIBE","params":["btcusdt@markPrice@3s"],"id":10}',
        /^\{"error":\{"code":2,"msg":"Invalid request: invalid stream"\},"id":10\}$/,
      ],
      [
        '{"method":"SET_PROPERTY","params":["speed",true],"id":11}',
        /^\{"error":\{"code":0,"msg":"Unknown property"\},"id":11\}$/,
      ],
      [
        '{"method":"SET_PROPERTY","params":["combined","yes"],"id":12}',
        /^\{"error":\{"code":1,"msg":"Invalid value type: expected Boolean"\},"id":12\}$/,
      ],
      [
        '{"params":[],"id":13}',
        /^\{"error":\{"code":2,"msg":"Invalid request: missing field `method` at line 1 column \d+"\},"id":13\}$/,
      ],
    ];
    for (const [sent, expected] of cases) {
      const before = client.messages.length;
      client.send(sent);
      await client.waitForCount(() => true, before + 1);
      expect(client.messages[before]).toMatch(expected);
      await new Promise((resolve) => setTimeout(resolve, 110));
    }
    expect(await client.request("LIST_SUBSCRIPTIONS")).toEqual({ result: [], id: 1 });
  });

  it("answers an application-level ping with pong", async () => {
    const client = await connect(`/k/${TOKEN}/ws`);
    client.send("ping");
    expect(await client.waitFor((t) => t === "pong")).toBe("pong");
  });
});

describe("closing", () => {
  it("answers a client's Close with its code and reason (RFC 6455 §5.5.1), on a stream and on an empty socket", async () => {
    for (const path of [`/k/${TOKEN}/ws/btcusdt@aggTrade`, `/k/${TOKEN}/ws`]) {
      const { client, response } = await connectRelay(path);
      response.webSocket?.close(4000, "bye");
      // The client's close event fires when the relay's answer arrives; without one it never would.
      const answer = await Promise.race([
        client.closed,
        new Promise((resolve) => setTimeout(() => resolve("no answer within 1 s"), 1000)),
      ]);
      expect(answer, path).toEqual({ code: 4000, reason: "bye" });
    }
  });
});

describe("who may connect", () => {
  it("takes a credential as a path prefix, a token query parameter, or a Sec-WebSocket-Protocol it echoes", async () => {
    await connect(`/k/${TOKEN}/ws`);
    await connect(`/ws?token=${TOKEN}`);
    await connect(`/k/${CLIENTS.trader.apiKey}/stream`);
    const { response, client } = await connectRelay("/ws", { "Sec-WebSocket-Protocol": TOKEN });
    open.push(client);
    expect(response.headers.get("Sec-WebSocket-Protocol")).toBe(TOKEN);
  });

  it("refuses anonymous clients, unknown credentials and clients without the stream scope", async () => {
    expect(await refusedStatus("/ws/btcusdt@aggTrade")).toBe(401);
    expect(await refusedStatus("/k/not-a-real-credential-000/ws")).toBe(401);
    expect(await refusedStatus(`/k/${CLIENTS.reader.apiKey}/ws`)).toBe(401);
  });

  it("accepts a minted token, and refuses a tampered one", async () => {
    const minted = await exports.default.fetch(
      new Request("https://gateway.test/gateway/stream-token", {
        method: "POST",
        headers: { Authorization: `Bearer ${TOKEN}` },
      }),
    );
    const { token, expiresAt } = (await minted.json()) as { token: string; expiresAt: number };
    expect(expiresAt).toBeGreaterThan(Date.now());
    await connect(`/k/${token}/ws`);
    expect(await refusedStatus(`/k/${token.slice(0, -2)}xx/ws`)).toBe(401);
  });

  it("refuses minting a token without the stream scope", async () => {
    const minted = await exports.default.fetch(
      new Request("https://gateway.test/gateway/stream-token", {
        method: "POST",
        headers: { Authorization: `Bearer ${CLIENTS.viewer.token}` },
      }),
    );
    expect(minted.status).toBe(401);
  });

  it("refuses an Origin outside RELAY_ALLOWED_ORIGINS and accepts one inside", async () => {
    expect(await refusedStatus(`/k/${TOKEN}/ws`, { Origin: "https://evil.example" })).toBe(403);
    await connect(`/k/${TOKEN}/ws`, { Origin: "https://allowed.example" });
  });

  it("refuses invalid stream names in the URL with a clear answer", async () => {
    expect(await refusedStatus(`/k/${TOKEN}/ws/BTCUSDT@aggTrade`)).toBe(400);
  });

  it("answers a plain HTTP request on a stream path with 426", async () => {
    const response = await exports.default.fetch(new Request(`https://gateway.test/k/${TOKEN}/ws`));
    expect(response.status).toBe(426);
  });
});
