// GET exchangeInfo: a small but realistic body per market.

import type { Json } from "../json.ts";
import type { HandlerContext } from "../state.ts";
import type { Market } from "../types.ts";
import { okJson, type Reply } from "./replies.ts";
import { SYMBOLS, type SymbolInfo } from "./symbols.ts";

const ORDER_TYPES = [
  "LIMIT",
  "MARKET",
  "STOP",
  "STOP_MARKET",
  "TAKE_PROFIT",
  "TAKE_PROFIT_MARKET",
  "TRAILING_STOP_MARKET",
];
const PERPETUAL_DELIVERY = 4133404800000;

function rateLimits(market: Market): Json {
  const limits: Json[] = [
    { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 2400 },
    { rateLimitType: "ORDERS", interval: "MINUTE", intervalNum: 1, limit: 1200 },
  ];
  if (market === "um")
    limits.push({ rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 300 });
  return limits;
}

function filters(market: Market, info: SymbolInfo): Json {
  const list: Json[] = [
    { minPrice: info.minPrice, maxPrice: info.maxPrice, filterType: "PRICE_FILTER", tickSize: info.tickSize },
    { stepSize: info.stepSize, filterType: "LOT_SIZE", maxQty: info.maxQty, minQty: info.minQty },
    { stepSize: info.stepSize, filterType: "MARKET_LOT_SIZE", maxQty: info.maxQty, minQty: info.minQty },
    { limit: 200, filterType: "MAX_NUM_ORDERS" },
    { limit: 10, filterType: "MAX_NUM_ALGO_ORDERS" },
  ];
  // Only USDⓈ-M symbols carry MIN_NOTIONAL; COIN-M contracts have a fixed USD size instead.
  if (market === "um") list.push({ notional: info.minNotional, filterType: "MIN_NOTIONAL" });
  list.push({
    multiplierDown: "0.9500",
    multiplierUp: "1.0500",
    multiplierDecimal: "4",
    filterType: "PERCENT_PRICE",
  });
  return list;
}

function common(market: Market, info: SymbolInfo): Record<string, Json> {
  return {
    symbol: info.symbol,
    pair: info.pair,
    contractType: "PERPETUAL",
    deliveryDate: PERPETUAL_DELIVERY,
    onboardDate: 1569398400000,
    maintMarginPercent: "2.5000",
    requiredMarginPercent: "5.0000",
    baseAsset: info.baseAsset,
    quoteAsset: info.quoteAsset,
    marginAsset: info.marginAsset,
    pricePrecision: info.pricePrecision,
    quantityPrecision: info.quantityPrecision,
    baseAssetPrecision: 8,
    quotePrecision: 8,
    triggerProtect: "0.0500",
    liquidationFee: "0.012500",
    marketTakeBound: "0.05",
    filters: filters(market, info),
    orderTypes: ORDER_TYPES,
    timeInForce: ["GTC", "IOC", "FOK", "GTX", "GTD"],
  };
}

function symbolJson(market: Market, info: SymbolInfo): Json {
  if (market === "um") {
    return { ...common(market, info), status: "TRADING", underlyingType: "COIN", underlyingSubType: ["PoW"] };
  }
  return {
    ...common(market, info),
    contractStatus: "TRADING",
    contractSize: info.contractSize,
    equalQtyPrecision: 4,
  };
}

/**
 * A symbol announced but not trading yet, as Binance lists a new contract before it opens: PENDING_TRADING, with
 * the market's first contract's filters. The fake takes no orders for it (it is in no SYMBOLS list).
 */
function pendingJson(market: Market, symbol: string): Json {
  const template = SYMBOLS[market][0];
  if (template === undefined) throw new Error(`no ${market} symbols to copy`);
  const quote = market === "um" ? template.quoteAsset : "USD";
  const pair = market === "um" ? symbol : symbol.replace(/_.*$/, "");
  const baseAsset = pair.endsWith(quote) ? pair.slice(0, -quote.length) : pair;
  const info: SymbolInfo = {
    ...template,
    symbol,
    pair,
    baseAsset,
    marginAsset: market === "um" ? quote : baseAsset,
  };
  const json = symbolJson(market, info) as Record<string, Json>;
  return market === "um"
    ? { ...json, status: "PENDING_TRADING" }
    : { ...json, contractStatus: "PENDING_TRADING" };
}

export function exchangeInfo(context: HandlerContext): Reply {
  const market = context.market;
  const body: Record<string, Json> = {
    timezone: "UTC",
    serverTime: context.now,
    rateLimits: rateLimits(market),
    exchangeFilters: [],
    symbols: [
      ...SYMBOLS[market].map((info) => symbolJson(market, info)),
      ...context.state.listings[market].map((symbol) => pendingJson(market, symbol)),
    ],
  };
  if (market === "um") {
    body.futuresType = "U_MARGINED";
    body.assets = [
      { asset: "USDT", marginAvailable: true, autoAssetExchange: "-10000" },
      { asset: "BTC", marginAvailable: true, autoAssetExchange: "-0.10000000" },
    ];
  }
  return okJson(body);
}
