// Every catalog row, both markets, for a client restricted to BTCUSDT and BTCUSD_PERP: with a held symbol, an
// unheld one, none, a decoy `symbol` where the row takes none, and (for batches) a mixed batch. What each row
// acts on is pinned here for every trading row and cross-checked against Binance's mandatory parameters and
// the reference connector's parameter lists, so a row cannot be misfiled or added without a decision.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type Access, type AccessError, authorize, requiredScope } from "../../../shared/auth/authorize.ts";
import type { GatewayClient } from "../../../shared/auth/clients.ts";
import { ENDPOINTS } from "../../../shared/catalog/index.ts";
import type { ActsOn, Endpoint } from "../../../shared/catalog/types.ts";
import type { Param } from "../../../shared/encoding/query.ts";
import type { Result } from "../../../shared/result.ts";

const restricted: GatewayClient = {
  name: "btc-only",
  scopes: new Set(["market", "read", "trade", "stream"]),
  symbols: new Set(["BTCUSDT", "BTCUSD_PERP"]),
  apiKey: null,
  apiSecret: null,
  token: "t",
  account: "main",
  weightPerMinute: null,
};

const ACTS_ON: readonly ActsOn[] = [
  "market-data",
  "symbol",
  "symbol-or-account",
  "account",
  "algo-id",
  "batch",
];

/** Every row that needs the `trade` scope, and what it acts on, decided from Binance's endpoint pages. */
const TRADE_ROWS: Readonly<Record<string, ActsOn>> = {
  "um POST /fapi/v1/order": "symbol",
  "um POST /fapi/v1/order/test": "symbol",
  "um PUT /fapi/v1/order": "symbol",
  "um DELETE /fapi/v1/order": "symbol",
  "um POST /fapi/v1/batchOrders": "batch",
  "um PUT /fapi/v1/batchOrders": "batch",
  "um DELETE /fapi/v1/batchOrders": "symbol",
  "um DELETE /fapi/v1/allOpenOrders": "symbol",
  "um POST /fapi/v1/countdownCancelAll": "symbol",
  "um POST /fapi/v1/algoOrder": "symbol",
  "um DELETE /fapi/v1/algoOrder": "algo-id",
  "um DELETE /fapi/v1/algoOpenOrders": "symbol",
  "um POST /fapi/v1/positionSide/dual": "account",
  "um POST /fapi/v1/multiAssetsMargin": "account",
  "um POST /fapi/v1/leverage": "symbol",
  "um POST /fapi/v1/marginType": "symbol",
  "um POST /fapi/v1/positionMargin": "symbol",
  "um POST /fapi/v1/feeBurn": "account",
  "um POST /fapi/v1/convert/getQuote": "account",
  "um POST /fapi/v1/convert/acceptQuote": "account",
  "cm POST /dapi/v1/order": "symbol",
  "cm PUT /dapi/v1/order": "symbol",
  "cm DELETE /dapi/v1/order": "symbol",
  "cm POST /dapi/v1/batchOrders": "batch",
  "cm PUT /dapi/v1/batchOrders": "batch",
  "cm DELETE /dapi/v1/batchOrders": "symbol",
  "cm DELETE /dapi/v1/allOpenOrders": "symbol",
  "cm POST /dapi/v1/countdownCancelAll": "symbol",
  "cm POST /dapi/v1/positionSide/dual": "account",
  "cm POST /dapi/v1/leverage": "symbol",
  "cm POST /dapi/v1/marginType": "symbol",
  "cm POST /dapi/v1/positionMargin": "symbol",
};

const key = (row: Endpoint) => `${row.market} ${row.method} ${row.path}`;
const held = (row: Endpoint) => (row.market === "um" ? "BTCUSDT" : "BTCUSD_PERP");
const unheld = (row: Endpoint) => (row.market === "um" ? "ETHUSDT" : "ETHUSD_PERP");
const batchOf = (...symbols: string[]) =>
  JSON.stringify(
    symbols.map((symbol) => ({ symbol, side: "BUY", type: "LIMIT", quantity: "1", price: "1" })),
  );

/** The row's mandatory parameters (first of each "a|b"), with `symbol` left out and a held batch. */
function baseParams(row: Endpoint): Param[] {
  return row.required
    .map((required) => required.split("|")[0] ?? required)
    .filter((name) => name !== "symbol")
    .map((name): Param => [name, name === "batchOrders" ? batchOf(held(row)) : "123"]);
}

function withSymbol(params: readonly Param[], symbol: string): Param[] {
  return [["symbol", symbol], ...params];
}

function withBatch(params: readonly Param[], batch: string): Param[] {
  return params.map(([name, value]): Param => [name, name === "batchOrders" ? batch : value]);
}

type Outcome = "allowed" | "resolve" | `denied ${string}`;

function outcome(result: Result<Access, AccessError>): Outcome {
  if (result.ok) return result.value.kind === "allowed" ? "allowed" : "resolve";
  if (result.error.kind === "scope-denied") return `denied scope ${result.error.scope}`;
  const denied = result.error.denied;
  return denied.kind === "symbol" ? `denied symbol ${denied.symbol}` : `denied ${denied.kind}`;
}

interface Case {
  readonly label: string;
  readonly params: readonly Param[];
  readonly expected: Outcome;
}

/** The cases a row is tried with, and what a restricted client must get for each, from the row's actsOn. */
function casesFor(row: Endpoint): Case[] {
  const base = baseParams(row);
  const trade = requiredScope(row) === "trade";
  // Reads are not limited by `symbols`: every case is allowed.
  const when = (expected: Outcome): Outcome => (trade ? expected : "allowed");
  const decoy = (expected: Outcome): Case => ({
    label: "decoy symbol=BTCUSDT",
    params: withSymbol(base, "BTCUSDT"),
    expected: when(expected),
  });
  const acts: ActsOn = row.actsOn;
  switch (acts) {
    case "market-data":
      return [
        { label: "held", params: withSymbol(base, held(row)), expected: "allowed" },
        { label: "unheld", params: withSymbol(base, unheld(row)), expected: "allowed" },
        { label: "none", params: base, expected: "allowed" },
      ];
    case "symbol":
    case "symbol-or-account":
      return [
        { label: "held", params: withSymbol(base, held(row)), expected: "allowed" },
        {
          label: "unheld",
          params: withSymbol(base, unheld(row)),
          expected: when(`denied symbol ${unheld(row)}`),
        },
        { label: "none", params: base, expected: when("denied no-symbol") },
        {
          label: "held and unheld in another letter case",
          params: [["SYMBOL", unheld(row)], ...withSymbol(base, held(row))],
          expected: when(`denied symbol ${unheld(row)}`),
        },
      ];
    case "account":
      return [{ label: "none", params: base, expected: when("denied account") }, decoy("denied account")];
    case "algo-id":
      return [
        { label: "by algoId", params: base, expected: when("resolve") },
        {
          label: "by clientAlgoId",
          params: [["clientAlgoId", "theirs"]],
          expected: when("resolve"),
        },
        { label: "no id", params: [], expected: when("denied unresolved-order") },
        decoy("resolve"),
      ];
    case "batch": {
      const other = unheld(row);
      return [
        { label: "held", params: base, expected: "allowed" },
        {
          label: "unheld",
          params: withBatch(base, batchOf(other)),
          expected: when(`denied symbol ${other}`),
        },
        {
          label: "mixed",
          params: withBatch(base, batchOf(held(row), other)),
          expected: when(`denied symbol ${other}`),
        },
        { label: "none", params: [], expected: when("denied no-symbol") },
        {
          ...decoy(`denied symbol ${other}`),
          params: withSymbol(withBatch(base, batchOf(other)), "BTCUSDT"),
        },
      ];
    }
  }
}

describe("a symbol-restricted client against every catalog row", () => {
  for (const row of ENDPOINTS) {
    it(`${key(row)} (${row.actsOn})`, () => {
      const cases = casesFor(row);
      expect(cases.length).toBeGreaterThan(0);
      const got = cases.map((c) => `${c.label}: ${outcome(authorize(restricted, row, c.params))}`);
      expect(got).toEqual(cases.map((c) => `${c.label}: ${c.expected}`));
    });
  }
});

describe("what each row acts on", () => {
  it("has a decision on every row, from the known set", () => {
    for (const row of ENDPOINTS) expect(ACTS_ON, key(row)).toContain(row.actsOn);
  });

  it("pins every trading row, and knows no trading row the catalog lacks", () => {
    const trading = ENDPOINTS.filter((row) => requiredScope(row) === "trade");
    expect(Object.fromEntries(trading.map((row) => [key(row), row.actsOn]))).toEqual(TRADE_ROWS);
  });

  it("files public rows as market-data and nothing else", () => {
    for (const row of ENDPOINTS) {
      const scope = requiredScope(row);
      expect(row.actsOn === "market-data", key(row)).toBe(scope === "market");
    }
  });

  it("says symbol exactly where Binance makes symbol mandatory on a signed row", () => {
    for (const row of ENDPOINTS.filter((r) => r.security === "SIGNED")) {
      expect(row.actsOn === "symbol", key(row)).toBe(row.required.includes("symbol"));
    }
  });

  it("agrees with the reference connector on which signed rows take a top-level symbol", () => {
    const takesSymbol = referenceSymbolParams();
    let checked = 0;
    for (const row of ENDPOINTS.filter((r) => r.security === "SIGNED")) {
      const takes = takesSymbol.get(key(row));
      if (takes === undefined) continue;
      checked++;
      const bySymbol = row.actsOn === "symbol" || row.actsOn === "symbol-or-account";
      expect(bySymbol, key(row)).toBe(takes);
    }
    expect(checked).toBeGreaterThan(60);
  });

  it("cannot be left out of a new row (the type requires it)", () => {
    // @ts-expect-error: actsOn is required on every catalog row.
    const row: Endpoint = {
      market: "um",
      name: "newRow",
      method: "POST",
      path: "/fapi/v1/newRow",
      security: "SIGNED",
      weight: 1,
      required: [],
      summary: "A row without a decision.",
    };
    expect(row.actsOn).toBeUndefined();
  });
});

/**
 * "market METHOD path" -> whether the reference connector sends a top-level `symbol` (mandatory or optional).
 * Batch element fields ("batchOrders[]:{symbol,...}") are not top-level parameters.
 */
function referenceSymbolParams(): Map<string, boolean> {
  const text = readFileSync(
    new URL("../../support/fixtures/reference-connector-rest.tsv", import.meta.url),
    "utf8",
  );
  const rows = text
    .split("\n")
    .filter((line) => line.length > 0)
    .slice(1);
  const out = new Map<string, boolean>();
  for (const line of rows) {
    const [market, , method, paths, , required = "", optional = ""] = line.split("\t");
    const names = `${required},${optional.replace(/batchOrders\[\]:\{[^}]*\}/, "")}`
      .split(",")
      .map((name) => name.replace(/^~/, "").trim());
    // One python method over two paths (COIN-M leverage_brackets: v1 by pair, v2 by symbol) says nothing per path.
    if (paths === undefined || paths.includes("|")) continue;
    out.set(`${market} ${method} ${paths}`, names.includes("symbol"));
  }
  return out;
}
