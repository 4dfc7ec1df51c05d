// 429 and 418 with Retry-After make the gateway hold calls itself until then, protecting the account from an
// escalating ban; the hold survives the egress object being evicted. Bans here last one second.
import { evictDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { CLIENTS, REAL_KEYS } from "../support/credentials.ts";
import { fakeControl } from "../support/fake-control.ts";

const fake = fakeControl(inject("fakeExchangeUrl"));
const hook = { Authorization: `Bearer ${CLIENTS.hook.token}` };
const form = { ...hook, "Content-Type": "application/x-www-form-urlencoded" };

function gateway(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`https://gateway.test${path}`, init));
}

function waitForBanToEnd(response: Response): Promise<void> {
  const seconds = Number(response.headers.get("retry-after") ?? "1");
  return new Promise((resolve) => setTimeout(resolve, seconds * 1000 + 100));
}

beforeEach(async () => {
  await fake.reset();
});

describe("back-off after Binance's rate limits", () => {
  it("holds every call after a 429 until Retry-After, without asking Binance", async () => {
    await fake.injectFault({
      kind: "rate-limit",
      status: 429,
      retryAfterSeconds: 1,
      match: { path: "/fapi/v1/klines" },
    });
    const limited = await gateway("/fapi/v1/klines?symbol=BTCUSDT&interval=1m", { headers: hook });
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { code: number }).code).toBe(-1003);

    const held = await gateway("/fapi/v1/time", { headers: hook });
    const body = (await held.json()) as { code: number; msg: string };
    expect(held.status).toBe(429);
    expect(body.code).toBe(-1003);
    expect(body.msg).toMatch(/the gateway holds all calls to Binance until/);
    expect(held.headers.get("x-gateway-error")).toBe("upstream-banned");
    expect(Number(held.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await fake.requests()).filter((r) => r.path === "/fapi/v1/time")).toHaveLength(0);

    await waitForBanToEnd(held);
    expect((await gateway("/fapi/v1/time", { headers: hook })).status).toBe(200);
  });

  it("answers 418 while an IP ban lasts, and keeps it after the egress object is evicted", async () => {
    await fake.injectFault({ kind: "rate-limit", status: 418, retryAfterSeconds: 2 });
    expect((await gateway("/fapi/v1/time", { headers: hook })).status).toBe(418);
    const stub = env.BINANCE_EGRESS.getByName("egress:default");
    await evictDurableObject(stub);
    const held = await gateway("/fapi/v1/exchangeInfo", { headers: hook });
    expect(held.status).toBe(418);
    expect((await fake.requests()).filter((r) => r.path === "/fapi/v1/exchangeInfo")).toHaveLength(0);
    await waitForBanToEnd(held);
  });

  it("holds only new orders after -1015 (order rate), so reads and cancels still work", async () => {
    await fake.injectFault({
      kind: "rate-limit",
      status: 429,
      code: -1015,
      retryAfterSeconds: 1,
      match: { method: "POST", path: "/fapi/v1/order" },
    });
    const order = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=100";
    expect((await gateway("/fapi/v1/order", { method: "POST", headers: form, body: order })).status).toBe(
      429,
    );
    const held = await gateway("/fapi/v1/order", { method: "POST", headers: form, body: order });
    expect(held.status).toBe(429);
    expect(((await held.json()) as { code: number }).code).toBe(-1015);
    const modify = await gateway("/fapi/v1/order", {
      method: "PUT",
      headers: form,
      body: "symbol=BTCUSDT&orderId=1&side=BUY&quantity=1&price=101",
    });
    expect(modify.status).toBe(429);
    expect((await gateway("/fapi/v3/account", { headers: hook })).status).toBe(200);
    const cancel = await gateway("/fapi/v1/allOpenOrders?symbol=BTCUSDT", {
      method: "DELETE",
      headers: hook,
    });
    expect(cancel.status).toBe(200);
    expect((await fake.requests()).filter((r) => r.method === "POST")).toHaveLength(1);
    // The order-rate limit is the account's: another account's orders still go out.
    const other = await gateway("/fapi/v1/order", {
      method: "POST",
      headers: { Authorization: `Bearer ${CLIENTS.second.token}`, "Content-Type": form["Content-Type"] },
      body: order,
    });
    expect(other.status).toBe(200);
    const posts = (await fake.requests()).filter((r) => r.method === "POST");
    expect(posts.map((r) => r.apiKey)).toEqual([REAL_KEYS.hmac.apiKey, REAL_KEYS.ed25519.apiKey]);
    await waitForBanToEnd(held);
  });

  it("keeps markets apart: a USDⓈ-M ban does not hold COIN-M", async () => {
    await fake.injectFault({
      kind: "rate-limit",
      status: 429,
      retryAfterSeconds: 1,
      match: { path: "/fapi/v1/time" },
    });
    const limited = await gateway("/fapi/v1/time", { headers: hook });
    expect(limited.status).toBe(429);
    expect((await gateway("/dapi/v1/time", { headers: hook })).status).toBe(200);
    await waitForBanToEnd(limited);
  });
});
