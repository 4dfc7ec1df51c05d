// Upstream faults injected at the fake exchange: unknown order outcomes are reconciled, reads are retried,
// writes are never sent twice, and geo-blocking is explained.
import { abortAllDurableObjects } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { CLIENTS } from "../support/credentials.ts";
import { fakeControl } from "../support/fake-control.ts";

const fake = fakeControl(inject("fakeExchangeUrl"));
const hook = { Authorization: `Bearer ${CLIENTS.hook.token}` };
const form = { ...hook, "Content-Type": "application/x-www-form-urlencoded" };
const limitOrder = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=100";

function gateway(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`https://gateway.test${path}`, init));
}

async function upstreamCalls(method: string, path: string): Promise<number> {
  return (await fake.requests()).filter((r) => r.method === method && r.path === path).length;
}

beforeEach(async () => {
  await fake.reset();
});

describe("503 'execution status unknown' on orders", () => {
  it("finds an order that was placed and answers with it", async () => {
    await fake.injectFault({
      kind: "unknown-503",
      execute: true,
      match: { method: "POST", path: "/fapi/v1/order" },
    });
    const response = await gateway("/fapi/v1/order", { method: "POST", headers: form, body: limitOrder });
    const body = await response.text();
    expect(response.status, body).toBe(200);
    expect(response.headers.get("x-gateway-reconciled")).toBe("found");
    const orderId = /"orderId":(\d+)/.exec(body)?.[1] ?? "";
    expect(await fake.ordersText("um")).toMatch(new RegExp(`"orderId":${orderId}[,}]`));
    expect(body).toMatch(/"clientOrderId":"gw-[0-9a-f]{32}"/);
    expect(await fake.orders("um")).toHaveLength(1);
    expect(await upstreamCalls("POST", "/fapi/v1/order")).toBe(1);
  });

  it("says it was not placed only once Binance could no longer accept it", async () => {
    await fake.injectFault({
      kind: "unknown-503",
      execute: false,
      match: { method: "POST", path: "/fapi/v1/order" },
    });
    const response = await gateway("/fapi/v1/order", {
      method: "POST",
      headers: form,
      body: `${limitOrder}&newClientOrderId=my-order-1&recvWindow=500`,
    });
    const body = (await response.json()) as { code: number; msg: string };
    expect(response.status).toBe(503);
    expect(body.code).toBe(-9013);
    expect(body.msg).toMatch(/order my-order-1 does not exist: it was not placed/);
    expect(await fake.orders("um")).toHaveLength(0);
    const requests = await fake.requests();
    const placed = requests.find((r) => r.method === "POST" && r.path === "/fapi/v1/order");
    const lookups = requests.filter((r) => r.method === "GET" && r.path === "/fapi/v1/order");
    const stamped = Number(new URLSearchParams(placed?.rawBody).get("timestamp"));
    // The last look happened after timestamp + recvWindow (500) + the gateway's 2 s margin.
    expect(lookups.length).toBeGreaterThan(1);
    expect(Number(new URLSearchParams(lookups.at(-1)?.rawQuery).get("timestamp"))).toBeGreaterThan(
      stamped + 2500,
    );
    expect(requests.filter((r) => r.method === "POST")).toHaveLength(1);
  });

  it("finds an order that lands after several empty looks, instead of calling it not placed", async () => {
    await fake.injectFault({ kind: "delay", ms: 2500, match: { method: "POST", path: "/fapi/v1/order" } });
    const response = await gateway("/fapi/v1/order", {
      method: "POST",
      headers: { ...form, "X-Gateway-Timeout-Ms": "1000" },
      body: limitOrder,
    });
    expect(response.status, await response.text()).toBe(200);
    expect(response.headers.get("x-gateway-reconciled")).toBe("found");
    const lookups = (await fake.requests()).filter((r) => r.method === "GET" && r.path === "/fapi/v1/order");
    expect(lookups.map((r) => r.status)).toContain(400);
  });

  it("does not take an older order under a reused client order id for the new one", async () => {
    const placed = await gateway("/fapi/v1/order", {
      method: "POST",
      headers: form,
      body: `${limitOrder}&newClientOrderId=reused-1`,
    });
    expect(placed.status).toBe(200);
    const cancelled = await gateway("/fapi/v1/order?symbol=BTCUSDT&origClientOrderId=reused-1", {
      method: "DELETE",
      headers: hook,
    });
    expect(cancelled.status).toBe(200);
    await fake.injectFault({
      kind: "unknown-503",
      execute: false,
      match: { method: "POST", path: "/fapi/v1/order" },
    });
    const response = await gateway("/fapi/v1/order", {
      method: "POST",
      headers: form,
      body: "symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=5&price=200&newClientOrderId=reused-1&recvWindow=500",
    });
    const body = (await response.json()) as { code: number; msg: string };
    expect(response.status).toBe(503);
    expect(body.code).toBe(-9014);
    expect(body.msg).toMatch(/Query it by client order id reused-1/);
  });

  it("reconciles each order of a batch", async () => {
    await fake.injectFault({
      kind: "unknown-503",
      execute: true,
      match: { method: "POST", path: "/fapi/v1/batchOrders" },
    });
    const batchOrders = JSON.stringify([
      { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "1", price: "100" },
      {
        symbol: "ETHUSDT",
        side: "SELL",
        type: "LIMIT",
        timeInForce: "GTC",
        quantity: "1",
        price: "9000",
        newClientOrderId: "mine-2",
      },
    ]);
    const response = await gateway("/fapi/v1/batchOrders", {
      method: "POST",
      headers: form,
      body: `batchOrders=${encodeURIComponent(batchOrders)}`,
    });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(response.headers.get("x-gateway-reconciled")).toBe("batch");
    const orders = JSON.parse(text) as { clientOrderId: string; symbol: string }[];
    expect(orders.map((o) => o.symbol)).toEqual(["BTCUSDT", "ETHUSDT"]);
    expect(orders[1]?.clientOrderId).toBe("mine-2");
  });

  it("reconciles an algo order by its clientAlgoId", async () => {
    await fake.injectFault({
      kind: "unknown-503",
      execute: true,
      match: { method: "POST", path: "/fapi/v1/algoOrder" },
    });
    const response = await gateway("/fapi/v1/algoOrder", {
      method: "POST",
      headers: form,
      body: "algoType=CONDITIONAL&symbol=BTCUSDT&side=SELL&type=STOP_MARKET&quantity=1&triggerPrice=90",
    });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(text).toMatch(/"clientAlgoId":"gw-[0-9a-f]{32}"/);
  });
});

describe("the egress object failing mid-call", () => {
  it("tells the caller which client order id to check when the order's fate is unknown", async () => {
    await fake.injectFault({ kind: "delay", ms: 1500, match: { method: "POST", path: "/fapi/v1/order" } });
    const pending = gateway("/fapi/v1/order", {
      method: "POST",
      headers: form,
      body: `${limitOrder}&newClientOrderId=mid-call-1`,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await abortAllDurableObjects();
    const response = await pending;
    const body = (await response.json()) as { code: number; msg: string };
    expect(response.status).toBe(503);
    expect(body.code).toBe(-9014);
    expect(body.msg).toMatch(/client order id mid-call-1/);
  });
});

describe("answers that are not Binance's", () => {
  it("reconciles an order answered by an HTML 502 from the CDN, which may have executed it", async () => {
    await fake.injectFault({
      kind: "cdn-5xx",
      status: 502,
      execute: true,
      match: { method: "POST", path: "/fapi/v1/order" },
    });
    const response = await gateway("/fapi/v1/order", { method: "POST", headers: form, body: limitOrder });
    expect(response.status, await response.text()).toBe(200);
    expect(response.headers.get("x-gateway-reconciled")).toBe("found");
  });

  it("does not follow a redirect, which would carry the API key elsewhere", async () => {
    await fake.injectFault({
      kind: "redirect",
      location: "http://127.0.0.1:9/elsewhere",
      match: { path: "/fapi/v3/account" },
    });
    const response = await gateway("/fapi/v3/account", { headers: hook });
    const body = (await response.json()) as { code: number; msg: string };
    expect(response.status).toBe(403);
    expect(body.code).toBe(-9011);
    expect(body.msg).toMatch(/HTTP 302: a redirect/);
    expect(await upstreamCalls("GET", "/fapi/v3/account")).toBe(1);
  });
});

describe("retries", () => {
  it("retries a read after 5xx answers", async () => {
    await fake.injectFault({
      kind: "server-error",
      status: 502,
      times: 2,
      match: { path: "/fapi/v1/klines" },
    });
    const response = await gateway("/fapi/v1/klines?symbol=BTCUSDT&interval=1m", { headers: hook });
    expect(response.status).toBe(200);
    expect(await upstreamCalls("GET", "/fapi/v1/klines")).toBe(3);
  });

  it("gives up on a read after its retries and says Binance did not answer", async () => {
    await fake.injectFault({ kind: "delay", ms: 2000, times: 3, match: { path: "/fapi/v1/klines" } });
    const response = await gateway("/fapi/v1/klines?symbol=BTCUSDT&interval=1m", {
      headers: { ...hook, "X-Gateway-Timeout-Ms": "150" },
    });
    const body = (await response.json()) as { code: number; msg: string };
    expect(response.status).toBe(502);
    expect(body.code).toBe(-9012);
    expect(await upstreamCalls("GET", "/fapi/v1/klines")).toBe(3);
  });

  it("never sends a write twice after a 5xx", async () => {
    await fake.injectFault({
      kind: "server-error",
      status: 500,
      match: { method: "POST", path: "/fapi/v1/leverage" },
    });
    const response = await gateway("/fapi/v1/leverage", {
      method: "POST",
      headers: form,
      body: "symbol=BTCUSDT&leverage=5",
    });
    expect(response.status).toBe(500);
    expect(await upstreamCalls("POST", "/fapi/v1/leverage")).toBe(1);
  });

  it("answers -1007 when a write times out and cannot be reconciled, waiting at least a second", async () => {
    await fake.injectFault({ kind: "delay", ms: 2000, match: { method: "POST", path: "/fapi/v1/leverage" } });
    const started = Date.now();
    const response = await gateway("/fapi/v1/leverage", {
      method: "POST",
      headers: { ...form, "X-Gateway-Timeout-Ms": "150" },
      body: "symbol=BTCUSDT&leverage=5",
    });
    const body = (await response.json()) as { code: number };
    expect(response.status).toBe(504);
    expect(body.code).toBe(-1007);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(await upstreamCalls("POST", "/fapi/v1/leverage")).toBe(1);
  });
});

describe("clock", () => {
  it("resynchronises and retries once when Binance's clock moved (-1021)", async () => {
    expect((await gateway("/fapi/v3/account", { headers: hook })).status).toBe(200);
    await fake.setClockSkew(-8000);
    const response = await gateway("/fapi/v1/order", { method: "POST", headers: form, body: limitOrder });
    expect(response.status, await response.text()).toBe(200);
    const orders = (await fake.requests()).filter((r) => r.path === "/fapi/v1/order");
    expect(orders.map((r) => r.status)).toEqual([400, 200]);
    expect(await fake.orders("um")).toHaveLength(1);
    await fake.setClockSkew(0);
  });
});

describe("where requests leave from", () => {
  it("explains HTTP 451 and points at BINANCE_LOCATION_HINT", async () => {
    await fake.injectFault({ kind: "restricted-location" });
    const response = await gateway("/fapi/v1/time", { headers: hook });
    const body = (await response.json()) as { code: number; msg: string };
    expect(response.status).toBe(451);
    expect(body.code).toBe(-9010);
    expect(body.msg).toMatch(/BINANCE_LOCATION_HINT/);
    expect(response.headers.get("x-gateway-error")).toBe("upstream-restricted-location");
  });

  it("explains an HTML 403 from Binance's edge", async () => {
    await fake.injectFault({ kind: "html-403" });
    const response = await gateway("/fapi/v1/time", { headers: hook });
    const body = (await response.json()) as { code: number; msg: string };
    expect(response.status).toBe(403);
    expect(body.code).toBe(-9011);
    expect(body.msg).toMatch(/HTML page/);
  });
});
