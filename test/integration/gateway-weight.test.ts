// Request-weight budgets: each caller spends its own budget per market and minute, the total follows Binance's
// X-MBX-USED-WEIGHT-1M, and a reserve is kept so cancels and reduce-only orders still pass when the rest is spent.
// A refusal never reaches Binance and records no hold. The workers project runs with WEIGHT_LIMIT_PER_MINUTE 24000
// (vitest.config.ts) and 15% reserve: ordinary calls stop at 20400 in total. The client "ticker" has a budget of 200.
import { exports } from "cloudflare:workers";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { CLIENTS, REAL_KEYS } from "../support/credentials.ts";
import { fakeControl } from "../support/fake-control.ts";

const fake = fakeControl(inject("fakeExchangeUrl"));
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const ticker = bearer(CLIENTS.ticker.token);
const viewer = bearer(CLIENTS.viewer.token);
const owner = bearer(CLIENTS.hook.token);
const form = { ...owner, "Content-Type": "application/x-www-form-urlencoded" };
const DEPTH = "/fapi/v1/depth?symbol=BTCUSDT&limit=1000"; // weight 20
const REDUCE = "symbol=BTCUSDT&side=SELL&type=MARKET&quantity=0.001&reduceOnly=true";

function gateway(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`https://gateway.test${path}`, init));
}

async function refusal(response: Response): Promise<{ code: number; msg: string }> {
  expect(response.status).toBe(429);
  expect(response.headers.get("x-gateway-error")).toBe("weight-budget");
  const retryAfter = Number(response.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  return (await response.json()) as { code: number; msg: string };
}

async function sentToFake(path: string): Promise<number> {
  return (await fake.requests()).filter((r) => r.path === path).length;
}

/** Budgets count per minute: a test that needs one whole starts with at least 10 s of it left. */
async function freshMinute(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 10_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

beforeEach(async () => {
  await fake.reset();
  // The owner holds a long position the reduce-only orders below can shrink.
  await fake.setAccount({
    apiKey: REAL_KEYS.hmac.apiKey,
    market: "um",
    positions: [{ symbol: "BTCUSDT", positionAmt: "0.010" }],
  });
});

describe("request-weight budgets", () => {
  it("refuses a market-only token at its budget, sends nothing more, and the owner's reduce-only order and cancel still pass", async () => {
    await fake.setWeight({ limit: 2400 }); // Binance's own limit: past it, the fake answers 429 as Binance does
    await freshMinute();
    let spent = 0;
    let refused: Response | null = null;
    // 130 calls of weight 20 are the 2600 the filed report saw a market-only token spend in a minute.
    for (let call = 0; call < 130 && refused === null; call++) {
      const response = await gateway(DEPTH, { headers: ticker });
      if (response.status !== 200) refused = response;
      else {
        spent += 20;
        await response.body?.cancel();
      }
    }
    expect(spent).toBe(200);
    if (refused === null) throw new Error("never refused");
    const body = await refusal(refused);
    expect(body.code).toBe(-1003);
    expect(body.msg).toContain("client 'ticker' on USDⓈ-M is 200 per minute and 200 is spent");
    expect(body.msg).toContain("this call weighs 20");
    expect(await sentToFake("/fapi/v1/depth")).toBe(10);
    const again = await gateway(DEPTH, { headers: ticker });
    expect(again.status).toBe(429);
    expect(await sentToFake("/fapi/v1/depth")).toBe(10);

    // Another client is not held by the first one's budget, and no Binance hold was recorded.
    expect((await gateway(DEPTH, { headers: viewer })).status).toBe(200);
    const reduce = await gateway("/fapi/v1/order", { method: "POST", headers: form, body: REDUCE });
    expect(reduce.status, await reduce.clone().text()).toBe(200);
    const cancel = await gateway("/fapi/v1/allOpenOrders?symbol=BTCUSDT", {
      method: "DELETE",
      headers: owner,
    });
    expect(cancel.status).toBe(200);
  }, 30_000);

  it("counts the weight Binance reports in X-MBX-USED-WEIGHT-1M: past the total, only cancels and reduce-only orders use the reserve, up to the limit", async () => {
    await freshMinute();
    // Another tool on the same IP spent 20450 this minute, more than ordinary calls may reach (20400).
    await fake.setWeight({ used: 20_450 });
    const first = await gateway("/fapi/v1/time", { headers: viewer });
    expect(first.status).toBe(200);
    expect(first.headers.get("x-mbx-used-weight-1m")).toBe("20451");

    const read = await refusal(await gateway("/fapi/v1/time", { headers: viewer }));
    expect(read.msg).toContain("on USDⓈ-M is 20400 per minute for this kind of call");
    expect(read.msg).toContain("20451 is used");
    // Every client is held by the shared total: another client's read, and an ordinary (weight 0) order.
    await refusal(await gateway("/fapi/v3/account", { headers: owner }));
    const order = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.001&price=100";
    await refusal(await gateway("/fapi/v1/order", { method: "POST", headers: form, body: order }));
    expect(await sentToFake("/fapi/v3/account")).toBe(0);
    expect((await fake.requests()).filter((r) => r.method === "POST")).toHaveLength(0);

    const reduce = await gateway("/fapi/v1/order", { method: "POST", headers: form, body: REDUCE });
    expect(reduce.status, await reduce.clone().text()).toBe(200);
    const cancelAll = "/fapi/v1/allOpenOrders?symbol=BTCUSDT";
    expect((await gateway(cancelAll, { method: "DELETE", headers: owner })).status).toBe(200);

    // The reserve ends at the limit itself (24000): then even a cancel waits.
    await fake.setWeight({ used: 23_999 });
    expect((await gateway(cancelAll, { method: "DELETE", headers: owner })).status).toBe(200);
    const held = await refusal(await gateway(cancelAll, { method: "DELETE", headers: owner }));
    expect(held.msg).toContain("is 24000 per minute");
    expect(await sentToFake("/fapi/v1/allOpenOrders")).toBe(2);
  }, 30_000);
});
