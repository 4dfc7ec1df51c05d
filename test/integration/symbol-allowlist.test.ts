// A client restricted to BTCUSDT (and BTCUSD_PERP) cannot reach other symbols or the whole account by adding
// a decoy `symbol` that the endpoint does not take: the attacks from the review, against the fake exchange.
import { exports } from "cloudflare:workers";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { signedQuery } from "../support/client-signing.ts";
import { CLIENTS } from "../support/credentials.ts";
import { fakeControl, type RecordedRequest } from "../support/fake-control.ts";

const fake = fakeControl(inject("fakeExchangeUrl"));
type Signer = { readonly apiKey: string; readonly apiSecret: string };

async function call(client: Signer, method: string, path: string, params: string): Promise<Response> {
  const query = await signedQuery(client.apiSecret, params);
  return exports.default.fetch(
    new Request(`https://gateway.test${path}?${query}`, {
      method,
      headers: { "X-MBX-APIKEY": client.apiKey },
    }),
  );
}

/** Places an open algo order through an unrestricted client; its algoId as exact digits. */
async function placeAlgo(symbol: string, clientAlgoId: string): Promise<string> {
  const response = await call(
    CLIENTS.trader,
    "POST",
    "/fapi/v1/algoOrder",
    `algoType=CONDITIONAL&symbol=${symbol}&side=SELL&type=STOP_MARKET&quantity=1&triggerPrice=90&clientAlgoId=${clientAlgoId}`,
  );
  const text = await response.text();
  expect(response.status, text).toBe(200);
  const algoId = /"algoId":(\d+)/.exec(text)?.[1];
  if (algoId === undefined) throw new Error(`no algoId in ${text}`);
  return algoId;
}

async function algoStatus(algoId: string): Promise<string> {
  const response = await call(CLIENTS.trader, "GET", "/fapi/v1/algoOrder", `algoId=${algoId}`);
  return ((await response.json()) as { algoStatus: string }).algoStatus;
}

async function sent(method: string, path: string): Promise<RecordedRequest[]> {
  return (await fake.requests()).filter((r) => r.method === method && r.path === path);
}

async function expectDenied(response: Response, msg: RegExp): Promise<void> {
  const body = (await response.json()) as { code: number; msg: string };
  expect([response.status, body.code, response.headers.get("x-gateway-error")]).toEqual([
    401,
    -2015,
    "symbol-denied",
  ]);
  expect(body.msg).toMatch(msg);
}

beforeEach(async () => {
  await fake.reset();
});

describe("an algo order addressed by id", () => {
  it("is not cancelled on another symbol through a decoy symbol=BTCUSDT", async () => {
    const eth = await placeAlgo("ETHUSDT", "eth-algo-1");
    const attack = await call(
      CLIENTS.btcOnly,
      "DELETE",
      "/fapi/v1/algoOrder",
      `algoId=${eth}&symbol=BTCUSDT`,
    );
    await expectDenied(attack, /client 'btc-only' may not trade ETHUSDT/);
    expect(await sent("DELETE", "/fapi/v1/algoOrder")).toEqual([]);
    expect(await algoStatus(eth)).toBe("NEW");
  });

  it("is not cancelled on another symbol by its clientAlgoId either", async () => {
    const eth = await placeAlgo("ETHUSDT", "eth-algo-2");
    const attack = await call(
      CLIENTS.btcOnly,
      "DELETE",
      "/fapi/v1/algoOrder",
      "clientAlgoId=eth-algo-2&symbol=BTCUSDT",
    );
    await expectDenied(attack, /may not trade ETHUSDT/);
    expect(await sent("DELETE", "/fapi/v1/algoOrder")).toEqual([]);
    expect(await algoStatus(eth)).toBe("NEW");
  });

  it("is cancelled on a held symbol, and the cancel goes out by the algoId that was checked", async () => {
    const btc = await placeAlgo("BTCUSDT", "btc-algo-1");
    const byId = await call(CLIENTS.btcOnly, "DELETE", "/fapi/v1/algoOrder", `algoId=${btc}`);
    expect(byId.status, await byId.clone().text()).toBe(200);
    expect(await algoStatus(btc)).toBe("CANCELED");

    const other = await placeAlgo("BTCUSDT", "btc-algo-2");
    // A second id in another letter case does not travel: only the resolved algoId goes out.
    const byClientId = await call(
      CLIENTS.btcOnly,
      "DELETE",
      "/fapi/v1/algoOrder",
      "clientAlgoId=btc-algo-2&CLIENTALGOID=eth-x",
    );
    expect(byClientId.status, await byClientId.clone().text()).toBe(200);
    expect(await algoStatus(other)).toBe("CANCELED");
    const cancels = await sent("DELETE", "/fapi/v1/algoOrder");
    expect(cancels.map((r) => r.rawQuery.replace(/&timestamp=.*$/, ""))).toEqual([
      `algoId=${btc}`,
      `algoId=${other}`,
    ]);
    // Each cancel was preceded by a lookup with the caller's id, signed with the same (main) account's key.
    const lookups = await sent("GET", "/fapi/v1/algoOrder");
    expect(lookups.some((r) => r.rawQuery.startsWith("clientAlgoId=btc-algo-2&") && r.signed)).toBe(true);
  });

  it("is refused when the lookup finds nothing, and no cancel goes out", async () => {
    const attack = await call(CLIENTS.btcOnly, "DELETE", "/fapi/v1/algoOrder", "algoId=12345&symbol=BTCUSDT");
    await expectDenied(attack, /could not be looked up to check its symbol/);
    expect(await sent("DELETE", "/fapi/v1/algoOrder")).toEqual([]);
  });

  it("is cancelled without a lookup for a client without a symbol list", async () => {
    const eth = await placeAlgo("ETHUSDT", "eth-algo-3");
    const response = await call(CLIENTS.trader, "DELETE", "/fapi/v1/algoOrder", `algoId=${eth}`);
    expect(response.status).toBe(200);
    expect(await sent("GET", "/fapi/v1/algoOrder")).toEqual([]);
  });
});

describe("calls that act on the whole account", () => {
  const attacks = [
    ["POST", "/fapi/v1/multiAssetsMargin", "multiAssetsMargin=true"],
    ["POST", "/fapi/v1/feeBurn", "feeBurn=true"],
    ["POST", "/fapi/v1/convert/getQuote", "fromAsset=USDT&toAsset=BNB&fromAmount=10"],
    ["POST", "/fapi/v1/positionSide/dual", "dualSidePosition=true"],
    ["POST", "/dapi/v1/positionSide/dual", "dualSidePosition=true"],
  ] as const;

  for (const [method, path, params] of attacks) {
    it(`${method} ${path} with a decoy symbol is refused before anything reaches the exchange`, async () => {
      const symbol = path.startsWith("/dapi/") ? "BTCUSD_PERP" : "BTCUSDT";
      const response = await call(CLIENTS.btcOnly, method, path, `${params}&symbol=${symbol}`);
      await expectDenied(
        response,
        /client 'btc-only' may only trade its listed symbols and this call acts on the whole account/,
      );
      expect(await fake.requests()).toEqual([]);
    });
  }

  it("a cancel-everything call without its symbol is refused", async () => {
    const response = await call(CLIENTS.btcOnly, "DELETE", "/fapi/v1/allOpenOrders", "");
    await expectDenied(response, /names no symbol/);
    expect(await fake.requests()).toEqual([]);
  });

  it("reads of the whole account stay allowed for a restricted client", async () => {
    const response = await call(CLIENTS.btcOnly, "GET", "/fapi/v1/openOrders", "");
    expect(response.status, await response.clone().text()).toBe(200);
  });
});
