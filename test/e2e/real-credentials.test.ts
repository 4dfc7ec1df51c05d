// End to end over real sockets: a Binance client signs with its virtual key, the Worker (workerd on a real
// port) verifies it and signs afresh with each kind of real credential, the fake exchange verifies that.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedQuery } from "../support/client-signing.ts";
import { CLIENTS, REAL_KEYS, type RealKeyName } from "../support/credentials.ts";
import { type RunningGateway, startGateway } from "../support/gateway-harness.ts";

const cases: [RealKeyName, string][] = [
  ["hmac", "HMAC secret"],
  ["rsa", "RSA PKCS#8 key"],
  ["rsaPkcs1", "RSA PKCS#1 key"],
  ["rsaEncrypted", "RSA key in encrypted PKCS#8 with a passphrase"],
  ["ed25519", "Ed25519 key"],
];

for (const [key, description] of cases) {
  describe(`real credential: ${description}`, () => {
    let gateway: RunningGateway;
    beforeAll(async () => {
      gateway = await startGateway({ key });
    });
    afterAll(async () => {
      await gateway?.close();
    });

    it("places, queries and cancels an order that the exchange verifies", async () => {
      const trader = CLIENTS.trader;
      const headers = { "X-MBX-APIKEY": trader.apiKey };
      const order =
        "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.5&price=25000&newClientOrderId=e2e-1";
      const placed = await fetch(
        `${gateway.url}/fapi/v1/order?${await signedQuery(trader.apiSecret, order)}`,
        { method: "POST", headers },
      );
      expect(placed.status, await placed.clone().text()).toBe(200);
      const query = await signedQuery(trader.apiSecret, "symbol=BTCUSDT&origClientOrderId=e2e-1");
      const found = await fetch(`${gateway.url}/fapi/v1/order?${query}`, { headers });
      expect(await found.text()).toMatch(/"status":"NEW"/);
      const cancelled = await fetch(`${gateway.url}/fapi/v1/order?${query}`, {
        method: "DELETE",
        headers: { ...headers },
      });
      expect(await cancelled.text()).toMatch(/"status":"CANCELED"/);
      const upstream = gateway.fake.requests.filter((r) => r.path === "/fapi/v1/order");
      expect(upstream.map((r) => [r.method, r.status, r.signed, r.apiKey])).toEqual([
        ["POST", 200, true, REAL_KEYS[key].apiKey],
        ["GET", 200, true, REAL_KEYS[key].apiKey],
        ["DELETE", 200, true, REAL_KEYS[key].apiKey],
      ]);
      if (key !== "hmac") {
        // Asymmetric signatures are base64, percent-encoded on the wire.
        expect(upstream[0]?.rawQuery).toMatch(/&signature=[A-Za-z0-9%]+$/);
        expect(upstream[0]?.rawQuery).not.toMatch(/&signature=[^&]*[+/=]/);
      }
    });
  });
}
