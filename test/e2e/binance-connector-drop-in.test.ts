// Drop-in proof with Binance's own connector (@binance/derivatives-trading-usds-futures), configured only
// with the gateway as basePath and a virtual key.
import { DerivativesTradingUsdsFutures } from "@binance/derivatives-trading-usds-futures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENTS, REAL_KEYS } from "../support/credentials.ts";
import { type RunningGateway, startGateway } from "../support/gateway-harness.ts";

let gateway: RunningGateway;
beforeAll(async () => {
  gateway = await startGateway({ key: "ed25519" });
});
afterAll(async () => {
  await gateway?.close();
});

describe("Binance's official USDⓈ-M connector through the gateway", () => {
  it("places, queries and cancels an order with a virtual key while the gateway signs with Ed25519", async () => {
    const client = new DerivativesTradingUsdsFutures({
      configurationRestAPI: {
        apiKey: CLIENTS.trader.apiKey,
        apiSecret: CLIENTS.trader.apiSecret,
        basePath: gateway.url,
        timeout: 10_000,
        retries: 0,
      },
    });
    const placed = await (
      await client.restAPI.newOrder({
        symbol: "BTCUSDT",
        side: "BUY" as never,
        type: "LIMIT" as never,
        timeInForce: "GTC" as never,
        quantity: 0.01,
        price: 20000,
        newClientOrderId: "official-1",
      })
    ).data();
    expect(placed.clientOrderId).toBe("official-1");
    expect(BigInt(String(placed.orderId))).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    const queried = await (
      await client.restAPI.queryOrder({ symbol: "BTCUSDT", origClientOrderId: "official-1" })
    ).data();
    expect(queried.status).toBe("NEW");
    const cancelled = await (
      await client.restAPI.cancelOrder({ symbol: "BTCUSDT", origClientOrderId: "official-1" })
    ).data();
    expect(cancelled.status).toBe("CANCELED");
    const upstream = gateway.fake.requests.filter((r) => r.path === "/fapi/v1/order");
    expect(upstream.map((r) => [r.method, r.status, r.signed, r.apiKey])).toEqual([
      ["POST", 200, true, REAL_KEYS.ed25519.apiKey],
      ["GET", 200, true, REAL_KEYS.ed25519.apiKey],
      ["DELETE", 200, true, REAL_KEYS.ed25519.apiKey],
    ]);
  });
});
