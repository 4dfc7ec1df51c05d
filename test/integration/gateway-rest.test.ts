// The gateway inside workerd, against the fake exchange on 127.0.0.1: drop-in and token calls reach Binance
// re-signed with the real key, and Binance's answers come back byte for byte.
import { exports } from "cloudflare:workers";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { hmacHex, signedQuery } from "../support/client-signing.ts";
import { CLIENTS, REAL_KEYS } from "../support/credentials.ts";
import { fakeControl } from "../support/fake-control.ts";

const fake = fakeControl(inject("fakeExchangeUrl"));
const trader = CLIENTS.trader;

function gateway(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`https://gateway.test${path}`, init));
}

async function lastUpstream() {
  const requests = await fake.requests();
  const last = requests.at(-1);
  if (last === undefined) throw new Error("nothing reached the fake exchange");
  return last;
}

beforeEach(async () => {
  await fake.reset();
});

describe("accounts", () => {
  it("signs each client's calls with the key of the account it acts for", async () => {
    const params = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1";
    const second = CLIENTS.second;
    const response = await gateway(`/fapi/v1/order?${await signedQuery(second.apiSecret, params)}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": second.apiKey },
    });
    expect(response.status, await response.text()).toBe(200);
    const upstream = await lastUpstream();
    // The fake exchange verified the Ed25519 signature of the second account's key.
    expect(upstream.apiKey).toBe(REAL_KEYS.ed25519.apiKey);
    expect(upstream.signed).toBe(true);
    const main = await gateway(`/fapi/v3/account?${await signedQuery(trader.apiSecret, "")}`, {
      headers: { "X-MBX-APIKEY": trader.apiKey },
    });
    expect(main.status).toBe(200);
    expect((await lastUpstream()).apiKey).toBe(REAL_KEYS.hmac.apiKey);
  });
});

describe("drop-in calls signed with a virtual key", () => {
  it("places an order re-signed with the real key, keeping the caller's structure", async () => {
    const params = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000";
    const response = await gateway(`/fapi/v1/order?${await signedQuery(trader.apiSecret, params)}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": trader.apiKey },
    });
    const body = await response.text();
    expect(response.status, body).toBe(200);
    // Order ids start above 2^53: the digits must arrive exactly as the exchange wrote them.
    const orderId = /"orderId":(\d+)/.exec(body)?.[1] ?? "";
    expect(BigInt(orderId)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    expect(await fake.ordersText("um")).toMatch(new RegExp(`"orderId":${orderId}[,}]`));
    const upstream = await lastUpstream();
    expect(upstream).toMatchObject({
      method: "POST",
      path: "/fapi/v1/order",
      apiKey: REAL_KEYS.hmac.apiKey,
      signed: true,
    });
    expect(upstream.rawQuery).toMatch(
      /^symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0\.1&newClientOrderId=gw-[0-9a-f]{32}&recvWindow=5000&timestamp=\d{13}&signature=[0-9a-f]{64}$/,
    );
    expect(JSON.stringify(upstream)).not.toContain(trader.apiKey);
  });

  it("passes Binance's weight and order-count headers through", async () => {
    const params = "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=1";
    const response = await gateway(`/fapi/v1/order?${await signedQuery(trader.apiSecret, params)}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": trader.apiKey },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-mbx-used-weight-1m")).toMatch(/^\d+$/);
    expect(response.headers.get("x-mbx-order-count-10s")).toMatch(/^\d+$/);
  });

  it("verifies a form body signed together with the query, the way ccxt sends POSTs", async () => {
    const query = "symbol=BTCUSDT";
    const body = `side=SELL&type=LIMIT&timeInForce=GTC&quantity=2&price=99999&timestamp=${Date.now()}`;
    const signature = await hmacHex(trader.apiSecret, query + body);
    const response = await gateway(`/fapi/v1/order?${query}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": trader.apiKey, "Content-Type": "application/x-www-form-urlencoded" },
      body: `${body}&signature=${signature}`,
    });
    expect(response.status, await response.text()).toBe(200);
    const upstream = await lastUpstream();
    // The assigned client order id goes beside `symbol`; the signature ends the body, as Binance requires.
    expect(upstream.rawQuery).toMatch(/^symbol=BTCUSDT&newClientOrderId=gw-[0-9a-f]{32}$/);
    expect(upstream.rawBody).toMatch(
      /^side=SELL&type=LIMIT&timeInForce=GTC&quantity=2&price=99999&timestamp=\d{13}&signature=[0-9a-f]{64}$/,
    );
    expect(upstream.signed).toBe(true);
  });

  it("returns Binance's error body unchanged when Binance refuses", async () => {
    const query = await signedQuery(trader.apiSecret, "symbol=BTCUSDT&origClientOrderId=does-not-exist");
    const response = await gateway(`/fapi/v1/order?${query}`, { headers: { "X-MBX-APIKEY": trader.apiKey } });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('{"code":-2013,"msg":"Order does not exist."}');
  });

  it("needs only the virtual key for unsigned endpoints, and sends Binance none", async () => {
    const response = await gateway("/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=2", {
      headers: { "X-MBX-APIKEY": trader.apiKey },
    });
    expect(response.status).toBe(200);
    const upstream = await lastUpstream();
    expect(upstream).toMatchObject({
      path: "/fapi/v1/klines",
      rawQuery: "symbol=BTCUSDT&interval=1m&limit=2",
      apiKey: null,
      signed: false,
    });
  });
});

describe("token calls for webhooks and curl", () => {
  const auth = { Authorization: `Bearer ${CLIENTS.hook.token}` };

  it("signs a JSON body, keeping decimals exactly as written", async () => {
    const response = await gateway("/fapi/v1/order", {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json" },
      body: '{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","timeInForce":"GTC","quantity":0.00100000,"price":60000.10,"reduceOnly":false}',
    });
    expect(response.status, await response.text()).toBe(200);
    const upstream = await lastUpstream();
    expect(upstream.rawBody).toMatch(
      /^symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0\.00100000&price=60000\.10&reduceOnly=false&newClientOrderId=gw-[0-9a-f]{32}&timestamp=\d{13}&signature=[0-9a-f]{64}$/,
    );
    expect(upstream.signed).toBe(true);
  });

  it("serialises a JSON batchOrders array the way Binance expects and gives every order an id", async () => {
    const response = await gateway("/fapi/v1/batchOrders", {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({
        batchOrders: [
          {
            symbol: "BTCUSDT",
            side: "BUY",
            type: "LIMIT",
            timeInForce: "GTC",
            quantity: "0.001",
            price: "10000.1",
          },
          { symbol: "ETHUSDT", side: "SELL", type: "MARKET", quantity: "0.01", newClientOrderId: "mine-1" },
        ],
      }),
    });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(text).toContain('"clientOrderId":"mine-1"');
    const sent = new URLSearchParams((await lastUpstream()).rawBody).get("batchOrders") ?? "";
    expect(JSON.parse(sent)).toEqual([
      {
        symbol: "BTCUSDT",
        side: "BUY",
        type: "LIMIT",
        timeInForce: "GTC",
        quantity: "0.001",
        price: "10000.1",
        newClientOrderId: expect.stringMatching(/^gw-/),
      },
      { symbol: "ETHUSDT", side: "SELL", type: "MARKET", quantity: "0.01", newClientOrderId: "mine-1" },
    ]);
  });

  it("reads account data with unsigned query parameters", async () => {
    const response = await gateway("/fapi/v3/account", { headers: auth });
    expect(response.status).toBe(200);
    const upstream = await lastUpstream();
    expect(upstream.rawQuery).toMatch(/^timestamp=\d{13}&signature=[0-9a-f]{64}$/);
  });
});

describe("markets", () => {
  it("reaches COIN-M through /dapi and through a /cm base URL", async () => {
    const auth = { Authorization: `Bearer ${CLIENTS.viewer.token}` };
    expect((await gateway("/dapi/v1/time", { headers: auth })).status).toBe(200);
    expect((await lastUpstream()).path).toBe("/dapi/v1/time");
    expect(
      (
        await gateway("/cm/futures/data/basis?pair=BTCUSD&contractType=PERPETUAL&period=5m", {
          headers: auth,
        })
      ).status,
    ).toBe(200);
    const upstream = await lastUpstream();
    expect(upstream.path).toBe("/futures/data/basis");
  });

  it("places a COIN-M order with the gateway's /dapi routing", async () => {
    const response = await gateway("/dapi/v1/order", {
      method: "POST",
      headers: {
        Authorization: `Bearer ${CLIENTS.hook.token}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: "symbol=BTCUSD_PERP&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=30000",
    });
    expect(response.status, await response.text()).toBe(200);
    expect((await fake.orders("cm")).length).toBe(1);
    expect((await fake.orders("um")).length).toBe(0);
  });
});
