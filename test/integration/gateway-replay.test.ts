// Exact replays of a write are answered once: copies of one signed order (same client, method, path and
// signature) arriving while the original is in flight or within its recvWindow get the original's answer, marked
// X-Gateway-Replay: original, and nothing is sent again, across an egress restart too. Reads are not deduplicated,
// and a copy after recvWindow is refused by the timestamp check.
import { abortAllDurableObjects, evictDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { signedQuery } from "../support/client-signing.ts";
import { CLIENTS } from "../support/credentials.ts";
import { fakeControl } from "../support/fake-control.ts";

const fake = fakeControl(inject("fakeExchangeUrl"));
const ORDER = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.001&price=100";
const dropIn = { "X-MBX-APIKEY": CLIENTS.trader.apiKey };

function gateway(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`https://gateway.test${path}`, init));
}

function signed(params = ORDER, timestamp = Date.now()): Promise<string> {
  return signedQuery(CLIENTS.trader.apiSecret, params, timestamp);
}

function postOrder(query: string): Promise<Response> {
  return gateway(`/fapi/v1/order?${query}`, { method: "POST", headers: dropIn });
}

async function ordersAtFake(): Promise<number> {
  return (await fake.requests()).filter((r) => r.method === "POST" && r.path === "/fapi/v1/order").length;
}

async function answers(responses: Response[]) {
  return Promise.all(
    responses.map(async (r) => ({
      status: r.status,
      replay: r.headers.get("x-gateway-replay"),
      weight: r.headers.get("x-mbx-used-weight-1m"),
      body: await r.text(),
    })),
  );
}

function expectOneOriginal(all: Awaited<ReturnType<typeof answers>>): void {
  expect(all.filter((a) => a.replay === null)).toHaveLength(1);
  expect(all.filter((a) => a.replay === "original")).toHaveLength(all.length - 1);
  const [first, ...rest] = all;
  for (const other of rest) expect({ ...other, replay: null }).toEqual({ ...first, replay: null });
}

beforeEach(async () => {
  await fake.reset();
});

describe("exact replays of a signed write", () => {
  it("places one order for three copies sent at once, and answers each with the original", async () => {
    const query = await signed();
    const all = await answers(await Promise.all([postOrder(query), postOrder(query), postOrder(query)]));
    expect(all[0]?.status).toBe(200);
    expect(all[0]?.body).toMatch(/"clientOrderId":"gw-[0-9a-f]{32}"/);
    expectOneOriginal(all);
    expect(await ordersAtFake()).toBe(1);
    expect(await fake.orders("um")).toHaveLength(1);
  });

  it("places one order for three copies sent one after another", async () => {
    const query = await signed();
    const all = await answers([await postOrder(query), await postOrder(query), await postOrder(query)]);
    expect(all[0]?.replay).toBeNull();
    expectOneOriginal(all);
    expect(await ordersAtFake()).toBe(1);
  });

  it("makes a copy that arrives while the original is in flight wait for it", async () => {
    await fake.injectFault({ kind: "delay", ms: 600, match: { method: "POST", path: "/fapi/v1/order" } });
    const query = await signed();
    const original = postOrder(query);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const all = await answers([await original, await postOrder(query)]);
    expect(all.map((a) => [a.status, a.replay])).toEqual([
      [200, null],
      [200, "original"],
    ]);
    expectOneOriginal(all);
    expect(await ordersAtFake()).toBe(1);
  });

  it("still answers a copy with the original after the egress object restarts", async () => {
    const query = await signed();
    const original = await answers([await postOrder(query)]);
    await evictDurableObject(env.BINANCE_EGRESS.getByName("egress:default"));
    const copy = await answers([await postOrder(query)]);
    expectOneOriginal([...original, ...copy]);
    expect(await ordersAtFake()).toBe(1);
  });

  it("answers a copy 'outcome unknown' when the egress object stopped mid-call, and does not send it", async () => {
    await fake.injectFault({ kind: "delay", ms: 1000, match: { method: "POST", path: "/fapi/v1/order" } });
    const query = await signed();
    const original = postOrder(query);
    for (let i = 0; i < 50 && (await ordersAtFake()) === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await abortAllDurableObjects();
    const first = await original;
    expect(first.status).toBe(503);
    expect(((await first.json()) as { code: number }).code).toBe(-9014);
    const copy = await postOrder(query);
    expect(copy.status).toBe(503);
    expect(copy.headers.get("x-gateway-replay")).toBe("original");
    const body = (await copy.json()) as { code: number; msg: string };
    expect(body.code).toBe(-9014);
    expect(body.msg).toMatch(/client order id gw-[0-9a-f]{32}/);
    expect(await ordersAtFake()).toBe(1);
  });

  it("does not let a copy through by moving the signature into the body or changing its case", async () => {
    const query = await signed();
    const [params, signature] = query.split("&signature=") as [string, string];
    const original = await answers([await postOrder(query)]);
    const moved = await gateway(`/fapi/v1/order?${params}`, {
      method: "POST",
      headers: { ...dropIn, "Content-Type": "application/x-www-form-urlencoded" },
      body: `signature=${signature}`,
    });
    const upper = await postOrder(`${params}&signature=${signature.toUpperCase()}`);
    expectOneOriginal([...original, ...(await answers([moved, upper]))]);
    expect(await ordersAtFake()).toBe(1);
  });

  it("refuses a copy after its recvWindow with the timestamp check, as before", async () => {
    const query = await signed(`${ORDER}&recvWindow=1000`);
    expect((await postOrder(query)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const late = await postOrder(query);
    expect(late.status).toBe(400);
    expect(((await late.json()) as { code: number }).code).toBe(-1021);
    expect(late.headers.get("x-gateway-replay")).toBeNull();
    expect(await ordersAtFake()).toBe(1);
  });

  it("sends a different order (another signature) and repeats reads", async () => {
    const now = Date.now();
    const first = await postOrder(await signed(ORDER, now));
    const second = await postOrder(await signed(ORDER, now + 1));
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.headers.get("x-gateway-replay")).toBeNull();
    expect(await ordersAtFake()).toBe(2);

    const read = await signed("symbol=BTCUSDT");
    const reads = await answers([
      await gateway(`/fapi/v1/openOrders?${read}`, { headers: dropIn }),
      await gateway(`/fapi/v1/openOrders?${read}`, { headers: dropIn }),
    ]);
    expect(reads.map((r) => [r.status, r.replay])).toEqual([
      [200, null],
      [200, null],
    ]);
    expect((await fake.requests()).filter((r) => r.path === "/fapi/v1/openOrders")).toHaveLength(2);
  });
});

describe("exact replays of a bearer-token write", () => {
  const token = { Authorization: `Bearer ${CLIENTS.hook.token}`, "Content-Type": "application/json" };
  const order = (extra: string) =>
    `{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","timeInForce":"GTC","quantity":"0.001","price":"100"${extra}}`;

  it("places one order for copies that carry the same timestamp", async () => {
    const body = order(`,"timestamp":${Date.now()}`);
    const post = () => gateway("/fapi/v1/order", { method: "POST", headers: token, body });
    const all = await answers([await post(), await post()]);
    expectOneOriginal(all);
    expect(await ordersAtFake()).toBe(1);
  });

  it("places every order sent without a timestamp: nothing marks them as copies", async () => {
    const post = () => gateway("/fapi/v1/order", { method: "POST", headers: token, body: order("") });
    const all = await answers([await post(), await post()]);
    expect(all.map((a) => [a.status, a.replay])).toEqual([
      [200, null],
      [200, null],
    ]);
    expect(await ordersAtFake()).toBe(2);
  });
});
