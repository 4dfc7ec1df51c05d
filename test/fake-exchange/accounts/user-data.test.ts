// The fake exchange's user data streams behave like Binance's: listen keys on USDⓈ-M's /private route and on
// COIN-M's dstream, order events for the account that placed the order only, and expiry announced.

import { createHmac } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type FakeExchange, startFakeExchange } from "../index.ts";

const ALICE = { apiKey: "alice-api-key", secret: "alice-secret" };
const BOB = { apiKey: "bob-api-key", secret: "bob-secret" };

let fake: FakeExchange;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  fake = await startFakeExchange({ listenKeyValidityMs: 60 * 60 * 1000 });
  for (const key of [ALICE, BOB]) fake.registerKey({ apiKey: key.apiKey, type: "hmac", secret: key.secret });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.terminate();
});

async function rest(
  method: string,
  path: string,
  who: typeof ALICE,
  params = "",
): Promise<Record<string, unknown>> {
  let query = params;
  if (!path.endsWith("listenKey")) {
    query = `${params}${params === "" ? "" : "&"}timestamp=${Date.now()}`;
    query += `&signature=${createHmac("sha256", who.secret).update(query).digest("hex")}`;
  }
  const response = await fetch(`${fake.url}${path}${query === "" ? "" : `?${query}`}`, {
    method,
    headers: { "X-MBX-APIKEY": who.apiKey },
  });
  return (await response.json()) as Record<string, unknown>;
}

async function listen(path: string): Promise<string[]> {
  const socket = new WebSocket(`${fake.wsUrl}${path}`);
  sockets.push(socket);
  const messages: string[] = [];
  socket.on("message", (data) => messages.push(String(data)));
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  return messages;
}

async function waitUntil(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const MARKET_ORDER = "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01";

describe("user data streams", () => {
  it("sends order events for the account's own orders to its listen key on /private", async () => {
    const { listenKey } = await rest("POST", "/fapi/v1/listenKey", ALICE);
    const raw = await listen(`/private/ws?listenKey=${listenKey}`);
    const other = await rest("POST", "/fapi/v1/listenKey", BOB);
    const bobs = await listen(`/private/ws/${other.listenKey}`);
    await rest("POST", "/fapi/v1/order", ALICE, MARKET_ORDER);
    await waitUntil(() => raw.length === 3);
    expect(raw.map((text) => JSON.parse(text).e)).toEqual([
      "ORDER_TRADE_UPDATE",
      "ORDER_TRADE_UPDATE",
      "ACCOUNT_UPDATE",
    ]);
    expect(raw.map((text) => /"X":"(\w+)"/.exec(text)?.[1] ?? null)).toEqual(["NEW", "FILLED", null]);
    expect(raw[0]).toMatch(/"i":9007\d{12},/);
    expect(bobs).toEqual([]);
  });

  it("takes listen keys by SUBSCRIBE on /private/stream and on COIN-M, framed in combined envelopes", async () => {
    const um = await rest("POST", "/fapi/v1/listenKey", ALICE);
    const cm = await rest("POST", "/dapi/v1/listenKey", ALICE);
    const private_ = await listen("/private/stream");
    const dstream = await listen("/dstream/stream");
    const market = await listen(`/market/ws/${um.listenKey}`);
    const socket = sockets.at(-3);
    socket?.send(JSON.stringify({ method: "SUBSCRIBE", params: [um.listenKey], id: 1 }));
    sockets.at(-2)?.send(JSON.stringify({ method: "SUBSCRIBE", params: [cm.listenKey], id: 2 }));
    await waitUntil(() => private_.length === 1 && dstream.length === 1);
    await rest(
      "POST",
      "/fapi/v1/order",
      ALICE,
      "symbol=BTCUSDT&side=SELL&type=LIMIT&quantity=1&price=90000&timeInForce=GTC",
    );
    await rest(
      "POST",
      "/dapi/v1/order",
      ALICE,
      "symbol=BTCUSD_PERP&side=SELL&type=LIMIT&quantity=1&price=90000&timeInForce=GTC",
    );
    await waitUntil(() => private_.length === 2 && dstream.length === 2);
    expect(private_[1]).toMatch(
      new RegExp(`^\\{"stream":"${um.listenKey}","data":\\{"e":"ORDER_TRADE_UPDATE"`),
    );
    expect(dstream[1]).toMatch(
      new RegExp(`^\\{"stream":"${cm.listenKey}","data":\\{"e":"ORDER_TRADE_UPDATE"`),
    );
    // User data is never served on the market routes.
    expect(market).toEqual([]);
  });

  it("announces a listen key's expiry to its streams, and forgets a key silently when told to", async () => {
    const { listenKey } = await rest("POST", "/fapi/v1/listenKey", ALICE);
    const raw = await listen(`/private/ws?listenKey=${listenKey}`);
    const second = await listen(`/private/ws?listenKey=${listenKey}`);
    expect(
      await (
        await fetch(`${fake.url}/__fake/listen-keys/expire`, {
          method: "POST",
          body: JSON.stringify({ listenKey }),
        })
      ).json(),
    ).toEqual({ ended: true });
    await waitUntil(() => raw.length === 1 && second.length === 1);
    expect(JSON.parse(raw[0] ?? "")).toMatchObject({ e: "listenKeyExpired", listenKey });
    expect(await rest("PUT", "/fapi/v1/listenKey", ALICE, `listenKey=${listenKey}`)).toEqual({
      code: -1125,
      msg: "This listenKey does not exist.",
    });
    const fresh = await rest("POST", "/fapi/v1/listenKey", ALICE);
    expect(fresh.listenKey).not.toBe(listenKey);
    fake.streams.deliverUser(String(fresh.listenKey), "{}");
    await fetch(`${fake.url}/__fake/listen-keys/forget`, {
      method: "POST",
      body: JSON.stringify({ listenKey: fresh.listenKey }),
    });
    expect(await rest("PUT", "/fapi/v1/listenKey", ALICE)).toMatchObject({ code: -1125 });
  });

  it("sends an event given over the control API to the account's listen keys only", async () => {
    const alice = await rest("POST", "/fapi/v1/listenKey", ALICE);
    const bob = await rest("POST", "/fapi/v1/listenKey", BOB);
    const alices = await listen(`/private/ws?listenKey=${alice.listenKey}`);
    const bobs = await listen(`/private/ws?listenKey=${bob.listenKey}`);
    const payload = '{"e":"MARGIN_CALL","E":1,"cw":"3.16","p":[]}';
    await fetch(`${fake.url}/__fake/user-events`, {
      method: "POST",
      body: JSON.stringify({ market: "um", apiKey: ALICE.apiKey, payload }),
    });
    await waitUntil(() => alices.length === 1);
    expect(alices).toEqual([payload]);
    expect(bobs).toEqual([]);
  });
});
