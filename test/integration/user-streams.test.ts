// User data streams through the relay: relay listen keys from the gateway, Binance's listen key owned by the
// account's user stream object, events fanned out unmodified, and the key's lifecycle recovered at the edge.
import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { mintRelayKey, relayKeyMac } from "../../shared/auth/relay-key.ts";
import { userStreamName } from "../../workers/durable-objects.ts";
import { signedQuery } from "../support/client-signing.ts";
import { CLIENTS, REAL_KEYS } from "../support/credentials.ts";
import { fakeControl } from "../support/fake-control.ts";
import type { StreamClient } from "../support/stream-client.ts";
import { connectRelay, RefusedError } from "../support/workerd/workerd-stream.ts";

const fake = fakeControl(inject("fakeExchangeUrl"));
const trader = CLIENTS.trader;
const second = CLIENTS.second;
type Client = { readonly apiKey: string; readonly apiSecret: string };
type Market = "um" | "cm";
const PATHS = { um: "/fapi/v1/listenKey", cm: "/dapi/v1/listenKey" } as const;

const open: StreamClient[] = [];
const issued: { client: Client; market: Market; key: string }[] = [];

function gateway(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`https://gateway.test${path}`, init));
}

async function listenKeyCall(
  client: Client,
  method: "POST" | "PUT" | "DELETE",
  market: Market = "um",
  key?: string,
): Promise<{ status: number; body: string }> {
  const query = key === undefined ? "" : `?listenKey=${key}`;
  const response = await gateway(`${PATHS[market]}${query}`, {
    method,
    headers: { "X-MBX-APIKEY": client.apiKey },
  });
  return { status: response.status, body: await response.text() };
}

async function relayKey(client: Client, market: Market = "um"): Promise<string> {
  const { status, body } = await listenKeyCall(client, "POST", market);
  expect(status, body).toBe(200);
  const key = (JSON.parse(body) as { listenKey: string }).listenKey;
  issued.push({ client, market, key });
  return key;
}

async function connect(path: string): Promise<StreamClient> {
  const { client } = await connectRelay(path);
  open.push(client);
  return client;
}

async function refusal(path: string): Promise<{ status: number; message: string }> {
  try {
    const { client } = await connectRelay(path);
    client.close();
    return { status: 101, message: "" };
  } catch (error) {
    if (error instanceof RefusedError) return { status: error.status, message: error.message };
    throw error;
  }
}

/** Binance's listen key for the real API key, once the user stream object holds it upstream. */
async function binanceKeyListened(apiKey: string, market: Market = "um", not?: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const key = (await fake.listenKeys(market)).find((k) => k.apiKey === apiKey && k.listenKey !== not);
    const connections = await fake.streams.connections();
    if (
      key !== undefined &&
      connections.some((c) => c.closedAt === null && c.subscriptions.includes(key.listenKey))
    )
      return key.listenKey;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("the user stream never listened upstream");
}

/** Sends an event on the account's listen keys until the client has it (the relay's feed opens asynchronously). */
async function deliver(market: Market, apiKey: string, payload: string, client: StreamClient) {
  for (let i = 0; i < 100; i++) {
    await fake.userEvent(market, apiKey, payload);
    try {
      return await client.waitFor((text) => text.includes(payload), 100);
    } catch {
      // Not through yet.
    }
  }
  throw new Error(`never delivered: ${payload}`);
}

let eventNumber = 0;
function event(type: string): string {
  eventNumber++;
  return `{"e":"${type}","E":${Date.now()},"T":${Date.now()},"i":"relay-test-${eventNumber}","id":9007199254740993}`;
}

beforeEach(async () => {
  await fake.reset();
});
afterEach(async () => {
  for (const client of open.splice(0)) client.close();
  // Revoked keys stop their user stream objects, so nothing keeps calling the fake between tests.
  for (const { client, market, key } of issued.splice(0)) await listenKeyCall(client, "DELETE", market, key);
});

describe("listen keys through the gateway", () => {
  it("hands out a relay key in Binance's shapes, never Binance's own", async () => {
    const key = await relayKey(trader);
    expect(key).toMatch(/^[A-Za-z0-9]{64}$/);
    const real = await binanceKeyListened(REAL_KEYS.hmac.apiKey);
    expect(real).not.toBe(key);
    // Asked again, the client gets the same key, as from Binance.
    expect(await relayKey(trader)).toBe(key);
    expect(await listenKeyCall(trader, "PUT", "um", key)).toEqual({
      status: 200,
      body: JSON.stringify({ listenKey: key }),
    });
    expect((await fake.listenKeys("um")).map((k) => k.listenKey)).toEqual([real]);
    expect(await listenKeyCall(trader, "DELETE", "um", key)).toEqual({ status: 200, body: "{}" });
    expect((await listenKeyCall(trader, "PUT", "um", key)).body).toBe(
      '{"code":-1125,"msg":"This listenKey does not exist."}',
    );
  });

  it("answers -1125 for keys that are not the caller's", async () => {
    const made = "A".repeat(64);
    const unknown = await listenKeyCall(trader, "PUT", "um", made);
    expect(unknown).toEqual({ status: 400, body: '{"code":-1125,"msg":"This listenKey does not exist."}' });
    const theirs = await relayKey(second);
    expect((await listenKeyCall(trader, "PUT", "um", theirs)).status).toBe(400);
    expect((await listenKeyCall(trader, "DELETE", "um", theirs)).status).toBe(400);
    // The other client's key is untouched by a DELETE that named it.
    expect((await listenKeyCall(second, "PUT", "um", theirs)).status).toBe(200);
    const cm = await relayKey(trader, "cm");
    expect((await listenKeyCall(trader, "PUT", "um", cm)).status).toBe(400);
  });

  it("needs the stream scope", async () => {
    const reader = CLIENTS.reader;
    const response = await listenKeyCall(reader, "POST");
    expect(response.status).toBe(401);
    expect(response.body).toContain("lacks the 'stream' scope");
    expect(await fake.listenKeys("um")).toEqual([]);
  });
});

describe("events on the relay", () => {
  it("delivers an order placed through the gateway as ORDER_TRADE_UPDATE", async () => {
    const key = await relayKey(trader);
    const client = await connect(`/private/ws?listenKey=${key}`);
    await binanceKeyListened(REAL_KEYS.hmac.apiKey);
    const params = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1";
    let placed = "";
    // The relay's feed opens asynchronously: orders are placed until one's update arrives.
    for (let i = 0; i < 50 && placed === ""; i++) {
      const response = await gateway(`/fapi/v1/order?${await signedQuery(trader.apiSecret, params)}`, {
        method: "POST",
        headers: { "X-MBX-APIKEY": trader.apiKey },
      });
      const body = await response.text();
      expect(response.status, body).toBe(200);
      const orderId = /"orderId":(\d+)/.exec(body)?.[1] ?? "";
      placed = await client
        .waitFor((text) => text.includes(`"i":${orderId},`) && text.includes('"e":"ORDER_TRADE_UPDATE"'), 200)
        .catch(() => "");
    }
    expect(placed).toMatch(/^\{"e":"ORDER_TRADE_UPDATE",.*"x":"NEW".*\}$/);
  });

  it("passes every event type through byte for byte, in order, on each of Binance's paths", async () => {
    const key = await relayKey(trader);
    const raw = await connect(`/private/ws?listenKey=${key}`);
    const combined = await connect(`/private/stream?listenKey=${key}`);
    const plain = await connect(`/ws/${key}`);
    await binanceKeyListened(REAL_KEYS.hmac.apiKey);
    const first = event("ACCOUNT_CONFIG_UPDATE");
    for (const client of [raw, combined, plain]) await deliver("um", REAL_KEYS.hmac.apiKey, first, client);
    const types = ["ORDER_TRADE_UPDATE", "ACCOUNT_UPDATE", "ALGO_UPDATE", "TRADE_LITE", "MARGIN_CALL"];
    const payloads = types.map(event);
    for (const payload of payloads) await fake.userEvent("um", REAL_KEYS.hmac.apiKey, payload);
    const isEvent = (text: string) => text.includes('"i":"relay-test-');
    const after = (client: StreamClient) => client.messages.filter(isEvent).slice(-payloads.length);
    await raw.waitFor((text) => text.includes(payloads.at(-1) ?? "?"));
    await combined.waitFor((text) => text.includes(payloads.at(-1) ?? "?"));
    await plain.waitFor((text) => text.includes(payloads.at(-1) ?? "?"));
    expect(after(raw)).toEqual(payloads);
    expect(after(plain)).toEqual(payloads);
    expect(after(combined)).toEqual(payloads.map((p) => `{"stream":"${key}","data":${p}}`));
  });

  it("filters by events= and serves COIN-M on /cm/ws/<key>", async () => {
    const key = await relayKey(trader);
    const filtered = await connect(`/private/ws?listenKey=${key}&events=ORDER_TRADE_UPDATE`);
    const everything = await connect(`/private/ws?listenKey=${key}`);
    await binanceKeyListened(REAL_KEYS.hmac.apiKey);
    const account = event("ACCOUNT_UPDATE");
    await deliver("um", REAL_KEYS.hmac.apiKey, account, everything);
    const order = event("ORDER_TRADE_UPDATE");
    await deliver("um", REAL_KEYS.hmac.apiKey, order, filtered);
    expect(filtered.messages.filter((m) => m.startsWith('{"e":'))).toEqual([order]);
    const bad = await refusal(`/private/ws?listenKey=${key}&events=NOT_AN_EVENT`);
    expect(bad.status).toBe(400);

    const cmKey = await relayKey(trader, "cm");
    const cm = await connect(`/cm/ws/${cmKey}`);
    await binanceKeyListened(REAL_KEYS.hmac.apiKey, "cm");
    await deliver("cm", REAL_KEYS.hmac.apiKey, event("ORDER_TRADE_UPDATE"), cm);
    // COIN-M keys belong on COIN-M paths only.
    expect((await refusal(`/ws/${cmKey}`)).status).toBe(400);
  });

  it("takes a relay key in SUBSCRIBE on any relay socket, as the reference connector's user_data() does", async () => {
    const key = await relayKey(trader);
    const client = await connect(`/k/${CLIENTS.hook.token}/ws`);
    expect(await client.request("SUBSCRIBE", [key])).toEqual({ result: null, id: 1 });
    expect(await client.request("LIST_SUBSCRIPTIONS")).toEqual({ result: [key], id: 2 });
    await binanceKeyListened(REAL_KEYS.hmac.apiKey);
    await deliver("um", REAL_KEYS.hmac.apiKey, event("ORDER_TRADE_UPDATE"), client);
    const unknown = await client.request("SUBSCRIBE", ["B".repeat(64)]);
    expect(unknown).toMatchObject({ error: { code: -1125 }, id: 3 });
    expect(await client.request("LIST_SUBSCRIPTIONS")).toEqual({ result: [key], id: 4 });
  });

  it("handles a client's messages in order while a listen key's feed opens", async () => {
    const key = await relayKey(trader);
    const client = await connect(`/k/${CLIENTS.hook.token}/ws`);
    // Sent back to back: the UNSUBSCRIBE must not overtake the SUBSCRIBE that waits for the feed.
    client.send({ method: "SUBSCRIBE", params: [key], id: 101 });
    client.send({ method: "UNSUBSCRIBE", params: [key], id: 102 });
    expect(await client.request("LIST_SUBSCRIPTIONS")).toEqual({ result: [], id: 1 });
    const replies = client.messages.filter((m) => m.startsWith('{"result"'));
    expect(replies).toEqual(['{"result":null,"id":101}', '{"result":null,"id":102}', '{"result":[],"id":1}']);
    // A SUBSCRIBE naming a dead key changes nothing, not even for the live key beside it.
    const mixed = await client.request("SUBSCRIBE", [key, "D".repeat(64)]);
    expect(mixed).toMatchObject({ error: { code: -1125 } });
    expect(await client.request("LIST_SUBSCRIPTIONS")).toMatchObject({ result: [] });
  });

  it("keeps two accounts apart", async () => {
    const mainKey = await relayKey(trader);
    const secondKey = await relayKey(second);
    const mine = await connect(`/private/ws?listenKey=${mainKey}`);
    const theirs = await connect(`/private/ws?listenKey=${secondKey}`);
    await binanceKeyListened(REAL_KEYS.hmac.apiKey);
    await binanceKeyListened(REAL_KEYS.ed25519.apiKey);
    const forMain = event("ACCOUNT_UPDATE");
    const forSecond = event("ACCOUNT_UPDATE");
    await deliver("um", REAL_KEYS.hmac.apiKey, forMain, mine);
    await deliver("um", REAL_KEYS.ed25519.apiKey, forSecond, theirs);
    const marker = event("ORDER_TRADE_UPDATE");
    await deliver("um", REAL_KEYS.hmac.apiKey, marker, mine);
    await deliver("um", REAL_KEYS.ed25519.apiKey, marker, theirs);
    expect(mine.messages.some((m) => m.includes(forSecond))).toBe(false);
    expect(theirs.messages.some((m) => m.includes(forMain))).toBe(false);
  });
});

describe("keys from an earlier GATEWAY_CLIENTS", () => {
  it("replaces a stored key the gateway no longer accepts instead of handing it out again", async () => {
    const key = await relayKey(trader);
    // The client's key as if minted before the clients changed: its tag no longer checks out.
    const stale = await mintRelayKey(await relayKeyMac("an earlier GATEWAY_CLIENTS"), {
      account: "main",
      market: "um",
    });
    const stream = env.USER_STREAM.getByName(userStreamName("main", "um", null));
    await runInDurableObject(stream, async (_instance, state) => {
      state.storage.sql.exec("UPDATE relay_keys SET key = ? WHERE key = ?", stale, key);
    });
    const fresh = await relayKey(trader);
    expect(fresh).not.toBe(stale);
    expect(fresh).not.toBe(key);
    expect((await listenKeyCall(trader, "PUT", "um", fresh)).status).toBe(200);
    const rows = await runInDurableObject(stream, async (_instance, state) =>
      state.storage.sql
        .exec<{ key: string }>("SELECT key FROM relay_keys")
        .toArray()
        .map((row) => row.key),
    );
    expect(rows).toEqual([fresh]);
  });
});

describe("lifecycle at the edge", () => {
  it("keeps Binance's key alive", async () => {
    await relayKey(trader);
    const real = await binanceKeyListened(REAL_KEYS.hmac.apiKey);
    const before = (await fake.listenKeys("um")).find((k) => k.listenKey === real)?.expiresAt ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const after = (await fake.listenKeys("um")).find((k) => k.listenKey === real)?.expiresAt ?? 0;
    expect(after).toBeGreaterThan(before);
    const puts = (await fake.requests()).filter((r) => r.method === "PUT" && r.path === "/fapi/v1/listenKey");
    expect(puts.length).toBeGreaterThan(0);
    expect(puts.every((r) => r.apiKey === REAL_KEYS.hmac.apiKey)).toBe(true);
  });

  it("recovers from listenKeyExpired and from -1125 without the client reconnecting", async () => {
    const key = await relayKey(trader);
    const client = await connect(`/private/ws?listenKey=${key}&relayEvents=true`);
    const first = await binanceKeyListened(REAL_KEYS.hmac.apiKey);
    await deliver("um", REAL_KEYS.hmac.apiKey, event("ACCOUNT_UPDATE"), client);

    expect(await fake.expireListenKey(first)).toBe(true);
    await client.waitFor((text) => text.startsWith('{"relay":"reconnecting"'));
    const replacement = await binanceKeyListened(REAL_KEYS.hmac.apiKey, "um", first);
    await client.waitFor((text) => text.startsWith('{"relay":"reconnected"'));
    await deliver("um", REAL_KEYS.hmac.apiKey, event("ORDER_TRADE_UPDATE"), client);

    expect(await fake.forgetListenKey(replacement)).toBe(true);
    await binanceKeyListened(REAL_KEYS.hmac.apiKey, "um", replacement);
    await deliver("um", REAL_KEYS.hmac.apiKey, event("ORDER_TRADE_UPDATE"), client);
    // Binance's expiry was handled at the edge: the client never saw it, and never lost its socket.
    expect(client.messages.some((m) => m.includes("listenKeyExpired"))).toBe(false);
    expect(client.messages.filter((m) => m.startsWith('{"relay":"reconnecting"')).length).toBeGreaterThan(0);
    expect(
      await Promise.race([client.closed, new Promise((resolve) => setTimeout(() => resolve("open"), 10))]),
    ).toBe("open");
    expect(client.messages.join("\n")).not.toContain(first);
    expect(client.messages.join("\n")).not.toContain(replacement);
  });

  it("refuses revoked and unknown keys, and tells connected clients a key was revoked", async () => {
    const key = await relayKey(trader);
    const client = await connect(`/private/ws?listenKey=${key}`);
    await binanceKeyListened(REAL_KEYS.hmac.apiKey);
    await deliver("um", REAL_KEYS.hmac.apiKey, event("ACCOUNT_UPDATE"), client);
    expect((await listenKeyCall(trader, "DELETE", "um", key)).status).toBe(200);
    const expired = await client.waitFor((text) => text.startsWith('{"e":"listenKeyExpired"'));
    expect(expired).toContain(`"listenKey":"${key}"`);
    // Admitted by the key alone, the socket has no credential left: it is closed.
    expect((await client.closed).code).toBe(4401);
    const revoked = await refusal(`/private/ws?listenKey=${key}`);
    expect(revoked.status).toBe(400);
    expect(revoked.message).toContain("-1125");
    expect((await refusal(`/ws/${"C".repeat(64)}`)).status).toBe(400);
    // With no relay key alive, Binance's key is closed too.
    for (let i = 0; i < 100 && (await fake.listenKeys("um")).length > 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect(await fake.listenKeys("um")).toEqual([]);
  });

  it("closes a socket admitted by its relay key alone with 4401 as soon as the key is revoked", async () => {
    const key = await relayKey(trader);
    const client = await connect(`/ws/${key}`);
    await binanceKeyListened(REAL_KEYS.hmac.apiKey);
    await deliver("um", REAL_KEYS.hmac.apiKey, event("ACCOUNT_UPDATE"), client);
    const revokedAt = Date.now();
    expect((await listenKeyCall(trader, "DELETE", "um", key)).status).toBe(200);
    const closed = await client.closed;
    expect(closed.code).toBe(4401);
    // The user stream object closes the relay's feed on the DELETE itself; the relay closes its clients then.
    expect(Date.now() - revokedAt).toBeLessThan(1000);
  });

  it("lets a relay key lapse when its holder stops keeping it alive", async () => {
    const key = await relayKey(trader);
    const client = await connect(`/private/ws?listenKey=${key}`);
    const connectedAt = Date.now();
    await binanceKeyListened(REAL_KEYS.hmac.apiKey);
    const expired = await client.waitFor((text) => text.startsWith('{"e":"listenKeyExpired"'), 12_000);
    expect(expired).toContain(`"listenKey":"${key}"`);
    // Admitted by the key alone: closed when it lapses (RELAY_LISTEN_KEY_VALIDITY_MS is 8 s here), on the
    // user stream object's alarm set for the expiry time.
    expect((await client.closed).code).toBe(4401);
    expect(Date.now() - connectedAt).toBeLessThan(9000);
    expect((await listenKeyCall(trader, "PUT", "um", key)).status).toBe(400);
  }, 20_000);

  it("answers a relay's Close on the feed of a relay key", async () => {
    const key = await relayKey(trader);
    const stream = env.USER_STREAM.getByName(userStreamName("main", "um", null));
    const response = await stream.fetch("https://user-stream/feed", {
      headers: { Upgrade: "websocket", "X-Relay-Key": key },
    });
    const ws = response.webSocket;
    if (ws === null) throw new Error(`no feed: ${response.status}`);
    ws.accept();
    const closed = new Promise<number>((resolve) => ws.addEventListener("close", (e) => resolve(e.code)));
    ws.close(1000, "no clients");
    const answer = await Promise.race([
      closed,
      new Promise((resolve) => setTimeout(() => resolve("no answer within 1 s"), 1000)),
    ]);
    expect(answer).toBe(1000);
  });
});
