// The endpoint catalog against the reference Python connector's REST surface (test/support/fixtures/
// reference-connector-rest.tsv, a copy of ../shared/binance), with the reference's known bugs fixed as
// Binance documents the endpoints, plus lookup and request-weight resolution.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CM_ENDPOINTS } from "../../../shared/catalog/cm.ts";
import { ENDPOINTS, findEndpoint, pathExists, requestWeight } from "../../../shared/catalog/index.ts";
import type { Endpoint, HttpMethod, Market, Security } from "../../../shared/catalog/types.ts";
import { UM_ENDPOINTS } from "../../../shared/catalog/um.ts";

interface TsvRow {
  readonly market: Market;
  readonly pythonMethod: string;
  readonly httpMethod: HttpMethod;
  /** The TSV's path column split on "|" (CM leverage_brackets calls one of two paths). */
  readonly paths: readonly string[];
  readonly security: Security;
}

const MARKETS: readonly Market[] = ["um", "cm"];
const METHODS: readonly HttpMethod[] = ["GET", "POST", "PUT", "DELETE"];
const SECURITIES: readonly Security[] = ["NONE", "API_KEY", "SIGNED"];

function oneOf<T extends string>(allowed: readonly T[], value: string | undefined, what: string): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) throw new Error(`unexpected ${what} in the TSV: ${String(value)}`);
  return found;
}

function readReferenceRows(): readonly TsvRow[] {
  const text = readFileSync(
    new URL("../../support/fixtures/reference-connector-rest.tsv", import.meta.url),
    "utf8",
  );
  const [header, ...lines] = text.split("\n").filter((line) => line.length > 0);
  expect(header?.split("\t").slice(0, 5)).toEqual([
    "market",
    "python_method",
    "http_method",
    "path",
    "security",
  ]);
  return lines.map((line) => {
    const [market, pythonMethod, httpMethod, path, security] = line.split("\t");
    if (pythonMethod === undefined || path === undefined) throw new Error(`short TSV line: ${line}`);
    return {
      market: oneOf(MARKETS, market, "market"),
      pythonMethod,
      httpMethod: oneOf(METHODS, httpMethod, "http_method"),
      paths: path.split("|"),
      security: oneOf(SECURITIES, security, "security"),
    };
  });
}

const ROWS = readReferenceRows();

function entriesFor(market: Market, pythonMethod: string): readonly Endpoint[] {
  return ENDPOINTS.filter((e) => e.market === market && (e.reference ?? []).includes(pythonMethod));
}

function only(market: Market, pythonMethod: string): Endpoint {
  const entries = entriesFor(market, pythonMethod);
  expect(entries).toHaveLength(1);
  const [entry] = entries;
  if (entry === undefined) throw new Error(`no entry for ${market} ${pythonMethod}`);
  return entry;
}

function lookup(market: Market, method: HttpMethod, path: string): Endpoint {
  const entry = findEndpoint(market, method, path);
  if (entry === undefined) throw new Error(`not in the catalog: ${market} ${method} ${path}`);
  return entry;
}

function params(entries: Record<string, string> = {}): ReadonlyMap<string, string> {
  return new Map(Object.entries(entries));
}

/** Reference rows whose method, path or security the catalog deliberately does not copy. */
const ANOMALY_FIXES = new Set(["um funding_info", "um list_all_convert_pairs"]);

describe("coverage of the reference connector", () => {
  it("reads all 132 rows of the reference TSV (76 USDⓈ-M, 56 COIN-M)", () => {
    expect(ROWS).toHaveLength(132);
    expect(ROWS.filter((row) => row.market === "um")).toHaveLength(76);
    expect(ROWS.filter((row) => row.market === "cm")).toHaveLength(56);
  });

  it("covers every TSV row with an entry of the same market that lists its python_method", () => {
    const uncovered = ROWS.filter((row) => entriesFor(row.market, row.pythonMethod).length === 0).map(
      (row) => `${row.market} ${row.pythonMethod}`,
    );
    expect(uncovered).toEqual([]);
  });

  it("references only python methods that exist in the TSV for that market", () => {
    const known = new Set(ROWS.map((row) => `${row.market} ${row.pythonMethod}`));
    const unknown = ENDPOINTS.flatMap((e) => (e.reference ?? []).map((ref) => `${e.market} ${ref}`)).filter(
      (key) => !known.has(key),
    );
    expect(unknown).toEqual([]);
  });

  it("agrees with the TSV on method, path and security except for the documented anomaly fixes", () => {
    const mismatches: string[] = [];
    for (const row of ROWS) {
      if (ANOMALY_FIXES.has(`${row.market} ${row.pythonMethod}`)) continue;
      for (const entry of entriesFor(row.market, row.pythonMethod)) {
        if (entry.method !== row.httpMethod) mismatches.push(`${row.pythonMethod}: method ${entry.method}`);
        if (!row.paths.includes(entry.path)) mismatches.push(`${row.pythonMethod}: path ${entry.path}`);
        if (entry.security !== row.security)
          mismatches.push(`${row.pythonMethod}: security ${entry.security}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("maps TSV API_KEY rows (historicalTrades = MARKET_DATA, listenKey = USER_STREAM) to API_KEY", () => {
    const apiKeyRows = ROWS.filter((row) => row.security === "API_KEY");
    expect(apiKeyRows).toHaveLength(8);
    for (const row of apiKeyRows) {
      for (const entry of entriesFor(row.market, row.pythonMethod)) expect(entry.security).toBe("API_KEY");
    }
  });
});

describe("anomaly fixes", () => {
  it("routes funding_info to /fapi/v1/fundingInfo, not fundingRate", () => {
    const entry = only("um", "funding_info");
    expect(entry).toMatchObject({ method: "GET", path: "/fapi/v1/fundingInfo", security: "NONE" });
  });

  it("keeps funding_rate on /fapi/v1/fundingRate with symbol optional", () => {
    const entry = only("um", "funding_rate");
    expect(entry).toMatchObject({ method: "GET", path: "/fapi/v1/fundingRate", security: "NONE" });
    expect(entry.required).not.toContain("symbol");
  });

  it("routes list_all_convert_pairs to the public /fapi/v1/convert/exchangeInfo, not the signed SAPI assetDividend", () => {
    const entry = only("um", "list_all_convert_pairs");
    expect(entry).toMatchObject({
      method: "GET",
      path: "/fapi/v1/convert/exchangeInfo",
      security: "NONE",
      weight: 20,
    });
    expect(ENDPOINTS.some((e) => e.path.startsWith("/sapi/"))).toBe(false);
  });

  it("splits COIN-M leverage_brackets into v1 (by pair) and v2 (by symbol)", () => {
    const entries = entriesFor("cm", "leverage_brackets");
    expect(entries.map((e) => e.path).sort()).toEqual([
      "/dapi/v1/leverageBracket",
      "/dapi/v2/leverageBracket",
    ]);
    expect(lookup("cm", "GET", "/dapi/v1/leverageBracket").summary).toMatch(/pair/);
    expect(lookup("cm", "GET", "/dapi/v2/leverageBracket").summary).toMatch(/symbol/);
    for (const entry of entries) expect(entry.required).toEqual([]);
  });

  it("requires symbol plus orderId|origClientOrderId for query_order and cancel_order on both markets", () => {
    for (const market of MARKETS) {
      for (const pythonMethod of ["query_order", "cancel_order", "get_open_orders"]) {
        expect(only(market, pythonMethod).required).toEqual(["symbol", "orderId|origClientOrderId"]);
      }
    }
    expect(only("cm", "order_modify_history").required).toEqual(["symbol", "orderId|origClientOrderId"]);
  });

  it("requires no symbol for COIN-M mark_price (premiumIndex takes symbol, pair or nothing)", () => {
    const entry = only("cm", "mark_price");
    expect(entry.path).toBe("/dapi/v1/premiumIndex");
    expect(entry.required).toEqual([]);
  });

  it("requires symbol, side, an order id and quantity|price for COIN-M modify_order", () => {
    expect(only("cm", "modify_order").required).toEqual([
      "symbol",
      "side",
      "orderId|origClientOrderId",
      "quantity|price",
    ]);
  });

  it("requires symbol, side, quantity, price and an order id for USDⓈ-M modify_order", () => {
    expect(only("um", "modify_order").required).toEqual([
      "symbol",
      "side",
      "quantity",
      "price",
      "orderId|origClientOrderId",
    ]);
  });

  it("requires one of the id lists, not both, for cancel_batch_order on both markets", () => {
    for (const market of MARKETS) {
      expect(only(market, "cancel_batch_order").required).toEqual([
        "symbol",
        "orderIdList|origClientOrderIdList",
      ]);
    }
  });

  it("requires no listenKey parameter to renew or close a user data stream", () => {
    for (const market of MARKETS) {
      expect(only(market, "renew_listen_key").required).toEqual([]);
      expect(only(market, "close_listen_key").required).toEqual([]);
    }
  });
});

describe("catalog shape", () => {
  it("keeps names unique within each market", () => {
    for (const market of MARKETS) {
      const names = ENDPOINTS.filter((e) => e.market === market).map((e) => e.name);
      expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
    }
  });

  it("keeps market + method + path unique", () => {
    const keys = ENDPOINTS.map((e) => `${e.market} ${e.method} ${e.path}`);
    expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toEqual([]);
  });

  it("uses camelCase names, one-line summaries and non-empty required parameter names", () => {
    for (const entry of ENDPOINTS) {
      expect(entry.name).toMatch(/^[a-z][A-Za-z0-9]*$/);
      expect(entry.summary).toMatch(/^[^\n]{3,100}$/);
      for (const param of entry.required) expect(param).toMatch(/^[A-Za-z]+(\|[A-Za-z]+)?$/);
    }
  });

  it("files every /fapi path under um and every /dapi path under cm", () => {
    for (const entry of ENDPOINTS) {
      expect(entry.path).toMatch(/^\/(fapi|dapi|futures\/data)\/[A-Za-z0-9/-]+$/);
      if (entry.path.startsWith("/fapi/")) expect(entry.market).toBe("um");
      if (entry.path.startsWith("/dapi/")) expect(entry.market).toBe("cm");
    }
    expect(UM_ENDPOINTS.every((e) => e.market === "um")).toBe(true);
    expect(CM_ENDPOINTS.every((e) => e.market === "cm")).toBe(true);
    expect(ENDPOINTS).toHaveLength(UM_ENDPOINTS.length + CM_ENDPOINTS.length);
  });

  it("serves /futures/data statistics on both markets with each market's own path set", () => {
    const futuresData = (market: Market): string[] =>
      ENDPOINTS.filter((e) => e.market === market && e.path.startsWith("/futures/data/"))
        .map((e) => e.path)
        .sort();
    expect(futuresData("um")).toEqual([
      "/futures/data/basis",
      "/futures/data/delivery-price",
      "/futures/data/globalLongShortAccountRatio",
      "/futures/data/openInterestHist",
      "/futures/data/takerlongshortRatio",
      "/futures/data/topLongShortAccountRatio",
      "/futures/data/topLongShortPositionRatio",
    ]);
    expect(futuresData("cm")).toEqual([
      "/futures/data/basis",
      "/futures/data/globalLongShortAccountRatio",
      "/futures/data/openInterestHist",
      "/futures/data/takerBuySellVol",
      "/futures/data/topLongShortAccountRatio",
      "/futures/data/topLongShortPositionRatio",
    ]);
  });

  it("marks only the order-placing endpoints with orderPlacement (not order/test, not modifications)", () => {
    const placements = ENDPOINTS.filter((e) => e.orderPlacement !== undefined).map(
      (e) => `${e.market} ${e.method} ${e.path} ${String(e.orderPlacement)}`,
    );
    expect(placements.sort()).toEqual([
      "cm POST /dapi/v1/batchOrders batch",
      "cm POST /dapi/v1/order single",
      "um POST /fapi/v1/algoOrder algo",
      "um POST /fapi/v1/batchOrders batch",
      "um POST /fapi/v1/order single",
    ]);
    expect(lookup("um", "POST", "/fapi/v1/order/test").orderPlacement).toBeUndefined();
  });

  it("signs every non-GET endpoint except the listenKey (USER_STREAM) ones", () => {
    for (const entry of ENDPOINTS) {
      if (entry.method !== "GET" && !entry.path.endsWith("/listenKey")) expect(entry.security).toBe("SIGNED");
    }
  });
});

describe("algo (conditional) orders on USDⓈ-M", () => {
  it.each([
    ["POST", "/fapi/v1/algoOrder", "newAlgoOrder", ["algoType", "symbol", "side", "type"]],
    ["DELETE", "/fapi/v1/algoOrder", "cancelAlgoOrder", ["algoId|clientAlgoId"]],
    ["DELETE", "/fapi/v1/algoOpenOrders", "cancelAllAlgoOpenOrders", ["symbol"]],
    ["GET", "/fapi/v1/algoOrder", "queryAlgoOrder", ["algoId|clientAlgoId"]],
    ["GET", "/fapi/v1/openAlgoOrders", "currentAllAlgoOpenOrders", []],
    ["GET", "/fapi/v1/allAlgoOrders", "queryAllAlgoOrders", ["symbol"]],
  ] as const)("allows %s %s as %s", (method, path, name, required) => {
    const entry = lookup("um", method, path);
    expect(entry).toMatchObject({ name, security: "SIGNED", required });
  });

  it("places algo orders with placement kind algo at IP weight 0", () => {
    expect(lookup("um", "POST", "/fapi/v1/algoOrder")).toMatchObject({ orderPlacement: "algo", weight: 0 });
  });

  it("has no algo order endpoints on COIN-M", () => {
    expect(CM_ENDPOINTS.some((e) => /algo/i.test(e.path))).toBe(false);
  });
});

describe("endpoints added beyond the reference connector", () => {
  it.each([
    ["um", "GET", "/fapi/v2/account", "accountInformationV2"],
    ["um", "GET", "/fapi/v2/balance", "futuresAccountBalanceV2"],
    ["um", "GET", "/fapi/v2/positionRisk", "positionInformationV2"],
    ["um", "GET", "/fapi/v1/ticker/price", "symbolPriceTicker"],
    ["um", "GET", "/fapi/v1/premiumIndexKlines", "premiumIndexKlineData"],
    ["cm", "GET", "/dapi/v1/premiumIndexKlines", "premiumIndexKlineData"],
    ["um", "GET", "/fapi/v1/orderAmendment", "getOrderModifyHistory"],
    ["um", "PUT", "/fapi/v1/batchOrders", "modifyMultipleOrders"],
    ["um", "GET", "/futures/data/basis", "basis"],
  ] as const)("allows %s %s %s as %s", (market, method, path, name) => {
    const entry = lookup(market, method, path);
    expect(entry.name).toBe(name);
    expect(entry.reference).toBeUndefined();
  });

  it("does not allow the removed COIN-M pmExchangeInfo", () => {
    expect(pathExists("cm", "/dapi/v1/pmExchangeInfo")).toBe(false);
    expect(pathExists("um", "/fapi/v1/pmExchangeInfo")).toBe(false);
  });
});

describe("lookup", () => {
  it("finds an entry by market, method and path", () => {
    expect(findEndpoint("um", "POST", "/fapi/v1/order")?.name).toBe("newOrder");
    expect(findEndpoint("cm", "DELETE", "/dapi/v1/order")?.name).toBe("cancelOrder");
    expect(findEndpoint("cm", "GET", "/futures/data/basis")?.market).toBe("cm");
  });

  it("finds nothing for a path on the other market, an unlisted method or a near-miss path", () => {
    expect(findEndpoint("cm", "POST", "/fapi/v1/order")).toBeUndefined();
    expect(findEndpoint("um", "PATCH" as HttpMethod, "/fapi/v1/order")).toBeUndefined();
    expect(findEndpoint("um", "POST", "/fapi/v1/exchangeInfo")).toBeUndefined();
    expect(findEndpoint("um", "GET", "/fapi/v1/order/")).toBeUndefined();
    expect(findEndpoint("um", "GET", "/FAPI/v1/order")).toBeUndefined();
  });

  it("tells a known path with another method from an unknown path", () => {
    expect(pathExists("um", "/fapi/v1/listenKey")).toBe(true);
    expect(findEndpoint("um", "GET", "/fapi/v1/listenKey")).toBeUndefined();
    expect(pathExists("um", "/fapi/v1/nope")).toBe(false);
    expect(pathExists("cm", "/fapi/v1/order")).toBe(false);
  });

  it("returns the very entries of the market arrays", () => {
    for (const entry of ENDPOINTS) expect(findEndpoint(entry.market, entry.method, entry.path)).toBe(entry);
  });
});

describe("requestWeight", () => {
  const depth = lookup("um", "GET", "/fapi/v1/depth");
  const klines = lookup("um", "GET", "/fapi/v1/klines");

  it.each([
    ["5", 2],
    ["10", 2],
    ["20", 2],
    ["50", 2],
    ["100", 5],
    ["500", 10],
    ["1000", 20],
  ])("weighs depth with limit %s at %i", (limit, expected) => {
    expect(requestWeight(depth, params({ symbol: "BTCUSDT", limit }))).toBe(expected);
  });

  it("weighs depth without limit at Binance's default limit 500 (10)", () => {
    expect(requestWeight(depth, params({ symbol: "BTCUSDT" }))).toBe(10);
    expect(requestWeight(depth, params({ symbol: "BTCUSDT", limit: "" }))).toBe(10);
    expect(requestWeight(lookup("cm", "GET", "/dapi/v1/depth"), params({ symbol: "BTCUSD_PERP" }))).toBe(10);
  });

  it("charges the heaviest tier for a limit above every tier or one that is not an integer", () => {
    expect(requestWeight(depth, params({ limit: "5000" }))).toBe(20);
    expect(requestWeight(depth, params({ limit: "abc" }))).toBe(20);
    expect(requestWeight(depth, params({ limit: "-5" }))).toBe(20);
    expect(requestWeight(depth, params({ limit: "1e3" }))).toBe(20);
  });

  it.each([
    ["1", 1],
    ["99", 1],
    ["100", 2],
    ["499", 2],
    ["500", 5],
    ["1000", 5],
    ["1001", 10],
    ["1500", 10],
  ])("weighs klines with limit %s at %i", (limit, expected) => {
    expect(requestWeight(klines, params({ symbol: "BTCUSDT", interval: "1m", limit }))).toBe(expected);
  });

  it("weighs klines without limit at the default 500 (5)", () => {
    expect(requestWeight(klines, params({ symbol: "BTCUSDT", interval: "1m" }))).toBe(5);
  });

  it("weighs ticker/24hr at 1 with a symbol and 40 without", () => {
    const ticker = lookup("um", "GET", "/fapi/v1/ticker/24hr");
    expect(requestWeight(ticker, params({ symbol: "BTCUSDT" }))).toBe(1);
    expect(requestWeight(ticker, params())).toBe(40);
    expect(requestWeight(ticker, params({ symbol: "" }))).toBe(40);
  });

  it("counts a COIN-M pair as 'with symbol'", () => {
    const ticker = lookup("cm", "GET", "/dapi/v1/ticker/24hr");
    expect(requestWeight(ticker, params({ pair: "BTCUSD" }))).toBe(1);
    expect(requestWeight(ticker, params({ symbol: "BTCUSD_PERP" }))).toBe(1);
    expect(requestWeight(ticker, params())).toBe(40);
  });

  it("does not count a `pair` where Binance ignores it or it names several symbols", () => {
    // USDⓈ-M tickers take no pair: Binance answers (and weighs) every symbol.
    expect(requestWeight(lookup("um", "GET", "/fapi/v1/ticker/24hr"), params({ pair: "BTCUSDT" }))).toBe(40);
    expect(requestWeight(lookup("um", "GET", "/fapi/v1/openOrders"), params({ pair: "BTCUSDT" }))).toBe(40);
    expect(requestWeight(lookup("cm", "GET", "/dapi/v1/forceOrders"), params({ pair: "BTCUSD" }))).toBe(50);
    expect(requestWeight(lookup("cm", "GET", "/dapi/v1/openOrders"), params({ pair: "BTCUSD" }))).toBe(40);
  });

  it("returns fixed weights as they are and null where Binance documents none", () => {
    expect(requestWeight(lookup("um", "GET", "/fapi/v3/account"), params())).toBe(5);
    expect(requestWeight(lookup("um", "POST", "/fapi/v1/order"), params())).toBe(0);
    expect(requestWeight(lookup("um", "POST", "/fapi/v1/order/test"), params())).toBeNull();
  });
});
