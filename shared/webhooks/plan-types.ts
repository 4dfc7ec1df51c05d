// The planner's shapes: what the order desk reads from the exchange (a symbol's rules, the account), the Binance
// calls a plan is made of, and the orders an action needs before they become calls.

import type { Decimal } from "../decimal.ts";
import type { Param } from "../encoding/query.ts";

export interface SymbolRules {
  readonly symbol: string;
  readonly tickSize: Decimal;
  readonly stepSize: Decimal;
  readonly minQty: Decimal;
  readonly maxQty: Decimal;
  /** MARKET_LOT_SIZE's maxQty: market orders are bound by it (often below LOT_SIZE's). */
  readonly marketMaxQty: Decimal;
  /** USDⓈ-M MIN_NOTIONAL, or null (COIN-M). */
  readonly minNotional: Decimal | null;
  /** COIN-M contract size in USD, or null (USDⓈ-M). */
  readonly contractSize: Decimal | null;
}

export interface AccountView {
  readonly hedge: boolean;
  /** One-way: the signed BOTH position. Hedge: LONG (>= 0) and SHORT (magnitude, >= 0). */
  readonly both: Decimal;
  readonly long: Decimal;
  readonly short: Decimal;
  readonly leverage: number;
  readonly marginType: "ISOLATED" | "CROSSED";
  /** Available balance in the margin asset (USDT; the coin for COIN-M). */
  readonly availableBalance: Decimal;
}

export type StepKind = "leverage" | "marginType" | "order" | "bracket" | "cancel" | "cancelAlgo";

export interface Step {
  readonly kind: StepKind;
  readonly method: "POST" | "DELETE";
  readonly path: string;
  readonly params: readonly Param[];
  /** Notional this step opens (0 for reducing or closing), in the quote currency. */
  readonly opens: Decimal;
  /** What it does, for the alert's report ("BUY 0.016 BTCUSDT LONG at market"). */
  readonly summary: string;
}

export type Side = "BUY" | "SELL";
export type PositionSide = "BOTH" | "LONG" | "SHORT";

export interface OrderIntent {
  readonly side: Side;
  readonly positionSide: PositionSide;
  readonly quantity: Decimal;
  readonly reduceOnly: boolean;
  /** The part of the quantity that opens or adds to a position. */
  readonly opening: Decimal;
}
