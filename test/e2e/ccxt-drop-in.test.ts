// Drop-in proof with a real third-party client: ccxt, configured only with the gateway's URL and a virtual
// key, places, queries and cancels orders at the (fake) exchange through the gateway.
import ccxt from "ccxt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENTS, REAL_KEYS } from "../support/credentials.ts";
import { type RunningGateway, startGateway } from "../support/gateway-harness.ts";

let gateway: RunningGateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  await gateway?.close();
});

function usdm(apiKey: string, secret: string) {
  const base = gateway.url;
  return new ccxt.binanceusdm({
    apiKey,
    secret,
    // Binance's public endpoints go through the gateway too, which wants a credential on every call.
    headers: { "X-MBX-APIKEY": apiKey },
    urls: {
      api: {
        fapiPublic: `${base}/fapi/v1`,
        fapiPublicV2: `${base}/fapi/v2`,
        fapiPublicV3: `${base}/fapi/v3`,
        fapiPrivate: `${base}/fapi/v1`,
        fapiPrivateV2: `${base}/fapi/v2`,
        fapiPrivateV3: `${base}/fapi/v3`,
        fapiData: `${base}/futures/data`,
      },
    },
    options: { fetchCurrencies: false },
  });
}

describe("ccxt binanceusdm through the gateway", () => {
  it("places, fetches and cancels a limit order with a virtual key", async () => {
    const exchange = usdm(CLIENTS.trader.apiKey, CLIENTS.trader.apiSecret);
    const order = await exchange.createOrder("BTC/USDT:USDT", "limit", "buy", 0.01, 20000);
    expect(order.status).toBe("open");
    const id = order.id ?? "";
    expect(BigInt(id)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    const fetched = await exchange.fetchOrder(id, "BTC/USDT:USDT");
    expect(fetched.clientOrderId).toBe(order.clientOrderId);
    const cancelled = await exchange.cancelOrder(id, "BTC/USDT:USDT");
    expect(cancelled.status).toBe("canceled");
    const placed = gateway.fake.requests.filter((r) => r.method === "POST" && r.path === "/fapi/v1/order");
    expect(placed).toHaveLength(1);
    expect(placed[0]).toMatchObject({ signed: true, apiKey: REAL_KEYS.hmac.apiKey, status: 200 });
    expect(JSON.stringify(gateway.fake.requests)).not.toContain(CLIENTS.trader.apiKey);
  });

  it("gets ccxt's own error class for a virtual key without trade scope", async () => {
    const exchange = usdm(CLIENTS.reader.apiKey, CLIENTS.reader.apiSecret);
    await expect(exchange.createOrder("BTC/USDT:USDT", "limit", "buy", 0.01, 20000)).rejects.toBeInstanceOf(
      ccxt.AuthenticationError,
    );
  });

  it("gets ccxt's own error class for a wrong virtual secret", async () => {
    const exchange = usdm(CLIENTS.trader.apiKey, "not-the-virtual-secret-0000");
    await expect(exchange.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
  });
});
