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

function gatewayCall(endpoint: Endpoint, query: string): Promise<Response> {
  return exports.default.fetch(
    new Request(`https://gateway.test${gatewayPath(endpoint)}${query === "" ? "" : `?${query}`}`, {
      method: endpoint.method,
      headers: { Authorization: `Bearer ${CLIENTS.hook.token}` },
    }),
  );
}

async function upstreamCalls(endpoint: Endpoint, before: number) {
  return (await fake.requests())
    .slice(before)
    .filter((r) => r.path === endpoint.path && r.method === endpoint.method);
}

// Listen keys are the edge's own: POST hands out a relay key (the account's user stream object gets Binance's,
// API key only); PUT is answered at the edge; DELETE of the last relay key closes Binance's key.
describe("listen key rows", () => {
  for (const endpoint of ENDPOINTS.filter((e) => e.path.endsWith("/listenKey"))) {
    it(`${endpoint.market} ${endpoint.method} ${endpoint.path}`, async () => {
      const post = ENDPOINTS.find((e) => e.path === endpoint.path && e.method === "POST");
      if (post === undefined) throw new Error("no POST row");
      const before = (await fake.requests()).length;
      const created = await gatewayCall(post, "");
      const key = ((await created.json()) as { listenKey: string }).listenKey;
      expect(key).toMatch(/^[A-Za-z0-9]{64}$/);
      const response = await gatewayCall(endpoint, `listenKey=${key}`);
      expect(response.status, await response.clone().text()).toBe(200);
      if (endpoint.method !== "DELETE") await gatewayCall({ ...post, method: "DELETE" }, `listenKey=${key}`);
      // With its last relay key gone, the user stream object closes Binance's key.
      const closeRow = { ...endpoint, method: "DELETE" as const };
      for (let i = 0; i < 100 && (await upstreamCalls(closeRow, before)).length === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      for (const row of [post, closeRow]) {
        const sent = await upstreamCalls(row, before);
        expect(sent).toHaveLength(1);
        expect(sent[0]?.apiKey).toBe(REAL_KEYS.hmac.apiKey);
        expect(sent[0]?.rawQuery ?? "").not.toMatch(/(^|&)signature=/);
      }
    });
  }
});

describe("catalog reachability", () => {
  for (const endpoint of ENDPOINTS.filter((e) => !e.path.endsWith("/listenKey"))) {
    it(`${endpoint.market} ${endpoint.method} ${endpoint.path} arrives ${endpoint.security}`, async () => {
      const before = (await fake.requests()).length;
      const params = sampleParams(endpoint);
      const query = params.toString();
      const response = await gatewayCall(endpoint, query);
      expect(response.headers.get("x-gateway-error"), await response.clone().text()).toBeNull();
      const sent = await upstreamCalls(endpoint, before);
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
