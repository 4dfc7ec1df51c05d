// Red-team probes of the REST rules (symbol allowlists, weight budgets and their reserve, exact replays), each
// named after the hole it found, against the fake exchange. The egress object is evicted before each test so the
// weight counts (kept in memory) start from nothing. The workers project runs with WEIGHT_LIMIT_PER_MINUTE 24000
// and a 15% reserve: ordinary calls stop at 20400 in total; "ticker" has a budget of 200.
import { evictDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { signedQuery } from "../support/client-signing.ts";
import { CLIENTS } from "../support/credentials.ts";
import { fakeControl } from "../support/fake-control.ts";

const fake = fakeControl(inject("fakeExchangeUrl"));
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const ticker = bearer(CLIENTS.ticker.token);
const viewer = bearer(CLIENTS.viewer.token);
const owner = bearer(CLIENTS.hook.token);
const form = { ...owner, "Content-Type": "application/x-www-form-urlencoded" };
type Signer = { readonly apiKey: string; readonly apiSecret: string };

function gateway(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`https://gateway.test${path}`, init));
}

async function signed(client: Signer, method: string, path: string, params: string): Promise<Response> {
  const query = await signedQuery(client.apiSecret, params);
  return gateway(`${path}?${query}`, { method, headers: { "X-MBX-APIKEY": client.apiKey } });
}

async function sentToFake(method: string, path: string): Promise<number> {
  return (await fake.requests()).filter((r) => r.method === method && r.path === path).length;
}

/** Budgets count per minute: a test that needs one whole starts with at least 10 s of it left. */
async function freshMinute(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 10_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

/** Other tools on the IP spent 20450 this minute; the gateway learns it from the next answer's header. */
async function pastTheOrdinaryCap(): Promise<void> {
  await fake.setWeight({ used: 20_450 });
  const learn = await gateway("/fapi/v1/time", { headers: viewer });
  expect(learn.headers.get("x-mbx-used-weight-1m")).toBe("20451");
}

beforeEach(async () => {
  await fake.reset();
  // An object that is not running has no counts in memory to forget.
  await evictDurableObject(env.BINANCE_EGRESS.getByName("egress:default")).catch(() => undefined);
});

describe("red team: request weight", () => {
  it("HOLE weight-pair: a USDⓈ-M ticker/24hr with `pair` (which USDⓈ-M ignores) weighs 40 at Binance, so a 200 budget admits 5", async () => {
    await freshMinute();
    let admitted = 0;
    let lastUsed = 0;
    let refusal = "";
    for (let call = 0; call < 12; call++) {
      const response = await gateway("/fapi/v1/ticker/24hr?pair=BTCUSDT", { headers: ticker });
      if (response.status === 200) {
        admitted++;
        lastUsed = Number(response.headers.get("x-mbx-used-weight-1m"));
        await response.body?.cancel();
      } else refusal = ((await response.json()) as { msg: string }).msg;
    }
    // Binance (and the fake) count every one of them as "all symbols": the budget is spent after five.
    expect(lastUsed).toBeLessThanOrEqual(200);
    expect(admitted).toBe(5);
    expect(refusal).toContain("client 'ticker' on USDⓈ-M is 200 per minute");
  });

  it("HOLE algo-lookup-reserve: a symbol-restricted client's algo cancel by id passes past the ordinary cap, as every cancel does", async () => {
    await freshMinute();
    const placed = await signed(
      CLIENTS.trader,
      "POST",
      "/fapi/v1/algoOrder",
      "algoType=CONDITIONAL&symbol=BTCUSDT&side=SELL&type=STOP_MARKET&quantity=1&triggerPrice=90&clientAlgoId=rt-algo-1",
    );
    const algoId = /"algoId":(\d+)/.exec(await placed.text())?.[1];
    if (algoId === undefined) throw new Error("no algo order placed");
    await pastTheOrdinaryCap();
    const cancel = await signed(CLIENTS.btcOnly, "DELETE", "/fapi/v1/algoOrder", `algoId=${algoId}`);
    expect(cancel.status, await cancel.clone().text()).toBe(200);
    expect(await cancel.text()).toContain(`"algoId":${algoId}`);
    expect(await sentToFake("DELETE", "/fapi/v1/algoOrder")).toBe(1);
  });

  it("HOLE countdown-off-reserve: countdownCancelAll with countdownTime=0 switches the auto-cancel off and may not spend the reserve", async () => {
    await freshMinute();
    await pastTheOrdinaryCap();
    const off = await gateway("/fapi/v1/countdownCancelAll", {
      method: "POST",
      headers: form,
      body: "symbol=BTCUSDT&countdownTime=0",
    });
    expect(off.status).toBe(429);
    expect(off.headers.get("x-gateway-error")).toBe("weight-budget");
    expect(await sentToFake("POST", "/fapi/v1/countdownCancelAll")).toBe(0);
    // The heartbeat that keeps the switch armed is still let through.
    const armed = await gateway("/fapi/v1/countdownCancelAll", {
      method: "POST",
      headers: form,
      body: "symbol=BTCUSDT&countdownTime=60000",
    });
    expect(armed.headers.get("x-gateway-error")).toBeNull();
    expect(await sentToFake("POST", "/fapi/v1/countdownCancelAll")).toBe(1);
  });
});

describe("red team: exact replays", () => {
  it("HOLE replayed-refusal: a signed cancel the gateway held back (nothing sent) goes out when resent after the hold ends", async () => {
    await fake.injectFault({
      kind: "rate-limit",
      status: 429,
      retryAfterSeconds: 1,
      match: { path: "/fapi/v1/klines" },
    });
    const limited = await gateway("/fapi/v1/klines?symbol=BTCUSDT&interval=1m", { headers: owner });
    expect(limited.status).toBe(429);
    const query = await signedQuery(CLIENTS.trader.apiSecret, "symbol=BTCUSDT");
    const cancel = () =>
      gateway(`/fapi/v1/allOpenOrders?${query}`, {
        method: "DELETE",
        headers: { "X-MBX-APIKEY": CLIENTS.trader.apiKey },
      });
    const held = await cancel();
    expect([held.status, held.headers.get("x-gateway-error")]).toEqual([429, "upstream-banned"]);
    expect(await sentToFake("DELETE", "/fapi/v1/allOpenOrders")).toBe(0);
    const retryAfter = Number(held.headers.get("retry-after") ?? "1");
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 100));
    // The same bytes, still inside their recvWindow: the first copy never left, so this one must.
    const again = await cancel();
    expect([again.status, again.headers.get("x-gateway-replay")]).toEqual([200, null]);
    expect(await sentToFake("DELETE", "/fapi/v1/allOpenOrders")).toBe(1);
  });
});
