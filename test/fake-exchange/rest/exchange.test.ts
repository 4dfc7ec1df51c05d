// The fake Binance Futures exchange behaves like Binance where the gateway's tests rely on it.

import { createHmac, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeExchange, FIRST_ORDER_ID, startFakeExchange } from "../index.ts";

interface Vector {
  id: string;
  apiKey?: string;
  secret?: string;
  key?: string;
  payload: string;
  signature: string;
}
interface VectorFile {
  keys: Record<string, unknown>;
  vectors: Vector[];
}

const vectors = JSON.parse(
  readFileSync(new URL("../../support/fixtures/signing-vectors.json", import.meta.url), "utf8"),
) as VectorFile;

function vector(id: string): Vector {
  const found = vectors.vectors.find((item) => item.id === id);
  if (found === undefined) throw new Error(`missing vector ${id}`);
  return found;
}

function pem(name: string): string {
  const value = vectors.keys[name];
  if (typeof value !== "string") throw new Error(`missing key ${name}`);
  return value;
}

const docVector = vector("hmac-futures-doc");
const HMAC = { apiKey: "hmac-key", secret: "hmac-secret-for-tests" };
const RSA_KEY = "rsa-key";
const ED_KEY = "ed25519-key";

const hmacHex = (secret: string, payload: string) =>
  createHmac("sha256", secret).update(payload).digest("hex");
const rsaSignature = (payload: string) =>
  sign("sha256", Buffer.from(payload), pem("rsa_pkcs8")).toString("base64");
const edSignature = (payload: string) =>
  sign(null, Buffer.from(payload), pem("ed25519_pkcs8")).toString("base64");

interface Answer {
  status: number;
  text: string;
  headers: Headers;
  body: Record<string, unknown>;
  list: Record<string, unknown>[];
}

let fake: FakeExchange;

async function call(
  method: string,
  pathAndQuery: string,
  options: { apiKey?: string; form?: string; json?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.apiKey !== undefined) headers["X-MBX-APIKEY"] = options.apiKey;
  let body: string | undefined;
  if (options.form !== undefined) {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    body = options.form;
  } else if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  const response = await fetch(`${fake.url}${pathAndQuery}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  const list = Array.isArray(parsed) ? (parsed as Record<string, unknown>[]) : [];
  const record = parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  return { status: response.status, text, headers: response.headers, body: record, list };
}

/** HMAC-signed call with a fresh timestamp from the fake's clock; params go in the query or the body. */
function signed(method: string, path: string, params: string, where: "query" | "body" = "query") {
  const payload = `${params}${params === "" ? "" : "&"}timestamp=${fake.serverTime()}`;
  const signedParams = `${payload}&signature=${hmacHex(HMAC.secret, payload)}`;
  return where === "query"
    ? call(method, `${path}?${signedParams}`, { apiKey: HMAC.apiKey })
    : call(method, path, { apiKey: HMAC.apiKey, form: signedParams });
}

function rawOrderId(text: string): string {
  const match = /"orderId":(\d+)/.exec(text);
  if (match?.[1] === undefined) throw new Error(`no orderId in ${text}`);
  return match[1];
}

const limitBuy = (clientId?: string) =>
  `symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.010&price=50000.10${
    clientId === undefined ? "" : `&newClientOrderId=${clientId}`
  }`;

beforeAll(async () => {
  fake = await startFakeExchange();
  fake.registerKey({ apiKey: HMAC.apiKey, type: "hmac", secret: HMAC.secret });
  fake.registerKey({ apiKey: docVector.apiKey ?? "", type: "hmac", secret: docVector.secret ?? "" });
  fake.registerKey({ apiKey: RSA_KEY, type: "rsa", publicKeyPem: pem("rsa_public_spki") });
  fake.registerKey({ apiKey: ED_KEY, type: "ed25519", publicKeyPem: pem("ed25519_public_spki") });
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.reset();
});

describe("signature verification", () => {
  it("accepts the HMAC futures-doc vector request byte for byte when its clock matches the vector", async () => {
    const timestamp = Number(/timestamp=(\d+)/.exec(docVector.payload)?.[1]);
    fake.setClockSkewMs(timestamp + 500 - Date.now());
    const upper = docVector.signature.toUpperCase();
    const answer = await call("POST", `/fapi/v1/order?${docVector.payload}&signature=${upper}`, {
      apiKey: docVector.apiKey,
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ symbol: "BTCUSDT", status: "NEW", price: "9000", origQty: "1" });
    expect(fake.requests.at(-1)).toMatchObject({ signed: true, apiKey: docVector.apiKey, status: 200 });
  });

  it("signs query + body concatenated without a separator (documented mixed example)", async () => {
    const query = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC";
    const body = "quantity=1&price=9000&recvWindow=5000&timestamp=1591702613943";
    const signature = hmacHex(docVector.secret ?? "", `${query}${body}`);
    expect(signature).toBe("30baaf0fab549bbeda7f5ef201898b34122da25fd23c646cac2c529aebe670a4");
    fake.setClockSkewMs(1591702613943 + 200 - Date.now());
    const answer = await call("POST", `/fapi/v1/order?${query}`, {
      apiKey: docVector.apiKey,
      form: `${body}&signature=${signature}`,
    });
    expect(answer.status).toBe(200);
    expect(fake.requests.at(-1)).toMatchObject({
      rawQuery: query,
      rawBody: `${body}&signature=${signature}`,
    });
  });

  it("accepts RSA (PKCS#1 v1.5 SHA-256) and Ed25519 signatures sent URL-encoded", async () => {
    expect(rsaSignature(vector("rsa-pkcs8").payload)).toBe(vector("rsa-pkcs8").signature);
    expect(edSignature(vector("ed25519-rfc8032-key").payload)).toBe(vector("ed25519-rfc8032-key").signature);
    for (const [apiKey, signer] of [
      [RSA_KEY, rsaSignature],
      [ED_KEY, edSignature],
    ] as const) {
      const payload = `${limitBuy()}&timestamp=${fake.serverTime()}`;
      const answer = await call(
        "POST",
        `/fapi/v1/order?${payload}&signature=${encodeURIComponent(signer(payload))}`,
        {
          apiKey,
        },
      );
      expect(answer.status, answer.text).toBe(200);
      expect(fake.requests.at(-1)?.signed).toBe(true);
    }
  });

  it("rejects an asymmetric signature whose + / = were not URL-encoded", async () => {
    let payload = "";
    let signature = "";
    do {
      payload = `${limitBuy()}&timestamp=${fake.serverTime()}`;
      signature = rsaSignature(payload);
    } while (!signature.includes("+"));
    const answer = await call("POST", `/fapi/v1/order?${payload}&signature=${signature}`, {
      apiKey: RSA_KEY,
    });
    expect(answer.body).toEqual({ code: -1022, msg: "Signature for this request is not valid." });
  });

  it("rejects a wrong signature, an unknown key and a missing key", async () => {
    const payload = `${limitBuy()}&timestamp=${fake.serverTime()}`;
    const wrong = await call("POST", `/fapi/v1/order?${payload}&signature=${"0".repeat(64)}`, {
      apiKey: HMAC.apiKey,
    });
    expect([wrong.status, wrong.body]).toEqual([
      400,
      { code: -1022, msg: "Signature for this request is not valid." },
    ]);
    const unknown = await call("POST", `/fapi/v1/order?${payload}&signature=00`, { apiKey: "nobody" });
    expect([unknown.status, unknown.body]).toEqual([
      401,
      { code: -2015, msg: "Invalid API-key, IP, or permissions for action." },
    ]);
    const missing = await call("POST", `/fapi/v1/order?${payload}&signature=00`);
    expect([missing.status, missing.body]).toEqual([401, { code: -2014, msg: "API-key format invalid." }]);
    expect(fake.orders("um")).toHaveLength(0);
  });

  it("requires timestamp and signature", async () => {
    const noTimestamp = await call("GET", `/fapi/v1/openOrders?signature=${hmacHex(HMAC.secret, "")}`, {
      apiKey: HMAC.apiKey,
    });
    expect(noTimestamp.body).toEqual({
      code: -1102,
      msg: "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.",
    });
    const noSignature = await call("GET", `/fapi/v1/openOrders?timestamp=${fake.serverTime()}`, {
      apiKey: HMAC.apiKey,
    });
    expect(noSignature.body).toEqual({
      code: -1102,
      msg: "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.",
    });
  });

  it("rejects stale and future timestamps (-1021) using the clock skew, and recvWindow above 60000", async () => {
    const sentAt = Date.now();
    const payload = `timestamp=${sentAt}`;
    const query = `/fapi/v1/openOrders?${payload}&signature=${hmacHex(HMAC.secret, payload)}`;
    fake.setClockSkewMs(10_000);
    const stale = await call("GET", query, { apiKey: HMAC.apiKey });
    expect([stale.status, stale.body]).toEqual([
      400,
      { code: -1021, msg: "Timestamp for this request is outside of the recvWindow." },
    ]);
    fake.setClockSkewMs(-5_000);
    const ahead = await call("GET", query, { apiKey: HMAC.apiKey });
    expect(ahead.body).toEqual({
      code: -1021,
      msg: "Timestamp for this request was 1000ms ahead of the server's time.",
    });
    fake.setClockSkewMs(0);
    const wide = await signed("GET", "/fapi/v1/openOrders", "recvWindow=60001");
    expect(wide.body).toEqual({ code: -1131, msg: "'recvWindow' must be less than 60000." });
    expect((await signed("GET", "/fapi/v1/openOrders", "recvWindow=60000")).status).toBe(200);
  });

  it("rejects duplicate parameter names (-1101)", async () => {
    const answer = await signed("GET", "/fapi/v1/openOrders", "symbol=BTCUSDT&symbol=ETHUSDT");
    expect(answer.body).toEqual({ code: -1101, msg: "Duplicate values for a parameter detected." });
  });
});

describe("orders", () => {
  it("numbers order ids from 2^53 + 1 and writes them as exact raw digits", async () => {
    const own = await startFakeExchange();
    try {
      own.registerKey({ apiKey: HMAC.apiKey, type: "hmac", secret: HMAC.secret });
      const payload = `${limitBuy()}&timestamp=${own.serverTime()}`;
      const response = await fetch(
        `${own.url}/fapi/v1/order?${payload}&signature=${hmacHex(HMAC.secret, payload)}`,
        {
          method: "POST",
          headers: { "X-MBX-APIKEY": HMAC.apiKey },
        },
      );
      const text = await response.text();
      expect(rawOrderId(text)).toBe("9007199254740993");
      expect(FIRST_ORDER_ID).toBe(9007199254740993n);
      expect(String((JSON.parse(text) as { orderId: number }).orderId)).not.toBe("9007199254740993");
    } finally {
      await own.close();
    }
  });

  it("runs new → query → cancel with the big order id kept exact in the raw body text", async () => {
    const placed = await signed("POST", "/fapi/v1/order", limitBuy("life-1"), "body");
    expect(placed.status).toBe(200);
    expect(placed.headers.get("content-type")).toBe("application/json");
    expect(placed.body).toMatchObject({
      clientOrderId: "life-1",
      status: "NEW",
      price: "50000.10",
      origQty: "0.010",
      executedQty: "0",
      cumQty: "0",
      cumQuote: "0",
      type: "LIMIT",
      origType: "LIMIT",
      timeInForce: "GTC",
      positionSide: "BOTH",
      reduceOnly: false,
      closePosition: false,
      workingType: "CONTRACT_PRICE",
      priceMatch: "NONE",
      selfTradePreventionMode: "NONE",
      goodTillDate: 0,
    });
    const id = rawOrderId(placed.text);
    expect(BigInt(id)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    expect(fake.orders("um").map((order) => order.orderId)).toEqual([BigInt(id)]);

    const queried = await signed("GET", "/fapi/v1/order", `symbol=BTCUSDT&orderId=${id}`);
    expect(rawOrderId(queried.text)).toBe(id);
    expect(queried.body).toMatchObject({ status: "NEW", clientOrderId: "life-1" });
    expect(typeof queried.body.time).toBe("number");

    const byClientId = await signed("GET", "/fapi/v1/order", "symbol=BTCUSDT&origClientOrderId=life-1");
    expect(rawOrderId(byClientId.text)).toBe(id);

    const canceled = await signed("DELETE", "/fapi/v1/order", `symbol=BTCUSDT&orderId=${id}`);
    expect(rawOrderId(canceled.text)).toBe(id);
    expect(canceled.body.status).toBe("CANCELED");
    const again = await signed("DELETE", "/fapi/v1/order", `symbol=BTCUSDT&orderId=${id}`);
    expect([again.status, again.body]).toEqual([400, { code: -2011, msg: "Unknown order sent." }]);
    expect((await signed("GET", "/fapi/v1/order", `symbol=BTCUSDT&orderId=${id}`)).body.status).toBe(
      "CANCELED",
    );
    const missing = await signed("GET", "/fapi/v1/order", "symbol=BTCUSDT&orderId=1");
    expect([missing.status, missing.body]).toEqual([400, { code: -2013, msg: "Order does not exist." }]);
  });

  it("rejects a client order id that is in use by an open order, and allows it again after cancel", async () => {
    expect((await signed("POST", "/fapi/v1/order", limitBuy("dup-1"))).status).toBe(200);
    const duplicate = await signed("POST", "/fapi/v1/order", limitBuy("dup-1"));
    expect([duplicate.status, duplicate.body]).toEqual([
      400,
      { code: -4116, msg: "ClientOrderId is duplicated." },
    ]);
    await signed("DELETE", "/fapi/v1/order", "symbol=BTCUSDT&origClientOrderId=dup-1");
    expect((await signed("POST", "/fapi/v1/order", limitBuy("dup-1"))).status).toBe(200);
    const illegal = await signed("POST", "/fapi/v1/order", limitBuy("has%20space"));
    expect(illegal.body.code).toBe(-1100);
  });

  it("generates a client order id when none is sent", async () => {
    const placed = await signed("POST", "/fapi/v1/order", limitBuy());
    expect(placed.body.clientOrderId).toMatch(/^[A-Za-z0-9]{22}$/);
  });

  it("fills MARKET orders at the symbol's fixed price (cumQuote on USDⓈ-M, cumBase and pair on COIN-M)", async () => {
    const um = await signed("POST", "/fapi/v1/order", "symbol=BTCUSDT&side=SELL&type=MARKET&quantity=0.5");
    expect(um.body).toMatchObject({
      status: "FILLED",
      avgPrice: "60000.00",
      executedQty: "0.5",
      cumQuote: "30000",
    });
    const cm = await signed("POST", "/dapi/v1/order", "symbol=BTCUSD_PERP&side=BUY&type=MARKET&quantity=3");
    expect(cm.body).toMatchObject({ status: "FILLED", pair: "BTCUSD", cumBase: "0.005", executedQty: "3" });
    expect(cm.body.cumQuote).toBeUndefined();
    expect(fake.orders("um")).toHaveLength(1);
    expect(fake.orders("cm")).toHaveLength(1);
  });

  it("keeps orders per market and sends USDⓈ-M conditional types to the algo endpoints (-4120)", async () => {
    await signed("POST", "/fapi/v1/order", limitBuy("per-market"));
    const other = await signed("GET", "/dapi/v1/order", "symbol=BTCUSD_PERP&origClientOrderId=per-market");
    expect(other.body.code).toBe(-2013);
    const stop = await signed(
      "POST",
      "/fapi/v1/order",
      "symbol=BTCUSDT&side=SELL&type=STOP_MARKET&quantity=1&stopPrice=50000",
    );
    expect(stop.body.code).toBe(-4120);
    const cmStop = await signed(
      "POST",
      "/dapi/v1/order",
      "symbol=BTCUSD_PERP&side=SELL&type=STOP_MARKET&quantity=1&stopPrice=50000",
    );
    expect(cmStop.body).toMatchObject({ status: "NEW", type: "STOP_MARKET", stopPrice: "50000" });
  });

  it("lists and cancels open orders, and validates order/test without storing", async () => {
    await signed("POST", "/fapi/v1/order", limitBuy("open-1"));
    await signed("POST", "/fapi/v1/order", limitBuy("open-2"));
    const open = await signed("GET", "/fapi/v1/openOrders", "symbol=BTCUSDT");
    expect(open.list.map((order) => order.clientOrderId)).toEqual(["open-1", "open-2"]);
    expect((await signed("POST", "/fapi/v1/order/test", limitBuy("test-only"))).body).toEqual({});
    expect(
      (await signed("POST", "/fapi/v1/order/test", "symbol=NOPE&side=BUY&type=MARKET&quantity=1")).body,
    ).toEqual({
      code: -1121,
      msg: "Invalid symbol.",
    });
    const all = await signed("DELETE", "/fapi/v1/allOpenOrders", "symbol=BTCUSDT");
    expect(all.body).toEqual({ code: 200, msg: "The operation of cancel all open order is done." });
    expect((await signed("GET", "/fapi/v1/openOrders", "")).list).toEqual([]);
    expect(fake.orders("um").map((order) => order.status)).toEqual(["CANCELED", "CANCELED"]);
  });

  it("places and cancels batch orders with one result object per element", async () => {
    await signed("POST", "/fapi/v1/order", limitBuy("taken"));
    const batch = JSON.stringify([
      {
        symbol: "BTCUSDT",
        side: "BUY",
        type: "LIMIT",
        quantity: "0.001",
        timeInForce: "GTC",
        price: "10000.1",
      },
      {
        symbol: "BTCUSDT",
        side: "BUY",
        type: "LIMIT",
        quantity: "0.001",
        timeInForce: "GTC",
        price: "1",
        newClientOrderId: "taken",
      },
      { symbol: "ETHUSDT", side: "SELL", type: "MARKET", quantity: "0.1" },
    ]);
    const placed = await signed(
      "POST",
      "/fapi/v1/batchOrders",
      `batchOrders=${encodeURIComponent(batch)}`,
      "body",
    );
    expect(placed.status).toBe(200);
    expect(placed.list).toHaveLength(3);
    expect(placed.list[0]).toMatchObject({ status: "NEW", price: "10000.1" });
    expect(placed.list[1]).toEqual({ code: -4116, msg: "ClientOrderId is duplicated." });
    expect(placed.list[2]).toMatchObject({ status: "FILLED", symbol: "ETHUSDT" });
    const ids = [...placed.text.matchAll(/"orderId":(\d+)/g)].map((match) => match[1]);
    expect(ids).toHaveLength(2);

    const list = encodeURIComponent(`[${ids[0]},1]`);
    const canceled = await signed("DELETE", "/fapi/v1/batchOrders", `symbol=BTCUSDT&orderIdList=${list}`);
    expect(rawOrderId(canceled.text)).toBe(ids[0]);
    expect(canceled.list[0]).toMatchObject({ status: "CANCELED" });
    expect(canceled.list[1]).toEqual({ code: -2011, msg: "Unknown order sent." });
    const byClient = encodeURIComponent(JSON.stringify(["taken"]));
    const second = await signed(
      "DELETE",
      "/fapi/v1/batchOrders",
      `symbol=BTCUSDT&origClientOrderIdList=${byClient}`,
    );
    expect(second.list[0]).toMatchObject({ clientOrderId: "taken", status: "CANCELED" });
    const tooMany = JSON.stringify(Array.from({ length: 6 }, () => JSON.parse(batch)[0] as unknown));
    expect(
      (await signed("POST", "/fapi/v1/batchOrders", `batchOrders=${encodeURIComponent(tooMany)}`)).body.code,
    ).toBe(-4082);
  });

  it("places, queries, lists and cancels USDⓈ-M algo orders", async () => {
    const placed = await signed(
      "POST",
      "/fapi/v1/algoOrder",
      "algoType=CONDITIONAL&symbol=BTCUSDT&side=SELL&type=STOP_MARKET&quantity=0.010&triggerPrice=55000&clientAlgoId=algo-1",
    );
    expect(placed.status, placed.text).toBe(200);
    expect(placed.body).toMatchObject({
      clientAlgoId: "algo-1",
      algoType: "CONDITIONAL",
      orderType: "STOP_MARKET",
      algoStatus: "NEW",
      triggerPrice: "55000",
      quantity: "0.010",
    });
    const algoId = /"algoId":(\d+)/.exec(placed.text)?.[1] ?? "";
    expect(BigInt(algoId)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    const queried = await signed("GET", "/fapi/v1/algoOrder", `algoId=${algoId}`);
    expect(queried.body).toMatchObject({ clientAlgoId: "algo-1", actualOrderId: "", algoStatus: "NEW" });
    expect((await signed("GET", "/fapi/v1/openAlgoOrders", "symbol=BTCUSDT")).list).toHaveLength(1);
    const canceled = await signed("DELETE", "/fapi/v1/algoOrder", "clientAlgoId=algo-1");
    expect(canceled.text).toBe(`{"algoId":${algoId},"clientAlgoId":"algo-1","code":"200","msg":"success"}`);
    expect((await signed("GET", "/fapi/v1/openAlgoOrders", "")).list).toEqual([]);
    expect(fake.algoOrders()[0]?.algoStatus).toBe("CANCELED");
  });
});

describe("faults", () => {
  it("answers 429 and 418 rate limits with Retry-After and Binance's -1003 texts, and -1015 on request", async () => {
    fake.injectFault({ kind: "rate-limit", status: 429, retryAfterSeconds: 7 });
    const limited = await call("GET", "/fapi/v1/ping");
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "7"]);
    expect(limited.body).toEqual({
      code: -1003,
      msg: "Too many requests; current limit of IP(127.0.0.1) request weight is 2400 per MINUTE. Please use the websocket for live updates to avoid polling the API.",
    });
    expect((await call("GET", "/fapi/v1/ping")).status).toBe(200);

    fake.injectFault({ kind: "rate-limit", status: 418, retryAfterSeconds: 120 });
    const before = fake.serverTime();
    const banned = await call("GET", "/fapi/v1/ping");
    expect(banned.status).toBe(418);
    const until = Number(/banned until (\d+)\./.exec(String(banned.body.msg))?.[1]);
    expect(until).toBeGreaterThanOrEqual(before + 120_000);
    expect(banned.body.msg).toMatch(
      /^Way too many requests; IP\(127\.0\.0\.1\) banned until \d+\. Please use the websocket for live updates to avoid bans\.$/,
    );

    fake.injectFault({ kind: "rate-limit", status: 429, code: -1015, match: { path: "/fapi/v1/order" } });
    expect((await call("GET", "/fapi/v1/ping")).status).toBe(200);
    const orders = await signed("POST", "/fapi/v1/order", limitBuy());
    expect(orders.body).toEqual({
      code: -1015,
      msg: "Too many new orders; current limit is 300 orders per TEN_SECONDS.",
    });
    expect(fake.orders("um")).toHaveLength(0);
  });

  it("answers server errors without executing, 503 with Service Unavailable", async () => {
    fake.injectFault({ kind: "server-error", status: 500, times: 2 });
    for (let i = 0; i < 2; i += 1) {
      const failed = await signed("POST", "/fapi/v1/order", limitBuy());
      expect([failed.status, failed.body]).toEqual([
        500,
        { code: -1001, msg: "Internal error; unable to process your request. Please try again." },
      ]);
    }
    fake.injectFault({ kind: "server-error", status: 503 });
    const unavailable = await signed("POST", "/fapi/v1/order", limitBuy());
    expect([unavailable.status, unavailable.body.msg]).toEqual([503, "Service Unavailable."]);
    expect(fake.orders("um")).toHaveLength(0);
    expect((await signed("POST", "/fapi/v1/order", limitBuy())).status).toBe(200);
  });

  it("answers 451 restricted location and a CloudFront HTML 403", async () => {
    fake.injectFault({ kind: "restricted-location" });
    const restricted = await call("GET", "/fapi/v1/time");
    expect(restricted.status).toBe(451);
    expect(restricted.body.code).toBe(0);
    expect(restricted.body.msg).toMatch(
      /^Service unavailable from a restricted location according to 'b\. Eligibility'/,
    );
    fake.injectFault({ kind: "html-403" });
    const blocked = await call("GET", "/fapi/v1/time");
    expect(blocked.status).toBe(403);
    expect(blocked.headers.get("content-type")).toBe("text/html");
    expect(blocked.text).toContain("The request could not be satisfied");
  });

  it("answers the unknown-execution 503 after executing (or not) the order; the query then finds it", async () => {
    fake.injectFault({
      kind: "unknown-503",
      execute: false,
      match: { method: "POST", path: "/fapi/v1/order" },
    });
    const notExecuted = await signed("POST", "/fapi/v1/order", limitBuy("u-0"));
    expect(notExecuted.status).toBe(503);
    expect(notExecuted.body).toMatchObject({
      path: "/fapi/v1/order",
      msg: "Unknown error, please check your request or try again later.",
    });
    expect(notExecuted.body.code).toBeUndefined();
    expect(fake.orders("um")).toHaveLength(0);

    fake.injectFault({
      kind: "unknown-503",
      execute: true,
      match: { method: "POST", path: "/fapi/v1/order" },
    });
    const executed = await signed("POST", "/fapi/v1/order", limitBuy("u-1"));
    expect(executed.status).toBe(503);
    const found = await signed("GET", "/fapi/v1/order", "symbol=BTCUSDT&origClientOrderId=u-1");
    expect(found.body).toMatchObject({ status: "NEW", clientOrderId: "u-1" });

    fake.injectFault({ kind: "unknown-503", execute: false, code: -1007 });
    expect((await call("GET", "/fapi/v1/time")).body).toEqual({
      code: -1007,
      msg: "Unknown error, please check your request or try again later.",
    });
  });

  it("delays matching requests and then handles them normally; clearFaults drops queued faults", async () => {
    fake.injectFault({ kind: "delay", ms: 150, match: { path: "/fapi/*" } });
    const started = Date.now();
    expect((await call("GET", "/fapi/v1/ping")).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    fake.injectFault({ kind: "server-error", status: 502 });
    fake.clearFaults();
    expect((await call("GET", "/fapi/v1/ping")).status).toBe(200);
  });

  it("closes promptly while a delayed request is pending", async () => {
    const own = await startFakeExchange();
    own.injectFault({ kind: "delay", ms: 30_000 });
    const pending = fetch(`${own.url}/fapi/v1/ping`).then(
      (response) => response.status,
      () => "aborted",
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBe("aborted");
    expect(own.requests[0]?.status).toBe(0);
  });
});

describe("listen keys", () => {
  it("creates, returns again, keeps alive and closes a listen key with the API key only", async () => {
    const created = await call("POST", "/fapi/v1/listenKey", { apiKey: HMAC.apiKey });
    const listenKey = String(created.body.listenKey);
    expect(listenKey).toMatch(/^[A-Za-z0-9]{64}$/);
    expect((await call("POST", "/fapi/v1/listenKey", { apiKey: HMAC.apiKey })).body.listenKey).toBe(
      listenKey,
    );
    expect((await call("POST", "/dapi/v1/listenKey", { apiKey: HMAC.apiKey })).body.listenKey).not.toBe(
      listenKey,
    );
    const kept = await call("PUT", `/fapi/v1/listenKey?listenKey=${listenKey}`, { apiKey: HMAC.apiKey });
    expect([kept.status, kept.body]).toEqual([200, { listenKey }]);
    expect(fake.isListenKeyActive(listenKey)).toBe(true);
    expect(
      (await call("DELETE", `/fapi/v1/listenKey?listenKey=${listenKey}`, { apiKey: HMAC.apiKey })).body,
    ).toEqual({});
    const gone = await call("PUT", `/fapi/v1/listenKey?listenKey=${listenKey}`, { apiKey: HMAC.apiKey });
    expect([gone.status, gone.body]).toEqual([400, { code: -1125, msg: "This listenKey does not exist." }]);
    expect((await call("POST", "/fapi/v1/listenKey")).body.code).toBe(-2014);
    expect((await call("POST", "/fapi/v1/listenKey", { apiKey: "nobody" })).body.code).toBe(-2015);
  });

  it("expires listen keys after the configured validity", async () => {
    const own = await startFakeExchange({ listenKeyValidityMs: 60 });
    try {
      own.registerKey({ apiKey: HMAC.apiKey, type: "hmac", secret: HMAC.secret });
      const post = await fetch(`${own.url}/fapi/v1/listenKey`, {
        method: "POST",
        headers: { "X-MBX-APIKEY": HMAC.apiKey },
      });
      const { listenKey } = (await post.json()) as { listenKey: string };
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(own.isListenKeyActive(listenKey)).toBe(false);
      const put = await fetch(`${own.url}/fapi/v1/listenKey?listenKey=${listenKey}`, {
        method: "PUT",
        headers: { "X-MBX-APIKEY": HMAC.apiKey },
      });
      expect(await put.json()).toEqual({ code: -1125, msg: "This listenKey does not exist." });
    } finally {
      await own.close();
    }
  });
});

describe("market data, generic paths and headers", () => {
  it("serves ping, time on the skewed clock, exchangeInfo, klines, depth and ticker prices", async () => {
    expect((await call("GET", "/dapi/v1/ping")).body).toEqual({});
    fake.setClockSkewMs(-60_000);
    const time = Number((await call("GET", "/fapi/v1/time")).body.serverTime);
    expect(Math.abs(time - (Date.now() - 60_000))).toBeLessThan(1000);
    const um = await call("GET", "/fapi/v1/exchangeInfo");
    const umSymbols = um.body.symbols as { symbol: string; filters: { filterType: string }[] }[];
    expect(umSymbols.map((item) => item.symbol)).toEqual(["BTCUSDT", "ETHUSDT"]);
    expect(umSymbols[0]?.filters.map((filter) => filter.filterType)).toEqual(
      expect.arrayContaining(["PRICE_FILTER", "LOT_SIZE", "MIN_NOTIONAL"]),
    );
    expect(um.body.rateLimits).toEqual(expect.arrayContaining([expect.objectContaining({ limit: 2400 })]));
    const cm = await call("GET", "/dapi/v1/exchangeInfo");
    expect((cm.body.symbols as { symbol: string }[]).map((item) => item.symbol)).toEqual([
      "BTCUSD_PERP",
      "ETHUSD_PERP",
    ]);
    const klines = await call("GET", "/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=3");
    expect(klines.list).toHaveLength(3);
    expect((await call("GET", "/fapi/v1/klines?symbol=BTCUSDT&interval=7m")).body.code).toBe(-1120);
    const depth = await call("GET", "/fapi/v1/depth?symbol=ETHUSDT&limit=5");
    expect((depth.body.bids as unknown[]).length).toBe(5);
    expect((await call("GET", "/fapi/v2/ticker/price?symbol=ETHUSDT")).body).toMatchObject({
      symbol: "ETHUSDT",
      price: "3000.00",
    });
    expect((await call("GET", "/fapi/v1/ticker/price")).list).toHaveLength(2);
    expect((await call("GET", "/dapi/v1/ticker/price?symbol=BTCUSD_PERP")).list[0]).toMatchObject({
      symbol: "BTCUSD_PERP",
      ps: "BTCUSD",
    });
  });

  it("answers other Binance paths generically after checking any key and signature, and 404 elsewhere", async () => {
    const plain = await call("GET", "/futures/data/openInterestHist?symbol=BTCUSDT&period=5m");
    expect(plain.body).toEqual({ fake: "generic", method: "GET", path: "/futures/data/openInterestHist" });
    expect((await call("GET", "/fapi/v3/account", { apiKey: "nobody" })).body.code).toBe(-2015);
    const account = await signed("GET", "/fapi/v3/account", "");
    expect(account.body).toEqual({ fake: "generic", method: "GET", path: "/fapi/v3/account" });
    expect(fake.requests.at(-1)?.signed).toBe(true);
    const badSignature = await call("GET", `/dapi/v1/account?timestamp=${fake.serverTime()}&signature=abc`, {
      apiKey: HMAC.apiKey,
    });
    expect(badSignature.body.code).toBe(-1022);
    const unknown = await call("GET", "/api/v3/time");
    expect([unknown.status, unknown.body]).toEqual([404, { code: -1, msg: "not found" }]);
  });

  it("sends X-MBX-USED-WEIGHT-1M on every response and order counts on order endpoints", async () => {
    const first = await call("GET", "/fapi/v1/ping");
    const second = await call("GET", "/fapi/v1/depth?symbol=BTCUSDT&limit=1000");
    expect(Number(second.headers.get("x-mbx-used-weight-1m"))).toBe(
      Number(first.headers.get("x-mbx-used-weight-1m")) + 20,
    );
    expect(second.headers.get("x-mbx-order-count-10s")).toBeNull();
    expect((await call("GET", "/nowhere")).headers.get("x-mbx-used-weight-1m")).not.toBeNull();
    const placed = await signed("POST", "/fapi/v1/order", limitBuy());
    expect(placed.headers.get("x-mbx-order-count-10s")).toBe("1");
    expect(placed.headers.get("x-mbx-order-count-1m")).toBe("1");
    const next = await signed("POST", "/fapi/v1/order", limitBuy());
    expect(next.headers.get("x-mbx-order-count-1m")).toBe("2");
  });

  it("records every request with its raw query and body exactly as received", async () => {
    const query = "symbol=BTCUSDT&newClientOrderId=a%2Fb&note=x+y";
    await call("POST", `/fapi/v1/generic-check?${query}`, { form: "extra=%E2%9C%93&z=1" });
    const recorded = fake.requests.at(-1);
    expect(recorded).toMatchObject({
      method: "POST",
      path: "/fapi/v1/generic-check",
      rawQuery: query,
      rawBody: "extra=%E2%9C%93&z=1",
      apiKey: null,
      signed: false,
      status: 200,
    });
    expect(recorded?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
  });
});

describe("control API over HTTP", () => {
  it("registers keys, sets the clock, queues and clears faults, lists requests and orders, and resets", async () => {
    const control = (method: string, path: string, json?: unknown) =>
      call(method, `/__fake/${path}`, { json });
    const key = { apiKey: "via-http", type: "hmac", secret: "s3cret" };
    expect((await control("POST", "keys", key)).status).toBe(200);
    const payload = `${limitBuy("ctl-1")}&timestamp=${fake.serverTime()}`;
    const placed = await call("POST", `/fapi/v1/order?${payload}&signature=${hmacHex("s3cret", payload)}`, {
      apiKey: "via-http",
    });
    expect(placed.status).toBe(200);

    const clock = await control("POST", "clock", { skewMs: 3_000 });
    expect(Number(clock.body.serverTime) - Date.now()).toBeGreaterThan(2_000);
    expect(fake.serverTime() - Date.now()).toBeGreaterThan(2_000);

    await control("POST", "faults", { kind: "server-error", status: 504, match: { path: "/fapi/v1/ping" } });
    expect((await call("GET", "/fapi/v1/ping")).status).toBe(504);
    await control("POST", "faults", { kind: "server-error", status: 504 });
    await control("DELETE", "faults");
    expect((await call("GET", "/fapi/v1/ping")).status).toBe(200);
    expect((await control("POST", "faults", { kind: "nonsense" })).status).toBe(400);

    const requests = await control("GET", "requests");
    expect(requests.list.map((request) => request.path)).toEqual([
      "/fapi/v1/order",
      "/fapi/v1/ping",
      "/fapi/v1/ping",
    ]);
    const orders = await control("GET", "orders?market=um");
    expect(rawOrderId(orders.text)).toBe(rawOrderId(placed.text));
    expect(orders.list[0]).toMatchObject({ clientOrderId: "ctl-1", status: "NEW", market: "um" });
    expect((await control("GET", "orders?market=cm")).list).toEqual([]);

    expect((await control("POST", "reset")).status).toBe(200);
    expect(fake.requests).toHaveLength(0);
    expect(fake.orders("um")).toHaveLength(0);
    expect(Math.abs(fake.serverTime() - Date.now())).toBeLessThan(1000);
    const stillKnown = `timestamp=${fake.serverTime()}`;
    const afterReset = await call(
      "GET",
      `/fapi/v1/openOrders?${stillKnown}&signature=${hmacHex("s3cret", stillKnown)}`,
      {
        apiKey: "via-http",
      },
    );
    expect(afterReset.status).toBe(200);
  });

  it("announces a new listing in exchangeInfo as pending, takes no orders for it, and forgets it on reset", async () => {
    const control = (method: string, path: string, json?: unknown) =>
      call(method, `/__fake/${path}`, { json });
    expect((await control("POST", "listings", { market: "um", symbol: "NEWUSDT" })).status).toBe(200);
    expect((await control("POST", "listings", { market: "cm", symbol: "NEWUSD_PERP" })).status).toBe(200);
    expect((await control("POST", "listings", { market: "xx", symbol: "A" })).status).toBe(400);
    const um = (await call("GET", "/fapi/v1/exchangeInfo")).body.symbols as Record<string, unknown>[];
    expect(um.find((item) => item.symbol === "NEWUSDT")).toMatchObject({
      pair: "NEWUSDT",
      baseAsset: "NEW",
      status: "PENDING_TRADING",
    });
    const cm = (await call("GET", "/dapi/v1/exchangeInfo")).body.symbols as Record<string, unknown>[];
    expect(cm.find((item) => item.symbol === "NEWUSD_PERP")).toMatchObject({
      pair: "NEWUSD",
      baseAsset: "NEW",
      contractStatus: "PENDING_TRADING",
    });
    expect((await call("GET", "/fapi/v1/ticker/price?symbol=NEWUSDT")).status).toBe(400);
    await control("POST", "reset");
    const after = (await call("GET", "/fapi/v1/exchangeInfo")).body.symbols as { symbol: string }[];
    expect(after.map((item) => item.symbol)).toEqual(["BTCUSDT", "ETHUSDT"]);
  });
});
