// Every catalog row is reachable through the gateway and reaches Binance with the right security:
// NONE rows carry neither the API key nor a signature, API_KEY rows carry the real key only, SIGNED rows carry
// the real key and a signature the exchange verified.
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { ENDPOINTS } from "../../shared/catalog/index.ts";
import type { Endpoint } from "../../shared/catalog/types.ts";
import { CLIENTS, REAL_KEYS } from "../support/credentials.ts";
import { fakeControl } from "../support/fake-control.ts";

const fake = fakeControl(inject("fakeExchangeUrl"));

beforeAll(async () => {
  await fake.reset();
});

function sampleParams(endpoint: Endpoint): URLSearchParams {
  const params = new URLSearchParams();
  for (const required of endpoint.required) {
    const name = required.split("|")[0] ?? required;
    params.set(name, sampleValue(endpoint, name));
  }
  return params;
}

function sampleValue(endpoint: Endpoint, name: string): string {
  const symbol = endpoint.market === "um" ? "BTCUSDT" : "BTCUSD_PERP";
  const samples: Record<string, string> = {
    symbol,
    pair: endpoint.market === "um" ? "BTCUSDT" : "BTCUSD",
    side: "BUY",
    type: "LIMIT",
    quantity: "1",
    price: "100",
    batchOrders: JSON.stringify([
      { symbol, side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "1", price: "100" },
    ]),
    orderIdList: "[1]",
    algoType: "CONDITIONAL",
  };
  return samples[name] ?? "1";
}

function gatewayPath(endpoint: Endpoint): string {
  return endpoint.market === "cm" && endpoint.path.startsWith("/futures/data/")
    ? `/cm${endpoint.path}`
    : endpoint.path;
}

describe("catalog reachability", () => {
  for (const endpoint of ENDPOINTS) {
    it(`${endpoint.market} ${endpoint.method} ${endpoint.path} arrives ${endpoint.security}`, async () => {
      const before = (await fake.requests()).length;
      const params = sampleParams(endpoint);
      const query = params.toString();
      const response = await exports.default.fetch(
        new Request(`https://gateway.test${gatewayPath(endpoint)}${query === "" ? "" : `?${query}`}`, {
          method: endpoint.method,
          headers: { Authorization: `Bearer ${CLIENTS.hook.token}` },
        }),
      );
      expect(response.headers.get("x-gateway-error"), await response.clone().text()).toBeNull();
      const sent = (await fake.requests())
        .slice(before)
        .filter((r) => r.path === endpoint.path && r.method === endpoint.method);
      expect(sent).toHaveLength(1);
      const upstream = sent[0];
      const carriesSignature =
        /(^|&)signature=/.test(upstream?.rawQuery ?? "") || /(^|&)signature=/.test(upstream?.rawBody ?? "");
      if (endpoint.security === "NONE") {
        expect([upstream?.apiKey, carriesSignature]).toEqual([null, false]);
      } else if (endpoint.security === "API_KEY") {
        expect([upstream?.apiKey, carriesSignature]).toEqual([REAL_KEYS.hmac.apiKey, false]);
      } else {
        expect([upstream?.apiKey, carriesSignature, upstream?.signed]).toEqual([
          REAL_KEYS.hmac.apiKey,
          true,
          true,
        ]);
      }
    });
  }
});
