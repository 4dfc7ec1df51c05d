import { describe, expect, it } from "vitest";
import { authorize, requiredScope } from "../../../shared/auth/authorize.ts";
import type { GatewayClient, Scope } from "../../../shared/auth/clients.ts";
import type { ActsOn, Endpoint } from "../../../shared/catalog/types.ts";

function endpoint(
  method: Endpoint["method"],
  path: string,
  security: Endpoint["security"],
  actsOn: ActsOn,
): Endpoint {
  return { market: "um", name: path, method, path, security, weight: 1, required: [], actsOn, summary: "" };
}
function client(scopes: Scope[], symbols: string[] | null = null): GatewayClient {
  return {
    name: "c",
    scopes: new Set(scopes),
    symbols: symbols && new Set(symbols),
    apiKey: null,
    apiSecret: null,
    account: "main",
    token: "t",
    weightPerMinute: null,
  };
}

const klines = endpoint("GET", "/fapi/v1/klines", "NONE", "market-data");
const historical = endpoint("GET", "/fapi/v1/historicalTrades", "API_KEY", "market-data");
const listenKey = endpoint("POST", "/fapi/v1/listenKey", "API_KEY", "account");
const account = endpoint("GET", "/fapi/v3/account", "SIGNED", "account");
const order = endpoint("POST", "/fapi/v1/order", "SIGNED", "symbol");
const batch = endpoint("POST", "/fapi/v1/batchOrders", "SIGNED", "batch");
const positionMode = endpoint("POST", "/fapi/v1/positionSide/dual", "SIGNED", "account");
const cancelAll = endpoint("DELETE", "/fapi/v1/allOpenOrders", "SIGNED", "symbol-or-account");
const cancelAlgo = endpoint("DELETE", "/fapi/v1/algoOrder", "SIGNED", "algo-id");

describe("scopes", () => {
  it("maps endpoints to market, stream, read and trade", () => {
    expect([klines, historical, listenKey, account, order].map(requiredScope)).toEqual([
      "market",
      "market",
      "stream",
      "read",
      "trade",
    ]);
    expect(requiredScope(endpoint("DELETE", "/fapi/v1/order", "SIGNED", "symbol"))).toBe("trade");
  });

  it("refuses a call outside the client's scopes", () => {
    expect(authorize(client(["read"]), order, [["symbol", "BTCUSDT"]])).toEqual({
      ok: false,
      error: { kind: "scope-denied", client: "c", scope: "trade" },
    });
    expect(authorize(client(["trade"]), account, []).ok).toBe(false);
    expect(authorize(client(["market"]), listenKey, []).ok).toBe(false);
    expect(authorize(client(["read", "trade"]), account, []).ok).toBe(true);
  });
});

describe("symbol allowlist", () => {
  const limited = client(["trade", "read"], ["BTCUSDT"]);

  it("lets a limited client trade its symbols, in any letter case", () => {
    expect(authorize(limited, order, [["symbol", "BTCUSDT"]]).ok).toBe(true);
    expect(authorize(limited, order, [["symbol", "btcusdt"]]).ok).toBe(true);
  });

  it("refuses other symbols, including one hidden inside batchOrders", () => {
    expect(authorize(limited, order, [["symbol", "ETHUSDT"]])).toEqual({
      ok: false,
      error: { kind: "symbol-denied", client: "c", denied: { kind: "symbol", symbol: "ETHUSDT" } },
    });
    const mixed = '[{"symbol":"BTCUSDT"},{"symbol":"ETHUSDT"}]';
    expect(authorize(limited, batch, [["batchOrders", mixed]]).ok).toBe(false);
    expect(authorize(limited, batch, [["batchOrders", '[{"symbol":"BTCUSDT"}]']]).ok).toBe(true);
    expect(authorize(limited, batch, [["batchOrders", "garbage"]]).ok).toBe(false);
  });

  it("checks every spelling of symbol, at the top level and inside a batch", () => {
    expect(
      authorize(limited, order, [
        ["symbol", "BTCUSDT"],
        ["Symbol", "ETHUSDT"],
      ]).ok,
    ).toBe(false);
    expect(authorize(limited, batch, [["batchOrders", '[{"symbol":"BTCUSDT","SYMBOL":"ETHUSDT"}]']]).ok).toBe(
      false,
    );
    expect(authorize(limited, batch, [["batchOrders", '[{"symbol":"BTCUSDT","symbol":"ETHUSDT"}]']]).ok).toBe(
      false,
    );
    expect(authorize(limited, batch, [["batchorders", '[{"symbol":"ETHUSDT"}]']]).ok).toBe(false);
  });

  it("HOLE unicode-fold: checks the spellings that only Unicode case folding makes symbol or batchOrders", () => {
    // U+017F (long s) upper-cases to S: a server comparing names without regard to case (Java's
    // equalsIgnoreCase) reads "ſymbol" as "symbol" and "batchOrderſ" as "batchOrders".
    const decoy: [string, string] = ["batchOrders", '[{"symbol":"BTCUSDT"}]'];
    expect(
      authorize(limited, order, [
        ["symbol", "BTCUSDT"],
        ["\u017Fymbol", "ETHUSDT"],
      ]).ok,
    ).toBe(false);
    expect(authorize(limited, batch, [decoy, ["batchOrder\u017F", '[{"symbol":"ETHUSDT"}]']]).ok).toBe(false);
    expect(
      authorize(limited, batch, [["batchOrders", '[{"symbol":"BTCUSDT","\u017Fymbol":"ETHUSDT"}]']]).ok,
    ).toBe(false);
  });

  it("refuses account-wide trading calls, whatever symbol comes with them", () => {
    const denied = { ok: false, error: { kind: "symbol-denied", client: "c", denied: { kind: "account" } } };
    expect(authorize(limited, positionMode, [["dualSidePosition", "true"]])).toEqual(denied);
    expect(
      authorize(limited, positionMode, [
        ["dualSidePosition", "true"],
        ["symbol", "BTCUSDT"],
      ]),
    ).toEqual(denied);
  });

  it("needs the symbol of a call that acts on every symbol without one", () => {
    expect(authorize(limited, cancelAll, [])).toEqual({
      ok: false,
      error: { kind: "symbol-denied", client: "c", denied: { kind: "no-symbol" } },
    });
    expect(authorize(limited, cancelAll, [["symbol", "BTCUSDT"]]).ok).toBe(true);
  });

  it("ignores a top-level symbol next to a batch: only the orders inside count", () => {
    const eth = '[{"symbol":"ETHUSDT"}]';
    expect(
      authorize(limited, batch, [
        ["symbol", "BTCUSDT"],
        ["batchOrders", eth],
      ]).ok,
    ).toBe(false);
    expect(authorize(limited, batch, [["symbol", "BTCUSDT"]])).toEqual({
      ok: false,
      error: { kind: "symbol-denied", client: "c", denied: { kind: "no-symbol" } },
    });
  });

  it("asks for an algo order addressed by id to be looked up, by algoId before clientAlgoId", () => {
    expect(
      authorize(limited, cancelAlgo, [
        ["clientAlgoId", "mine"],
        ["algoId", "42"],
        ["symbol", "BTCUSDT"],
      ]),
    ).toEqual({ ok: true, value: { kind: "resolve-algo-order", lookup: ["algoId", "42"] } });
    expect(authorize(limited, cancelAlgo, [["clientAlgoId", "mine"]])).toEqual({
      ok: true,
      value: { kind: "resolve-algo-order", lookup: ["clientAlgoId", "mine"] },
    });
    expect(authorize(limited, cancelAlgo, [["ALGOID", "42"]])).toEqual({
      ok: false,
      error: { kind: "symbol-denied", client: "c", denied: { kind: "unresolved-order" } },
    });
    expect(authorize(client(["trade"]), cancelAlgo, [["algoId", "42"]])).toEqual({
      ok: true,
      value: { kind: "allowed" },
    });
  });

  it("does not restrict reads", () => {
    expect(authorize(limited, account, []).ok).toBe(true);
    expect(
      authorize(limited, endpoint("GET", "/fapi/v1/openOrders", "SIGNED", "symbol-or-account"), []).ok,
    ).toBe(true);
  });
});
