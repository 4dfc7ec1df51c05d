// Public types of the fake Binance Futures exchange.

import type { StreamOptions } from "./ws/types.ts";

export type Market = "um" | "cm";

export type FakeKey =
  | { apiKey: string; type: "hmac"; secret: string }
  | { apiKey: string; type: "rsa" | "ed25519"; publicKeyPem: string };

/** Restricts a fault to some requests; `path` is exact, or a prefix when it ends with `*`. */
export interface FaultMatch {
  method?: string;
  path?: string;
}

interface FaultBase {
  match?: FaultMatch;
  /** How many matching requests the fault applies to (default 1). */
  times?: number;
}

export type Fault =
  | (FaultBase & { kind: "rate-limit"; status: 429 | 418; retryAfterSeconds?: number; code?: number })
  | (FaultBase & { kind: "unknown-503"; execute: boolean; code?: number })
  | (FaultBase & { kind: "server-error"; status: 500 | 502 | 503 | 504 })
  | (FaultBase & { kind: "restricted-location" })
  | (FaultBase & { kind: "html-403" })
  /** An HTML 502/504 page from the CDN in front of Binance; `execute` says whether the origin ran the request. */
  | (FaultBase & { kind: "cdn-5xx"; status: 502 | 504; execute: boolean })
  /** A redirect from Binance's edge to another host. */
  | (FaultBase & { kind: "redirect"; location: string })
  | (FaultBase & { kind: "delay"; ms: number });

export interface RecordedRequest {
  method: string;
  path: string;
  rawQuery: string;
  rawBody: string;
  headers: Record<string, string>;
  apiKey: string | null;
  signed: boolean;
  /** 0 while the request is still being answered (e.g. delayed). */
  status: number;
  at: number;
}

export type OrderStatus = "NEW" | "PARTIALLY_FILLED" | "FILLED" | "CANCELED" | "EXPIRED";

export interface FakeOrder {
  market: Market;
  orderId: bigint;
  /** The X-MBX-APIKEY that placed it: the account it belongs to. */
  apiKey: string | null;
  clientOrderId: string;
  symbol: string;
  side: string;
  positionSide: string;
  type: string;
  origType: string;
  status: OrderStatus;
  timeInForce: string;
  price: string;
  avgPrice: string;
  origQty: string;
  executedQty: string;
  /** cumQuote on USDⓈ-M, cumBase on COIN-M. */
  cumAmount: string;
  stopPrice: string;
  reduceOnly: boolean;
  closePosition: boolean;
  workingType: string;
  priceProtect: boolean;
  priceMatch: string;
  selfTradePreventionMode: string;
  goodTillDate: string;
  time: number;
  updateTime: number;
  /** Every parameter the order was placed with, decoded. */
  params: Readonly<Record<string, string>>;
}

export type AlgoStatus = "NEW" | "CANCELED" | "TRIGGERED" | "FINISHED" | "EXPIRED";

export interface FakeAlgoOrder {
  algoId: bigint;
  /** The X-MBX-APIKEY that placed it: the account it belongs to. */
  apiKey: string | null;
  clientAlgoId: string;
  algoType: string;
  orderType: string;
  symbol: string;
  side: string;
  positionSide: string;
  timeInForce: string;
  quantity: string;
  algoStatus: AlgoStatus;
  triggerPrice: string;
  price: string;
  workingType: string;
  priceMatch: string;
  selfTradePreventionMode: string;
  closePosition: boolean;
  priceProtect: boolean;
  reduceOnly: boolean;
  activatePrice: string;
  callbackRate: string;
  goodTillDate: string;
  createTime: number;
  updateTime: number;
  params: Readonly<Record<string, string>>;
}

export interface FakeListenKey {
  market: Market;
  listenKey: string;
  apiKey: string;
  expiresAt: number;
}

export interface FakeExchangeOptions {
  clockSkewMs?: number;
  /** Validity of a listen key after creation / keepalive (default 60 minutes). */
  listenKeyValidityMs?: number;
  /** Initial market-stream options (Binance's values by default); reset() returns to these. */
  streams?: Partial<StreamOptions>;
  /**
   * Enforce the symbol filters on new orders (tick size, step size, min/max quantity and price, PERCENT_PRICE,
   * USDⓈ-M MIN_NOTIONAL). Off by default so loose sample orders stay valid; reset() returns to this value.
   */
  strictFilters?: boolean;
  /**
   * Runs the simulated market from the start (see simulation.ts); off by default, when streams carry only
   * what tests publish. reset() restarts it with these options.
   */
  simulate?: SimulationOptions;
}

/** The simulated market: a seeded random walk with trades, an order book and candles per symbol. */
export interface SimulationOptions {
  /** Symbols to simulate, each found on USDⓈ-M or COIN-M (default BTCUSDT, ETHUSDT and BTCUSD_PERP). */
  symbols?: string[];
  /** Aggressive orders per second and symbol, each 1-3 trades at one price (default 8, at most 100). */
  tradesPerSecond?: number;
  /** Seed of the walk, the trades and the book (default 1); event times follow the wall clock. */
  seed?: number;
}

/** What GET /__fake/sim answers (a type, not an interface, so it passes as JSON). */
export type SimulationStatus = {
  on: boolean;
  symbols: string[];
  tradesPerSecond: number;
  seed: number;
  /** Last trade price per simulated symbol. */
  prices: Record<string, string>;
};

/** An account's state as the control API shows it (GET /__fake/accounts). */
export type FakeAccountSnapshot = {
  apiKey: string;
  market: Market;
  dualSidePosition: boolean;
  /** Effective leverage of every symbol of the market (default 20). */
  leverage: Record<string, number>;
  /** Effective margin type of every symbol of the market (default CROSSED). */
  marginType: Record<string, "CROSSED" | "ISOLATED">;
  /** Wallet and available balance of the market's main asset (USDT on USDⓈ-M, BTC on COIN-M). */
  balance: string;
  availableBalance: string;
  /** Every asset the account holds. */
  balances: Record<string, { balance: string; availableBalance: string }>;
  /** Open (non-zero) positions; positionAmt is signed and exact ("0.01", "-3"). */
  positions: { symbol: string; positionSide: string; positionAmt: string; entryPrice: string }[];
};

/** State to set directly (POST /__fake/accounts); omitted members stay as they are. */
export interface FakeAccountSettings {
  apiKey: string;
  market: Market;
  dualSidePosition?: boolean;
  /** Asset that balance / availableBalance apply to (default: the market's main asset). */
  asset?: string;
  balance?: string;
  availableBalance?: string;
  leverage?: Record<string, number>;
  marginType?: Record<string, "CROSSED" | "ISOLATED">;
  /** Replaces the listed positions (positionSide default BOTH, entryPrice default the current price). */
  positions?: { symbol: string; positionSide?: string; positionAmt: string; entryPrice?: string }[];
}

/** A request to POST /__fake/notify/<anything>: a stand-in for a webhook notification receiver. */
export interface FakeNotification {
  /** The full request path, e.g. "/__fake/notify/telegram". */
  path: string;
  /** The raw query string ("" when none). */
  query: string;
  contentType: string;
  body: string;
  headers: Record<string, string>;
  at: number;
}
