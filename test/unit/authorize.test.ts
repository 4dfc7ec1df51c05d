import { describe, expect, it } from "vitest";
import { authorize, requiredScope } from "../../shared/auth/authorize.ts";
import type { GatewayClient, Scope } from "../../shared/auth/clients.ts";
import type { Endpoint } from "../../shared/catalog/types.ts";

function endpoint(method: Endpoint["method"], path: string, security: Endpoint["security"]): Endpoint {
  return { market: "um", name: path, method, path, security, weight: 1, required: [], summary: "" };
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

const klines = endpoint("GET", "/fapi/v1/klines", "NONE");
const historical = endpoint("GET", "/fapi/v1/historicalTrades", "API_KEY");
const listenKey = endpoint("POST", "/fapi/v1/listenKey", "API_KEY");
const account = endpoint("GET", "/fapi/v3/account", "SIGNED");
const order = endpoint("POST", "/fapi/v1/order", "SIGNED");
const batch = endpoint("POST", "/fapi/v1/batchOrders", "SIGNED");
const positionMode = endpoint("POST", "/fapi/v1/positionSide/dual", "SIGNED");

describe("scopes", () => {
  it("maps endpoints to market, stream, read and trade", () => {
    expect([klines, historical, listenKey, account, order].map(requiredScope)).toEqual([
      "market",
      "market",
      "stream",
      "read",
      "trade",
    ]);
    expect(requiredScope(endpoint("DELETE", "/fapi/v1/order", "SIGNED"))).toBe("trade");
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
      error: { kind: "symbol-denied", client: "c", symbol: "ETHUSDT" },
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

  it("refuses account-wide trading calls that name no symbol", () => {
    expect(authorize(limited, positionMode, [["dualSidePosition", "true"]])).toEqual({
      ok: false,
      error: { kind: "symbol-denied", client: "c", symbol: null },
    });
  });

  it("does not restrict reads", () => {
    expect(authorize(limited, account, []).ok).toBe(true);
  });
});
