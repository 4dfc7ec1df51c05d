// Account JSON in Binance's shapes: balances (USDⓈ-M v2/v3, COIN-M), positionRisk (USDⓈ-M v2 and v3,
// COIN-M), and the control API's account snapshot. Amounts are decimal strings computed exactly.

import { absDecimal, addDecimal, divideDecimal, fixedDecimal, multiplyDecimal, signOf } from "../decimal.ts";
import type { Json } from "../json.ts";
import { currentPrice, type PriceBook } from "../rest/prices.ts";
import { SYMBOLS, type SymbolInfo } from "../rest/symbols.ts";
import type { FakeAccountSnapshot, Market } from "../types.ts";
import {
  type Account,
  balanceOf,
  leverageOf,
  marginTypeOf,
  type Position,
  positionOf,
  positionSides,
  unrealizedProfit,
} from "./accounts.ts";

const ACCOUNT_ALIAS = "SgsR";
const MAINT_MARGIN_RATE = "0.004";

/** The notional cap Binance answers a leverage change with (a small plausible bracket table). */
export function maxNotionalValue(leverage: number): string {
  if (leverage <= 10) return "1000000";
  if (leverage <= 20) return "250000";
  if (leverage <= 50) return "100000";
  return "50000";
}

/** The COIN-M counterpart: the most contracts a position may hold at that leverage. */
export function maxQty(leverage: number): string {
  if (leverage <= 10) return "5000";
  if (leverage <= 20) return "1000";
  if (leverage <= 50) return "200";
  return "50";
}

/** One position with everything positionRisk and balances derive from it. */
interface PositionView {
  info: SymbolInfo;
  position: Position;
  mark: string;
  /** Signed, in the margin asset. */
  pnl: string;
  leverage: number;
  marginType: "cross" | "isolated";
}

function viewOf(market: Market, account: Account, prices: PriceBook, info: SymbolInfo, position: Position) {
  const mark = currentPrice(prices, market, info);
  const view: PositionView = {
    info,
    position,
    mark,
    pnl: unrealizedProfit(market, info, position, mark),
    leverage: leverageOf(account, info.symbol),
    marginType: marginTypeOf(account, info.symbol) === "ISOLATED" ? "isolated" : "cross",
  };
  return view;
}

/** Every symbol (or one) on every side of the account's mode, flat positions included. */
function views(market: Market, account: Account, prices: PriceBook, symbol?: string): PositionView[] {
  const out: PositionView[] = [];
  for (const info of SYMBOLS[market]) {
    if (symbol !== undefined && info.symbol !== symbol) continue;
    for (const side of positionSides(account))
      out.push(viewOf(market, account, prices, info, positionOf(account, info.symbol, side)));
  }
  return out;
}

const amount = (view: PositionView): string =>
  fixedDecimal(view.position.positionAmt, view.info.quantityPrecision);
const flat = (view: PositionView): boolean => signOf(view.position.positionAmt) === 0;

function umNotional(view: PositionView): string {
  return flat(view) ? "0" : fixedDecimal(multiplyDecimal(view.position.positionAmt, view.mark), 8);
}

/** USDⓈ-M GET /fapi/v2/positionRisk: every symbol and side, with leverage and margin type. */
export function positionRiskV2(account: Account, prices: PriceBook, symbol?: string): Json {
  return views("um", account, prices, symbol).map((view) => ({
    entryPrice: view.position.entryPrice,
    breakEvenPrice: view.position.entryPrice,
    marginType: view.marginType,
    isAutoAddMargin: "false",
    isolatedMargin: "0.00000000",
    leverage: String(view.leverage),
    liquidationPrice: "0",
    markPrice: fixedDecimal(view.mark, 8),
    maxNotionalValue: maxNotionalValue(view.leverage),
    positionAmt: amount(view),
    notional: umNotional(view),
    isolatedWallet: "0",
    symbol: view.info.symbol,
    unRealizedProfit: fixedDecimal(view.pnl, 8),
    positionSide: view.position.positionSide,
    updateTime: view.position.updateTime,
  }));
}

/**
 * USDⓈ-M GET /fapi/v3/positionRisk: only positions with activity (a position, or open orders on that symbol
 * and side, as `active` says), without leverage or margin type (v3 moved those to symbolConfig).
 */
export function positionRiskV3(
  account: Account,
  prices: PriceBook,
  active: (symbol: string, side: string) => boolean,
  symbol?: string,
): Json {
  const chosen = views("um", account, prices, symbol).filter(
    (view) => !flat(view) || active(view.info.symbol, view.position.positionSide),
  );
  return chosen.map((view) => {
    const notional = umNotional(view);
    const initial = fixedDecimal(divideDecimal(absDecimal(notional), String(view.leverage), 8), 8);
    return {
      symbol: view.info.symbol,
      positionSide: view.position.positionSide,
      positionAmt: amount(view),
      entryPrice: view.position.entryPrice,
      breakEvenPrice: view.position.entryPrice,
      markPrice: fixedDecimal(view.mark, 8),
      unRealizedProfit: fixedDecimal(view.pnl, 8),
      liquidationPrice: "0",
      isolatedMargin: "0",
      notional,
      marginAsset: view.info.marginAsset,
      isolatedWallet: "0",
      initialMargin: initial,
      maintMargin: fixedDecimal(multiplyDecimal(absDecimal(notional), MAINT_MARGIN_RATE), 8),
      positionInitialMargin: initial,
      openOrderInitialMargin: "0",
      adl: 0,
      bidNotional: "0",
      askNotional: "0",
      updateTime: view.position.updateTime,
    };
  });
}

/** COIN-M GET /dapi/v1/positionRisk: every symbol (or those of one pair / margin asset) and side. */
export function positionRiskCm(
  account: Account,
  prices: PriceBook,
  keep: (info: SymbolInfo) => boolean,
): Json {
  return views("cm", account, prices)
    .filter((view) => keep(view.info))
    .map((view) => {
      const face = multiplyDecimal(view.position.positionAmt, String(view.info.contractSize));
      return {
        symbol: view.info.symbol,
        positionAmt: amount(view),
        entryPrice: view.position.entryPrice,
        breakEvenPrice: view.position.entryPrice,
        markPrice: fixedDecimal(view.mark, 8),
        unRealizedProfit: fixedDecimal(view.pnl, 8),
        liquidationPrice: "0",
        leverage: String(view.leverage),
        maxQty: maxQty(view.leverage),
        marginType: view.marginType,
        isolatedMargin: "0.00000000",
        isAutoAddMargin: "false",
        positionSide: view.position.positionSide,
        notionalValue: flat(view) ? "0" : fixedDecimal(divideDecimal(face, view.mark, 8), 8),
        isolatedWallet: "0",
        updateTime: view.position.updateTime,
      };
    });
}

/** Unrealized PnL of the account's cross positions margined in `asset`. */
function crossUnPnl(market: Market, account: Account, prices: PriceBook, asset: string): string {
  let total = "0";
  for (const view of views(market, account, prices))
    if (view.marginType === "cross" && view.info.marginAsset === asset) total = addDecimal(total, view.pnl);
  return fixedDecimal(total, 8);
}

/** GET /fapi/v2|v3/balance (USDⓈ-M) and /dapi/v1/balance (COIN-M): one entry per asset held. */
export function balancesJson(market: Market, account: Account, prices: PriceBook): Json {
  return [...account.balances.keys()].map((asset) => {
    const held = balanceOf(account, asset);
    const common = {
      accountAlias: ACCOUNT_ALIAS,
      asset,
      balance: held.balance,
      crossWalletBalance: held.balance,
      crossUnPnl: crossUnPnl(market, account, prices, asset),
      availableBalance: held.availableBalance,
    };
    if (market === "cm")
      return { ...common, withdrawAvailable: held.availableBalance, updateTime: held.updateTime };
    return {
      ...common,
      maxWithdrawAmount: held.availableBalance,
      marginAvailable: true,
      updateTime: held.updateTime,
    };
  });
}

/** The control API's view of an account. */
export function accountSnapshot(account: Account, mainAsset: string): FakeAccountSnapshot {
  const symbols = SYMBOLS[account.market].map((info) => info.symbol);
  const main = balanceOf(account, mainAsset);
  return {
    apiKey: account.apiKey,
    market: account.market,
    dualSidePosition: account.dualSidePosition,
    leverage: Object.fromEntries(symbols.map((symbol) => [symbol, leverageOf(account, symbol)])),
    marginType: Object.fromEntries(symbols.map((symbol) => [symbol, marginTypeOf(account, symbol)])),
    balance: main.balance,
    availableBalance: main.availableBalance,
    balances: Object.fromEntries(
      [...account.balances].map(([asset, held]) => [
        asset,
        { balance: held.balance, availableBalance: held.availableBalance },
      ]),
    ),
    positions: [...account.positions.values()]
      .filter((position) => signOf(position.positionAmt) !== 0)
      .map((position) => ({
        symbol: position.symbol,
        positionSide: position.positionSide,
        positionAmt: position.positionAmt,
        entryPrice: position.entryPrice,
      })),
  };
}
