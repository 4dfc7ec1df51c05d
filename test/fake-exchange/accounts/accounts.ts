// Per-account state, keyed by API key and market: position mode, leverage and margin type per symbol,
// wallet balances per asset and positions per symbol and position side. Accounts appear on first use.

import {
  absDecimal,
  addDecimal,
  divideDecimal,
  multiplyDecimal,
  signOf,
  subtractDecimal,
} from "../decimal.ts";
import type { SymbolInfo } from "../rest/symbols.ts";
import type { Market } from "../types.ts";

export type MarginType = "CROSSED" | "ISOLATED";
export type PositionSide = "BOTH" | "LONG" | "SHORT";

export interface AssetBalance {
  balance: string;
  availableBalance: string;
  updateTime: number;
}

export interface Position {
  readonly symbol: string;
  readonly positionSide: PositionSide;
  /** Signed: long positive, short negative (SHORT positions in hedge mode are negative too). */
  positionAmt: string;
  /** "0.0" while flat. */
  entryPrice: string;
  updateTime: number;
}

export interface Account {
  readonly market: Market;
  readonly apiKey: string;
  dualSidePosition: boolean;
  readonly leverage: Map<string, number>;
  readonly marginType: Map<string, MarginType>;
  readonly balances: Map<string, AssetBalance>;
  /** Keyed "symbol:positionSide"; flat positions may stay listed with positionAmt "0". */
  readonly positions: Map<string, Position>;
  readonly createdAt: number;
}

/** Keyed "market:apiKey". */
export type AccountBook = Map<string, Account>;

export const DEFAULT_LEVERAGE = 20;
export const MAX_LEVERAGE = 125;
export const FLAT_ENTRY = "0.0";
/** The asset each market's balance starts in: USDT on USDⓈ-M, BTC on COIN-M. */
export const MAIN_ASSET: Readonly<Record<Market, string>> = { um: "USDT", cm: "BTC" };
const DEFAULT_BALANCE: Readonly<Record<Market, string>> = { um: "10000.00000000", cm: "1.00000000" };

export function createAccountBook(): AccountBook {
  return new Map();
}

export function accountOf(book: AccountBook, market: Market, apiKey: string, now = 0): Account {
  const id = `${market}:${apiKey}`;
  const existing = book.get(id);
  if (existing !== undefined) return existing;
  const balance = DEFAULT_BALANCE[market];
  const account: Account = {
    market,
    apiKey,
    dualSidePosition: false,
    leverage: new Map(),
    marginType: new Map(),
    balances: new Map([[MAIN_ASSET[market], { balance, availableBalance: balance, updateTime: now }]]),
    positions: new Map(),
    createdAt: now,
  };
  book.set(id, account);
  return account;
}

/** The account's balance of `asset` (zero when it holds none). */
export function balanceOf(account: Account, asset: string): AssetBalance {
  return (
    account.balances.get(asset) ?? {
      balance: "0.00000000",
      availableBalance: "0.00000000",
      updateTime: account.createdAt,
    }
  );
}

export function leverageOf(account: Account, symbol: string): number {
  return account.leverage.get(symbol) ?? DEFAULT_LEVERAGE;
}

export function marginTypeOf(account: Account, symbol: string): MarginType {
  return account.marginType.get(symbol) ?? "CROSSED";
}

/** The sides positions are kept on in the account's mode. */
export function positionSides(account: Account): readonly PositionSide[] {
  return account.dualSidePosition ? ["LONG", "SHORT"] : ["BOTH"];
}

/** The stored position, or a flat one (not stored). */
export function positionOf(account: Account, symbol: string, side: PositionSide): Position {
  return (
    account.positions.get(`${symbol}:${side}`) ?? {
      symbol,
      positionSide: side,
      positionAmt: "0",
      entryPrice: FLAT_ENTRY,
      updateTime: 0,
    }
  );
}

export function storePosition(account: Account, position: Position): void {
  account.positions.set(`${position.symbol}:${position.positionSide}`, position);
}

export function openPositions(account: Account, symbol?: string): Position[] {
  return [...account.positions.values()].filter(
    (position) => signOf(position.positionAmt) !== 0 && (symbol === undefined || position.symbol === symbol),
  );
}

/**
 * Average entry after adding `quantity` at `price` to `held` (absolute) at `entry`: quantity-weighted on
 * USDⓈ-M, harmonic on COIN-M (each contract is worth a fixed amount of USD).
 */
function averageEntry(market: Market, held: string, entry: string, quantity: string, price: string): string {
  const total = addDecimal(held, quantity);
  if (market === "um") {
    const cost = addDecimal(multiplyDecimal(held, entry), multiplyDecimal(quantity, price));
    return divideDecimal(cost, total, 8);
  }
  const coins = addDecimal(divideDecimal(held, entry, 18), divideDecimal(quantity, price, 18));
  return divideDecimal(total, coins, 8);
}

/**
 * Applies a fill of `quantity` at `price`: BUY adds, SELL subtracts on the order's position side. Entry stays
 * while a position shrinks, averages while it grows, and restarts at the fill price when it flips.
 */
export function applyFill(
  account: Account,
  info: SymbolInfo,
  side: string,
  positionSide: PositionSide,
  quantity: string,
  price: string,
  now: number,
): Position {
  const position = positionOf(account, info.symbol, positionSide);
  const delta = side === "BUY" ? quantity : `-${quantity}`;
  const before = position.positionAmt;
  const after = addDecimal(before, delta);
  let entryPrice = position.entryPrice;
  if (signOf(after) === 0) entryPrice = FLAT_ENTRY;
  else if (signOf(before) === 0) entryPrice = price;
  else if (signOf(before) === signOf(delta))
    entryPrice = averageEntry(account.market, absDecimal(before), position.entryPrice, quantity, price);
  else if (signOf(after) !== signOf(before)) entryPrice = price;
  const updated: Position = { ...position, positionAmt: after, entryPrice, updateTime: now };
  storePosition(account, updated);
  return updated;
}

/** Unrealized PnL in the margin asset: USDⓈ-M amt × (mark − entry); COIN-M amt × size × (1/entry − 1/mark). */
export function unrealizedProfit(market: Market, info: SymbolInfo, position: Position, mark: string): string {
  if (signOf(position.positionAmt) === 0) return "0";
  if (market === "um")
    return multiplyDecimal(position.positionAmt, subtractDecimal(mark, position.entryPrice));
  const face = multiplyDecimal(position.positionAmt, String(info.contractSize));
  return subtractDecimal(divideDecimal(face, position.entryPrice, 18), divideDecimal(face, mark, 18));
}
