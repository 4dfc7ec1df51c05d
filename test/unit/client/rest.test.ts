// The typed REST client (client/) against a recording fetch and a fixed clock: what goes on the wire,
// byte for byte, and what comes back. Expected signatures are computed here with node:crypto, independently of
// the project's WebCrypto signer.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  BinanceError,
  createRestClient,
  type FetchLike,
  formatNumber,
  type Params,
  type RestClient,
  type RestClientOptions,
  RestNetworkError,
  type RestRequestInit,
  type RestResponse,
  RestUsageError,
} from "../../../client/rest/client.ts";
import { CM_ENDPOINTS } from "../../../shared/catalog/cm.ts";
import type { Endpoint, Market } from "../../../shared/catalog/types.ts";
import { UM_ENDPOINTS } from "../../../shared/catalog/um.ts";

const GATEWAY = "https://gateway.example";
const NOW = 1_700_000_000_123;
const API_KEY = "virtual-key-0001";
const API_SECRET = "virtual-secret-0001";
const TOKEN = "bearer-token-0001";

interface Sent {
  readonly url: string;
  readonly init: RestRequestInit;
}

/** A fetch that records every call and answers with `answer()` (an empty JSON object by default). */
function recordingFetch(answer: () => Response = () => Response.json({})): {
  fetch: FetchLike;
  sent: Sent[];
} {
  const sent: Sent[] = [];
  return {
    sent,
    fetch: async (url, init) => {
      sent.push({ url, init });
      return answer();
    },
  };
}

function setup(
  options: Partial<RestClientOptions> = {},
  answer?: () => Response,
): { client: RestClient; sent: Sent[] } {
  const { fetch, sent } = recordingFetch(answer);
  const client = createRestClient({ baseUrl: GATEWAY, now: () => NOW, fetch, ...options });
  return { client, sent };
}

function only(sent: readonly Sent[]): Sent {
  expect(sent).toHaveLength(1);
  const [first] = sent;
  if (first === undefined) throw new Error("nothing was sent");
  return first;
}

/** The query string exactly as sent (not re-encoded by URL parsing). */
function queryOf(url: string): string {
  const at = url.indexOf("?");
  return at === -1 ? "" : url.slice(at + 1);
}

function hmac(payload: string): string {
  return createHmac("sha256", API_SECRET).update(payload).digest("hex");
}

/** A catalog method looked up by a runtime name (the static types only allow literal names). */
function methodOf(
  client: RestClient,
  market: Market,
  name: string,
): ((params: Params) => Promise<RestResponse>) | undefined {
  const method: unknown = Reflect.get(client[market], name);
  return typeof method === "function" ? (method as (params: Params) => Promise<RestResponse>) : undefined;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to reject");
}

const CATALOG: readonly (readonly [Market, readonly Endpoint[]])[] = [
  ["um", UM_ENDPOINTS],
  ["cm", CM_ENDPOINTS],
];

describe("REST client coverage", () => {
  for (const [market, endpoints] of CATALOG) {
    it(`has exactly one method per ${market} catalog endpoint, named as the catalog names it`, () => {
      const { client } = setup();
      expect(Object.keys(client[market]).sort()).toEqual(endpoints.map((e) => e.name).sort());
    });

    it(`sends every ${market} method to its catalog method and path, with the required parameters`, async () => {
      const { client, sent } = setup({ auth: { apiKey: API_KEY, apiSecret: API_SECRET } });
      for (const endpoint of endpoints) {
        const method = methodOf(client, market, endpoint.name);
        if (method === undefined) throw new Error(`${market}.${endpoint.name} is missing`);
        const params = Object.fromEntries(endpoint.required.map((entry) => [entry.split("|")[0] ?? "", "1"]));
        await method(params);
        const last = sent.at(-1);
        const url = new URL(last?.url ?? "");
        const prefix = market === "cm" && endpoint.path.startsWith("/futures/data/") ? "/cm" : "";
        expect([last?.init.method, url.pathname], `${market}.${endpoint.name}`).toEqual([
          endpoint.method,
          `${prefix}${endpoint.path}`,
        ]);
        expect(url.searchParams.has("signature"), endpoint.name).toBe(endpoint.security === "SIGNED");
      }
      expect(sent).toHaveLength(endpoints.length);
    });
  }

  it("has no method for a misspelt name, at compile time and at runtime", () => {
    const { client } = setup();
    // @ts-expect-error newOrdr is not a catalog name
    const misspelt: unknown = client.um.newOrdr;
    expect(misspelt).toBeUndefined();
  });
});

describe("signed calls with a virtual key", () => {
  const auth = { apiKey: API_KEY, apiSecret: API_SECRET };

  it("sends Binance's query: parameters, timestamp, recvWindow, then a signature that verifies", async () => {
    const { client, sent } = setup({ auth });
    await client.um.newOrder({
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      quantity: "0.01",
      price: "60000",
      timeInForce: "GTC",
    });
    const call = only(sent);
    const unsigned =
      "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=0.01&price=60000&timeInForce=GTC" +
      "&timestamp=1700000000123&recvWindow=5000";
    expect(call.url).toBe(`${GATEWAY}/fapi/v1/order?${unsigned}&signature=${hmac(unsigned)}`);
    expect(call.init.method).toBe("POST");
    expect(call.init.headers).toEqual({ "X-MBX-APIKEY": API_KEY });
  });

  it("signs the percent-encoded bytes it sends, with the configured recvWindow", async () => {
    const { client, sent } = setup({ auth, recvWindow: 10_000 });
    await client.cm.cancelOrder({ symbol: "BTCUSD_PERP", origClientOrderId: "my order/1@x+y" });
    const unsigned =
      "symbol=BTCUSD_PERP&origClientOrderId=my+order%2F1@x%2By&timestamp=1700000000123&recvWindow=10000";
    expect(queryOf(only(sent).url)).toBe(`${unsigned}&signature=${hmac(unsigned)}`);
  });

  it("moves a per-call recvWindow after the timestamp instead of sending two", async () => {
    const { client, sent } = setup({ auth });
    await client.um.accountInformationV3({ recvWindow: 2500 });
    const unsigned = "timestamp=1700000000123&recvWindow=2500";
    expect(queryOf(only(sent).url)).toBe(`${unsigned}&signature=${hmac(unsigned)}`);
  });

  it("refuses a caller's own timestamp or signature before sending", async () => {
    const { client, sent } = setup({ auth });
    const error = await rejection(client.um.accountInformationV3({ timestamp: NOW }));
    expect(error).toBeInstanceOf(RestUsageError);
    expect((error as RestUsageError).reason).toMatchObject({ kind: "param-invalid", name: "timestamp" });
    expect(sent).toHaveLength(0);
  });

  it("sends the key without a signature to API_KEY and public endpoints (the gateway wants a credential)", async () => {
    const { client, sent } = setup({ auth });
    await client.um.oldTradesLookup({ symbol: "BTCUSDT", limit: 5 });
    await client.um.exchangeInformation();
    expect(sent.map((s) => [queryOf(s.url), s.init.headers])).toEqual([
      ["symbol=BTCUSDT&limit=5", { "X-MBX-APIKEY": API_KEY }],
      ["", { "X-MBX-APIKEY": API_KEY }],
    ]);
  });
});

describe("bearer-token calls", () => {
  it("carry the token and the parameters unsigned: no timestamp, recvWindow or signature", async () => {
    const { client, sent } = setup({ auth: { token: TOKEN } });
    await client.um.newOrder({ symbol: "BTCUSDT", side: "SELL", type: "MARKET", quantity: 1 });
    const call = only(sent);
    expect(call.url).toBe(`${GATEWAY}/fapi/v1/order?symbol=BTCUSDT&side=SELL&type=MARKET&quantity=1`);
    expect(call.init.headers).toEqual({ Authorization: `Bearer ${TOKEN}` });
  });
});

describe("required parameters", () => {
  it("rejects a call missing a required parameter before anything is sent", async () => {
    const { client, sent } = setup({ auth: { token: TOKEN } });
    // @ts-expect-error `type` is required by the catalog, so the types refuse this call too
    const error = await rejection(client.um.newOrder({ symbol: "BTCUSDT", side: "BUY" }));
    expect(error).toBeInstanceOf(RestUsageError);
    expect((error as RestUsageError).reason).toEqual({ kind: "param-missing", names: ["type"] });
    expect((error as Error).message).toBe("um.newOrder: missing required parameter type");
    expect(sent).toHaveLength(0);
  });

  it("asks for one of two alternatives, and counts an empty value as missing", async () => {
    const { client, sent } = setup({ auth: { token: TOKEN } });
    const error = await rejection(client.cm.cancelOrder({ symbol: "BTCUSD_PERP", orderId: "" }));
    expect((error as RestUsageError).reason).toEqual({
      kind: "param-missing",
      names: ["orderId|origClientOrderId"],
    });
    expect((error as Error).message).toContain("orderId or origClientOrderId");
    expect(sent).toHaveLength(0);
    await client.cm.cancelOrder({ symbol: "BTCUSD_PERP", origClientOrderId: "abc" });
    expect(sent).toHaveLength(1);
  });

  it("refuses a non-public endpoint without credentials before sending", async () => {
    const { client, sent } = setup();
    const error = await rejection(client.um.accountInformationV3());
    expect((error as RestUsageError).reason).toEqual({ kind: "credentials-missing", security: "SIGNED" });
    await client.cm.orderBook({ symbol: "BTCUSD_PERP" });
    expect(only(sent).init.headers).toEqual({});
  });
});

describe("paths", () => {
  it("puts /cm before COIN-M's /futures/data paths on a gateway URL, and only there", async () => {
    const { client, sent } = setup({ baseUrl: `${GATEWAY}/`, auth: { token: TOKEN } });
    const params = { pair: "BTCUSD", contractType: "PERPETUAL", period: "5m" };
    await client.cm.basis(params);
    await client.um.basis(params);
    await client.cm.orderBook({ symbol: "BTCUSD_PERP" });
    expect(sent.map((s) => s.url.split("?")[0])).toEqual([
      `${GATEWAY}/cm/futures/data/basis`,
      `${GATEWAY}/futures/data/basis`,
      `${GATEWAY}/dapi/v1/depth`,
    ]);
  });

  it("uses per-market URLs (Binance's own hosts) as they are", async () => {
    const baseUrl = { um: "https://fapi.example", cm: "https://dapi.example" };
    const { client, sent } = setup({ baseUrl, auth: { token: TOKEN } });
    await client.cm.basis({ pair: "BTCUSD", contractType: "PERPETUAL", period: "5m" });
    await client.um.checkServerTime();
    expect(sent.map((s) => s.url.split("?")[0])).toEqual([
      "https://dapi.example/futures/data/basis",
      "https://fapi.example/fapi/v1/time",
    ]);
  });
});

describe("parameter values", () => {
  it("writes numbers without an exponent and booleans in lowercase", async () => {
    const { client, sent } = setup({ auth: { token: TOKEN } });
    await client.um.newOrder({
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      quantity: 0.00000001,
      price: 1.5e-7,
      stopPrice: 60000,
      reduceOnly: true,
      priceProtect: false,
      newClientOrderId: undefined,
    });
    expect(queryOf(only(sent).url)).toBe(
      "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=0.00000001&price=0.00000015&stopPrice=60000" +
        "&reduceOnly=true&priceProtect=false",
    );
  });

  it.each([
    [1e-8, "0.00000001"],
    [-2.5e-7, "-0.00000025"],
    [1.2345e-7, "0.00000012345"],
    [0.1, "0.1"],
    [-0, "0"],
    [123456789012345, "123456789012345"],
  ])("formats %s as %s", (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, 1e21])(
    "refuses %s before sending: it cannot be sent exactly",
    async (value) => {
      const { client, sent } = setup({ auth: { token: TOKEN } });
      const error = await rejection(client.um.queryOrder({ symbol: "BTCUSDT", orderId: value }));
      expect((error as RestUsageError).reason).toMatchObject({ kind: "param-invalid", name: "orderId" });
      expect(sent).toHaveLength(0);
    },
  );
});

describe("answers", () => {
  it("returns status, headers, parsed data and the raw body with ids above 2^53 intact", async () => {
    const body = '{"orderId":12345678901234567890,"status":"NEW"}';
    const { client } = setup({ auth: { token: TOKEN } }, () => {
      return new Response(body, { headers: { "X-MBX-USED-WEIGHT-1M": "7" } });
    });
    const answer = await client.um.queryOrder({ symbol: "BTCUSDT", orderId: "12345678901234567890" });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("x-mbx-used-weight-1m")).toBe("7");
    expect(answer.raw).toBe(body);
    expect(answer.data).toEqual({ orderId: 12345678901234567000, status: "NEW" });
  });

  it("hands the raw text to an injected parser", async () => {
    const seen: string[] = [];
    const parse = (text: string) => {
      seen.push(text);
      return { parsedBy: "caller" };
    };
    const { client } = setup({ auth: { token: TOKEN }, parse }, () => new Response('{"orderId":1}'));
    const answer = await client.um.checkServerTime();
    expect(seen).toEqual(['{"orderId":1}']);
    expect(answer.data).toEqual({ parsedBy: "caller" });
  });

  it("throws a BinanceError carrying Binance's code, msg, status and raw body", async () => {
    const body = '{"code":-2019,"msg":"Margin is insufficient."}';
    const { client } = setup({ auth: { token: TOKEN } }, () => {
      return new Response(body, { status: 400, headers: { "X-Gateway-Error": "upstream" } });
    });
    const error = await rejection(client.um.newOrder({ symbol: "BTCUSDT", side: "BUY", type: "MARKET" }));
    expect(error).toBeInstanceOf(BinanceError);
    const binance = error as BinanceError;
    expect([binance.status, binance.code, binance.msg, binance.raw]).toEqual([
      400,
      -2019,
      "Margin is insufficient.",
      body,
    ]);
    expect(binance.headers.get("x-gateway-error")).toBe("upstream");
    expect(binance.message).toBe("HTTP 400, code -2019: Margin is insufficient.");
  });

  it("keeps a non-Binance error body raw, with a null code", async () => {
    const html = "<html>blocked</html>";
    const { client } = setup({ auth: { token: TOKEN } }, () => new Response(html, { status: 403 }));
    const error = (await rejection(client.um.checkServerTime())) as BinanceError;
    expect([error.name, error.status, error.code, error.raw]).toEqual(["BinanceError", 403, null, html]);
  });

  it("throws a RestNetworkError, naming neither the query nor the signature, when there is no answer", async () => {
    const fetch: FetchLike = async (url) => {
      throw new TypeError(`fetch failed for ${url}`);
    };
    const client = createRestClient({
      baseUrl: GATEWAY,
      auth: { apiKey: API_KEY, apiSecret: API_SECRET },
      now: () => NOW,
      fetch,
    });
    const error = await rejection(client.um.accountInformationV3());
    expect(error).toBeInstanceOf(RestNetworkError);
    expect(error).not.toBeInstanceOf(BinanceError);
    expect((error as RestNetworkError).path).toBe("/fapi/v3/account");
    expect((error as Error).message).not.toMatch(/signature|timestamp|virtual-secret/);
  });
});

describe("options", () => {
  it.each<[string, Partial<RestClientOptions>]>([
    ["a relative base URL", { baseUrl: "/fapi" }],
    ["a base URL with a query", { baseUrl: `${GATEWAY}?x=1` }],
    ["an out-of-range recvWindow", { recvWindow: 60_001 }],
    ["a token with a newline", { auth: { token: "a\nb" } }],
    ["an empty secret", { auth: { apiKey: API_KEY, apiSecret: "" } }],
  ])("refuses %s when the client is made", (_, options) => {
    expect(() => setup(options)).toThrow(RestUsageError);
  });
});
