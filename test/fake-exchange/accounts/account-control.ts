// Control-API side of accounts, prices, strict filters and the notification recorder: parses and applies
// the JSON bodies of POST /__fake/accounts, /__fake/prices, /__fake/strict and /__fake/notify/….

import { signOf } from "../decimal.ts";
import { currentPrice, setPrice } from "../rest/prices.ts";
import { findSymbol } from "../rest/symbols.ts";
import type { ExchangeState } from "../state.ts";
import type { FakeAccountSnapshot, FakeNotification, Market } from "../types.ts";
import { accountSnapshot } from "./account-format.ts";
import {
  accountOf,
  balanceOf,
  FLAT_ENTRY,
  MAIN_ASSET,
  MAX_LEVERAGE,
  type PositionSide,
  storePosition,
} from "./accounts.ts";

const SIGNED_DECIMAL = /^-?\d+(\.\d+)?$/;

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

function asMarket(value: unknown): Market {
  if (value !== "um" && value !== "cm") throw new Error('expected "market": "um" | "cm"');
  return value;
}

function decimalText(value: unknown, name: string): string {
  if (typeof value !== "string" || !SIGNED_DECIMAL.test(value))
    throw new Error(`"${name}" must be a decimal string such as "100.5"`);
  return value;
}

function knownSymbol(market: Market, symbol: string): string {
  if (findSymbol(market, symbol) === undefined) throw new Error(`unknown ${market} symbol ${symbol}`);
  return symbol;
}

/** The account of `?apiKey=&market=` as the control API shows it. */
export function readAccount(state: ExchangeState, rawQuery: string): FakeAccountSnapshot {
  const query = new URLSearchParams(rawQuery);
  const apiKey = query.get("apiKey");
  if (apiKey === null || apiKey === "") throw new Error("expected ?apiKey=…&market=um|cm");
  const market = asMarket(query.get("market") ?? "um");
  return accountSnapshot(accountOf(state.accounts, market, apiKey), MAIN_ASSET[market]);
}

function setPositions(state: ExchangeState, market: Market, apiKey: string, list: unknown): void {
  if (!Array.isArray(list)) throw new Error('"positions" must be an array');
  const account = accountOf(state.accounts, market, apiKey);
  for (const item of list) {
    const entry = asObject(item, "a position");
    const symbol = knownSymbol(market, String(entry.symbol));
    const side = entry.positionSide ?? "BOTH";
    if (side !== "BOTH" && side !== "LONG" && side !== "SHORT")
      throw new Error('"positionSide" must be BOTH, LONG or SHORT');
    const positionSide: PositionSide = side;
    const positionAmt = decimalText(entry.positionAmt, "positionAmt");
    if ((side === "LONG" && signOf(positionAmt) < 0) || (side === "SHORT" && signOf(positionAmt) > 0))
      throw new Error("a LONG position is positive and a SHORT one negative");
    const info = findSymbol(market, symbol);
    const price = info === undefined ? FLAT_ENTRY : currentPrice(state.prices, market, info);
    const entryPrice =
      signOf(positionAmt) === 0
        ? FLAT_ENTRY
        : entry.entryPrice === undefined
          ? price
          : decimalText(entry.entryPrice, "entryPrice");
    storePosition(account, { symbol, positionSide, positionAmt, entryPrice, updateTime: Date.now() });
  }
}

/** Applies POST /__fake/accounts; members left out stay as they are. Returns the account's snapshot. */
export function writeAccount(state: ExchangeState, body: unknown): FakeAccountSnapshot {
  const settings = asObject(body, "the body");
  if (typeof settings.apiKey !== "string" || settings.apiKey === "") throw new Error('expected "apiKey"');
  const market = asMarket(settings.market);
  const account = accountOf(state.accounts, market, settings.apiKey, Date.now());
  if (settings.dualSidePosition !== undefined) {
    if (typeof settings.dualSidePosition !== "boolean")
      throw new Error('"dualSidePosition" must be a boolean');
    account.dualSidePosition = settings.dualSidePosition;
  }
  const asset = settings.asset === undefined ? MAIN_ASSET[market] : String(settings.asset);
  if (settings.balance !== undefined || settings.availableBalance !== undefined) {
    const held = { ...balanceOf(account, asset), updateTime: Date.now() };
    if (settings.balance !== undefined) held.balance = decimalText(settings.balance, "balance");
    if (settings.availableBalance !== undefined)
      held.availableBalance = decimalText(settings.availableBalance, "availableBalance");
    account.balances.set(asset, held);
  }
  for (const [symbol, value] of Object.entries(asObject(settings.leverage ?? {}, '"leverage"'))) {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_LEVERAGE)
      throw new Error(`leverage of ${symbol} must be an integer 1..${MAX_LEVERAGE}`);
    account.leverage.set(knownSymbol(market, symbol), value);
  }
  for (const [symbol, value] of Object.entries(asObject(settings.marginType ?? {}, '"marginType"'))) {
    if (value !== "CROSSED" && value !== "ISOLATED") throw new Error("marginType is CROSSED or ISOLATED");
    account.marginType.set(knownSymbol(market, symbol), value);
  }
  if (settings.positions !== undefined) setPositions(state, market, settings.apiKey, settings.positions);
  return accountSnapshot(account, MAIN_ASSET[market]);
}

/** POST /__fake/prices {market, symbol, price}. */
export function writePrice(
  state: ExchangeState,
  body: unknown,
): { market: Market; symbol: string; price: string } {
  const input = asObject(body, "the body");
  const market = asMarket(input.market);
  if (typeof input.symbol !== "string" || typeof input.price !== "string")
    throw new Error('expected {"market": "um"|"cm", "symbol": "...", "price": "<decimal string>"}');
  setPrice(state.prices, market, input.symbol, input.price);
  return { market, symbol: input.symbol, price: input.price };
}

/** POST /__fake/strict {on}. */
export function writeStrict(state: ExchangeState, body: unknown): { on: boolean } {
  const on = asObject(body, "the body").on;
  if (typeof on !== "boolean") throw new Error('expected {"on": true|false}');
  state.strictFilters = on;
  return { on };
}

/** Records one POST /__fake/notify/… request. */
export function recordNotification(
  state: ExchangeState,
  path: string,
  rawQuery: string,
  rawBody: string,
  headers: Readonly<Record<string, string>>,
): void {
  const notification: FakeNotification = {
    path,
    query: rawQuery,
    contentType: headers["content-type"] ?? "",
    body: rawBody,
    headers: { ...headers },
    at: Date.now(),
  };
  state.notifications.push(notification);
}
