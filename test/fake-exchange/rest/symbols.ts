// The fake's instruments and their fixed prices (MARKET orders fill at `price`).

import type { Market } from "../types.ts";

export interface SymbolInfo {
  symbol: string;
  pair: string;
  baseAsset: string;
  quoteAsset: string;
  marginAsset: string;
  /** Fixed last/mark price; MARKET orders fill here. */
  price: string;
  pricePrecision: number;
  quantityPrecision: number;
  tickSize: string;
  stepSize: string;
  minQty: string;
  maxQty: string;
  minPrice: string;
  maxPrice: string;
  /** USDⓈ-M MIN_NOTIONAL filter. */
  minNotional: string;
  /** COIN-M contract size in USD. */
  contractSize: number;
}

export const SYMBOLS: Readonly<Record<Market, readonly SymbolInfo[]>> = {
  um: [
    {
      symbol: "BTCUSDT",
      pair: "BTCUSDT",
      baseAsset: "BTC",
      quoteAsset: "USDT",
      marginAsset: "USDT",
      price: "60000.00",
      pricePrecision: 2,
      quantityPrecision: 3,
      tickSize: "0.10",
      stepSize: "0.001",
      minQty: "0.001",
      maxQty: "1000",
      minPrice: "261.10",
      maxPrice: "809484",
      minNotional: "100",
      contractSize: 1,
    },
    {
      symbol: "ETHUSDT",
      pair: "ETHUSDT",
      baseAsset: "ETH",
      quoteAsset: "USDT",
      marginAsset: "USDT",
      price: "3000.00",
      pricePrecision: 2,
      quantityPrecision: 3,
      tickSize: "0.01",
      stepSize: "0.001",
      minQty: "0.001",
      maxQty: "10000",
      minPrice: "39.86",
      maxPrice: "306177",
      minNotional: "20",
      contractSize: 1,
    },
  ],
  cm: [
    {
      symbol: "BTCUSD_PERP",
      pair: "BTCUSD",
      baseAsset: "BTC",
      quoteAsset: "USD",
      marginAsset: "BTC",
      price: "60000.0",
      pricePrecision: 1,
      quantityPrecision: 0,
      tickSize: "0.1",
      stepSize: "1",
      minQty: "1",
      maxQty: "1000000",
      minPrice: "1000",
      maxPrice: "4520958",
      minNotional: "0",
      contractSize: 100,
    },
    {
      symbol: "ETHUSD_PERP",
      pair: "ETHUSD",
      baseAsset: "ETH",
      quoteAsset: "USD",
      marginAsset: "ETH",
      price: "3000.00",
      pricePrecision: 2,
      quantityPrecision: 0,
      tickSize: "0.01",
      stepSize: "1",
      minQty: "1",
      maxQty: "1000000",
      minPrice: "50",
      maxPrice: "306177",
      minNotional: "0",
      contractSize: 10,
    },
  ],
};

export function findSymbol(market: Market, symbol: string | undefined): SymbolInfo | undefined {
  return symbol === undefined ? undefined : SYMBOLS[market].find((info) => info.symbol === symbol);
}
