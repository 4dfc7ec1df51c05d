// Current prices: each symbol's fixed price from symbols.ts unless a test moved it (POST /__fake/prices) or the
// simulated market runs it (simulation.ts writes each simulated symbol's last trade price here, and adopts a
// price a test sets). MARKET fills, mark prices, tickers, klines and depth all read the current price.

import type { Market } from "../types.ts";
import { findSymbol, type SymbolInfo } from "./symbols.ts";

/** Price overrides keyed "market:symbol". */
export type PriceBook = Map<string, string>;

export function createPriceBook(): PriceBook {
  return new Map();
}

export function currentPrice(book: PriceBook, market: Market, info: SymbolInfo): string {
  return book.get(`${market}:${info.symbol}`) ?? info.price;
}

/** The symbol's description with `price` replaced by the current price. */
export function withCurrentPrice(book: PriceBook, market: Market, info: SymbolInfo): SymbolInfo {
  return { ...info, price: currentPrice(book, market, info) };
}

/** Moves a symbol's price; throws for an unknown symbol or a price that is no positive decimal. */
export function setPrice(book: PriceBook, market: Market, symbol: string, price: string): void {
  if (findSymbol(market, symbol) === undefined) throw new Error(`unknown ${market} symbol ${symbol}`);
  if (!/^\d+(\.\d+)?$/.test(price) || /^0+(\.0+)?$/.test(price)) throw new Error(`invalid price ${price}`);
  book.set(`${market}:${symbol}`, price);
}
