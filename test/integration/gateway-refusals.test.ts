// Every bad input is answered with a clear, Binance-shaped error, and nothing reaches Binance.
import { exports } from "cloudflare:workers";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { hmacHex, signedQuery } from "../support/client-signing.ts";
import { CLIENTS } from "../support/credentials.ts";
import { fakeControl } from "../support/fake-control.ts";

const fake = fakeControl(inject("fakeExchangeUrl"));
const order = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=100";

function gateway(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`https://gateway.test${path}`, init));
}

async function expectRefused(
  response: Response,
  status: number,
  code: number,
  msg: RegExp | string,
): Promise<void> {
  const body = (await response.json()) as { code: number; msg: string };
  expect(response.status).toBe(status);
  expect(body.code).toBe(code);
  if (typeof msg === "string") expect(body.msg).toBe(msg);
  else expect(body.msg).toMatch(msg);
  expect(response.headers.get("x-gateway-error")).toBeTruthy();
  expect(await fake.requests()).toEqual([]);
}

beforeEach(async () => {
  await fake.reset();
});

describe("refused before anything is forwarded", () => {
  it("an unknown virtual key", async () => {
    const query = await signedQuery(CLIENTS.trader.apiSecret, order);
    const response = await gateway(`/fapi/v1/order?${query}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": "vk-nobody-0123456789abcdef" },
    });
    await expectRefused(response, 401, -2015, "Invalid API-key, IP, or permissions for action.");
  });

  it("an unknown bearer token", async () => {
    const response = await gateway("/fapi/v1/klines?symbol=BTCUSDT&interval=1m", {
      headers: { Authorization: "Bearer not-a-known-token-000000" },
    });
    await expectRefused(response, 401, -2015, /unknown bearer token/);
  });

  it("a call without any credential, even for public market data", async () => {
    await expectRefused(
      await gateway("/fapi/v1/klines?symbol=BTCUSDT&interval=1m"),
      401,
      -2014,
      /API-key format invalid/,
    );
  });

  it("a signature made with another secret", async () => {
    const query = await signedQuery("some-other-secret-entirely", order);
    const response = await gateway(`/fapi/v1/order?${query}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": CLIENTS.trader.apiKey },
    });
    await expectRefused(response, 400, -1022, "Signature for this request is not valid.");
  });

  it("a signed call without a signature", async () => {
    const response = await gateway(`/fapi/v1/order?${order}&timestamp=${Date.now()}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": CLIENTS.trader.apiKey },
    });
    await expectRefused(response, 400, -1102, /'signature'/);
  });

  it("a stale timestamp", async () => {
    const query = await signedQuery(CLIENTS.trader.apiSecret, order, Date.now() - 10_000);
    const response = await gateway(`/fapi/v1/order?${query}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": CLIENTS.trader.apiKey },
    });
    await expectRefused(response, 400, -1021, "Timestamp for this request is outside of the recvWindow.");
  });

  it("a timestamp from the future", async () => {
    const query = await signedQuery(CLIENTS.trader.apiSecret, order, Date.now() + 5_000);
    const response = await gateway(`/fapi/v1/order?${query}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": CLIENTS.trader.apiKey },
    });
    await expectRefused(
      response,
      400,
      -1021,
      "Timestamp for this request was 1000ms ahead of the server's time.",
    );
  });

  it("a captured request replayed after its recvWindow", async () => {
    const query = await signedQuery(CLIENTS.trader.apiSecret, `${order}&recvWindow=1000`, Date.now() - 1500);
    const response = await gateway(`/fapi/v1/order?${query}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": CLIENTS.trader.apiKey },
    });
    await expectRefused(response, 400, -1021, /outside of the recvWindow/);
  });

  it("a stale timestamp sent with a bearer token", async () => {
    const response = await gateway(`/fapi/v1/order?${order}&timestamp=${Date.now() - 60_000}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${CLIENTS.hook.token}` },
    });
    await expectRefused(response, 400, -1021, /outside of the recvWindow/);
  });

  it("a signature sent with a bearer token", async () => {
    const response = await gateway(`/fapi/v1/order?${order}&signature=abc`, {
      method: "POST",
      headers: { Authorization: `Bearer ${CLIENTS.hook.token}` },
    });
    await expectRefused(response, 400, -1022, /bearer-token calls are unsigned/);
  });

  it("a trade by a client with read scope only", async () => {
    const query = await signedQuery(CLIENTS.reader.apiSecret, order);
    const response = await gateway(`/fapi/v1/order?${query}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": CLIENTS.reader.apiKey },
    });
    await expectRefused(response, 401, -2015, /client 'reader' lacks the 'trade' scope/);
  });

  it("a listen key for a client without the stream scope", async () => {
    const response = await gateway("/fapi/v1/listenKey", {
      method: "POST",
      headers: { Authorization: `Bearer ${CLIENTS.viewer.token}` },
    });
    await expectRefused(response, 401, -2015, /lacks the 'stream' scope/);
  });

  it("a symbol outside the client's allowlist", async () => {
    const query = await signedQuery(CLIENTS.btcOnly.apiSecret, order.replace("BTCUSDT", "ETHUSDT"));
    const response = await gateway(`/fapi/v1/order?${query}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": CLIENTS.btcOnly.apiKey },
    });
    await expectRefused(response, 401, -2015, /client 'btc-only' may not trade ETHUSDT/);
  });

  it("a disallowed symbol hidden in a batch", async () => {
    const batch = encodeURIComponent(JSON.stringify([{ symbol: "BTCUSDT" }, { symbol: "ETHUSDT" }]));
    const query = await signedQuery(CLIENTS.btcOnly.apiSecret, `batchOrders=${batch}`);
    const response = await gateway(`/fapi/v1/batchOrders?${query}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": CLIENTS.btcOnly.apiKey },
    });
    await expectRefused(response, 401, -2015, /may not trade ETHUSDT/);
  });

  it("malformed JSON, saying where it breaks", async () => {
    const response = await gateway("/fapi/v1/order", {
      method: "POST",
      headers: { Authorization: `Bearer ${CLIENTS.hook.token}`, "Content-Type": "application/json" },
      body: '{"symbol":"BTCUSDT","quantity":}',
    });
    await expectRefused(
      response,
      400,
      -9004,
      "Request body is not a valid JSON object: expected value at line 1 column 32",
    );
  });

  it("a JSON body from a drop-in client, which Binance would not accept either", async () => {
    const response = await gateway("/fapi/v1/order", {
      method: "POST",
      headers: { "X-MBX-APIKEY": CLIENTS.trader.apiKey, "Content-Type": "application/json" },
      body: '{"symbol":"BTCUSDT"}',
    });
    await expectRefused(response, 415, -9003, /Content-Type 'application\/json'/);
  });

  it("an oversized body", async () => {
    const response = await gateway("/fapi/v1/order", {
      method: "POST",
      headers: {
        Authorization: `Bearer ${CLIENTS.hook.token}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: `symbol=BTCUSDT&pad=${"x".repeat(70_000)}`,
    });
    await expectRefused(response, 413, -9002, "Request body exceeds 65536 bytes.");
  });

  it("an unknown path, and a known path with the wrong method", async () => {
    const auth = { Authorization: `Bearer ${CLIENTS.hook.token}` };
    await expectRefused(
      await gateway("/fapi/v1/withdraw", { headers: auth }),
      404,
      -9001,
      /GET \/fapi\/v1\/withdraw is not a Binance Futures endpoint/,
    );
    await expectRefused(
      await gateway("/sapi/v1/capital/withdraw/apply", { method: "POST", headers: auth }),
      404,
      -9001,
      /not a Binance Futures endpoint/,
    );
    await expectRefused(
      await gateway("/fapi/v1/time", { method: "DELETE", headers: auth }),
      404,
      -9001,
      "/fapi/v1/time is a Binance Futures endpoint, but not for DELETE.",
    );
  });

  it("duplicated parameters", async () => {
    const query = await signedQuery(CLIENTS.trader.apiSecret, `${order}&symbol=ETHUSDT`);
    const response = await gateway(`/fapi/v1/order?${query}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": CLIENTS.trader.apiKey },
    });
    await expectRefused(
      response,
      400,
      -1101,
      /Duplicate values for a parameter detected\. \(gateway: 'symbol'\)/,
    );
  });

  it("bad percent-encoding", async () => {
    const response = await gateway("/fapi/v1/klines?symbol=BTC%ZZ", {
      headers: { Authorization: `Bearer ${CLIENTS.hook.token}` },
    });
    await expectRefused(response, 400, -1100, /bad percent-encoding/);
  });

  it("a malformed recvWindow", async () => {
    const query = await signedQuery(CLIENTS.trader.apiSecret, `${order}&recvWindow=5s`);
    const response = await gateway(`/fapi/v1/order?${query}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": CLIENTS.trader.apiKey },
    });
    await expectRefused(response, 400, -1100, /parameter 'recvWindow'/);
  });

  it("a batch that is not a JSON array of orders", async () => {
    const response = await gateway("/fapi/v1/batchOrders", {
      method: "POST",
      headers: {
        Authorization: `Bearer ${CLIENTS.hook.token}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: "batchOrders=%7Bnot-json",
    });
    await expectRefused(response, 400, -1130, "Data sent for parameter 'batchOrders' is not valid.");
  });
});

describe("inputs built to be read one way and executed another", () => {
  const order = { side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "1", price: "100" };

  it("a batch order that names its symbol twice", async () => {
    const batch = `[{"symbol":"BTCUSDT","symbol":"ETHUSDT","side":"BUY","type":"MARKET","quantity":"1"}]`;
    const limited = await signedQuery(CLIENTS.btcOnly.apiSecret, `batchOrders=${encodeURIComponent(batch)}`);
    const response = await gateway(`/fapi/v1/batchOrders?${limited}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": CLIENTS.btcOnly.apiKey },
    });
    await expectRefused(response, 401, -2015, /may not trade an unreadable symbol/);
    const open = await signedQuery(CLIENTS.trader.apiSecret, `batchOrders=${encodeURIComponent(batch)}`);
    const refused = await gateway(`/fapi/v1/batchOrders?${open}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": CLIENTS.trader.apiKey },
    });
    await expectRefused(refused, 400, -1130, "Data sent for parameter 'batchOrders' is not valid.");
  });

  it("a symbol spelled in another letter case, top level or in a batch", async () => {
    const top = await signedQuery(
      CLIENTS.btcOnly.apiSecret,
      "symbol=BTCUSDT&SYMBOL=ETHUSDT&side=BUY&type=MARKET&quantity=1",
    );
    const response = await gateway(`/fapi/v1/order?${top}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": CLIENTS.btcOnly.apiKey },
    });
    await expectRefused(response, 401, -2015, /may not trade ETHUSDT/);
    const batch = JSON.stringify([{ SYMBOL: "ETHUSDT", symbol: "BTCUSDT", ...order }]);
    const query = await signedQuery(CLIENTS.btcOnly.apiSecret, `batchOrders=${encodeURIComponent(batch)}`);
    const inBatch = await gateway(`/fapi/v1/batchOrders?${query}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": CLIENTS.btcOnly.apiKey },
    });
    await expectRefused(inBatch, 401, -2015, /may not trade ETHUSDT/);
  });

  it("a JSON string with an unpaired surrogate", async () => {
    const response = await gateway("/fapi/v1/order", {
      method: "POST",
      headers: { Authorization: `Bearer ${CLIENTS.hook.token}`, "Content-Type": "application/json" },
      body: '{"symbol":"BTCUSDT","side":"BUY","type":"MARKET","quantity":"1","newClientOrderId":"\\ud800"}',
    });
    await expectRefused(response, 400, -9004, /unpaired UTF-16 surrogate/);
  });

  it("a form body that is not valid UTF-8", async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode("symbol=BTCUSDT&x="), 0xff, 0xfe]);
    const response = await gateway("/fapi/v1/order", {
      method: "POST",
      headers: {
        Authorization: `Bearer ${CLIENTS.hook.token}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: bytes,
    });
    await expectRefused(response, 400, -1100, /invalid UTF-8/);
  });
});

describe("secrets stay out of answers", () => {
  it("never echoes a signature or key in an error", async () => {
    const signature = await hmacHex("wrong-secret-000000000000", order);
    const response = await gateway(`/fapi/v1/order?${order}&timestamp=${Date.now()}&signature=${signature}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": CLIENTS.trader.apiKey },
    });
    const text = await response.text();
    expect(text).not.toContain(signature);
    expect(text).not.toContain(CLIENTS.trader.apiKey);
  });
});
