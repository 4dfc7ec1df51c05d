// All mutable state of one fake exchange, and the context handed to endpoint handlers.

import { type AccountBook, createAccountBook } from "./accounts/accounts.ts";
import { type AlgoStore, createAlgoStore } from "./accounts/algo-orders.ts";
import {
  createListenKeyStore,
  DEFAULT_LISTEN_KEY_VALIDITY_MS,
  type ListenKeyStore,
} from "./accounts/listen-keys.ts";
import { clearOrders, createOrderStore, type OrderStore } from "./accounts/orders.ts";
import type { UserEventSink } from "./accounts/user-events.ts";
import type { FaultQueue } from "./rest/faults.ts";
import type { Params } from "./rest/params.ts";
import { createPriceBook, type PriceBook } from "./rest/prices.ts";
import type { Reply } from "./rest/replies.ts";
import { prepareKey, type RegisteredKey } from "./rest/signature.ts";
import { createWeightState, resetWeights, type WeightState } from "./rest/weights.ts";
import type { Simulation } from "./sim/simulation.ts";
import type { FakeExchangeOptions, FakeKey, FakeNotification, Market, RecordedRequest } from "./types.ts";

export interface ExchangeState {
  readonly keys: Map<string, RegisteredKey>;
  skewMs: number;
  readonly faults: FaultQueue;
  readonly requests: RecordedRequest[];
  readonly orders: Readonly<Record<Market, OrderStore>>;
  readonly algo: AlgoStore;
  readonly listenKeys: ListenKeyStore;
  readonly weights: WeightState;
  /** Per API key and market: position mode, leverage, margin type, balances, positions. */
  readonly accounts: AccountBook;
  /** Symbol prices moved by tests. */
  readonly prices: PriceBook;
  /** Enforce symbol filters on new orders (see FakeExchangeOptions.strictFilters). */
  strictFilters: boolean;
  readonly initialStrictFilters: boolean;
  /** Requests to /__fake/notify/… (a stand-in webhook notification receiver). */
  readonly notifications: FakeNotification[];
  /** Where user data events go (the stream side sets it); a no-op without streams. */
  userEvents: UserEventSink;
  /** The simulated market (the stream side sets it; null without streams). */
  simulation: Simulation | null;
  /** Symbols announced by tests (POST /__fake/listings): in exchangeInfo as PENDING_TRADING, not traded. */
  readonly listings: Readonly<Record<Market, string[]>>;
}

export function createState(options: FakeExchangeOptions = {}): ExchangeState {
  return {
    keys: new Map(),
    skewMs: options.clockSkewMs ?? 0,
    faults: [],
    requests: [],
    orders: { um: createOrderStore("um"), cm: createOrderStore("cm") },
    algo: createAlgoStore(),
    listenKeys: createListenKeyStore(options.listenKeyValidityMs ?? DEFAULT_LISTEN_KEY_VALIDITY_MS),
    weights: createWeightState(),
    accounts: createAccountBook(),
    prices: createPriceBook(),
    strictFilters: options.strictFilters ?? false,
    initialStrictFilters: options.strictFilters ?? false,
    notifications: [],
    userEvents: () => undefined,
    simulation: null,
    listings: { um: [], cm: [] },
  };
}

/** The fake's clock: Date.now() shifted by the configured skew. */
export function serverTime(state: ExchangeState): number {
  return Date.now() + state.skewMs;
}

/** The simulated market; throws when there is none (a state without the stream side). */
export function simulationOf(state: ExchangeState): Simulation {
  if (state.simulation === null) throw new Error("the simulated market needs the stream side");
  return state.simulation;
}

/** Registers (or replaces) an API key; throws when the key material is malformed. */
export function registerKey(state: ExchangeState, key: FakeKey): void {
  state.keys.set(key.apiKey, prepareKey(key));
}

/**
 * Clears orders, algo orders, listen keys, requests, faults, skew, weight counters, accounts, moved prices and
 * notifications, and returns strictFilters to its initial value; keeps API keys. The simulated market goes
 * back to its start option: restarted from scratch with it, else off.
 */
export function resetState(state: ExchangeState): void {
  clearOrders(state.orders.um);
  clearOrders(state.orders.cm);
  state.algo.orders.length = 0;
  state.listenKeys.keys.length = 0;
  state.requests.length = 0;
  state.faults.length = 0;
  state.skewMs = 0;
  resetWeights(state.weights);
  state.accounts.clear();
  state.prices.clear();
  state.strictFilters = state.initialStrictFilters;
  state.notifications.length = 0;
  state.simulation?.reset();
  state.listings.um.length = 0;
  state.listings.cm.length = 0;
}

export interface HandlerContext {
  readonly state: ExchangeState;
  readonly market: Market;
  readonly method: string;
  readonly path: string;
  readonly params: Params;
  /** The X-MBX-APIKEY header (verified as registered for API-key and signed endpoints). */
  readonly apiKey: string | null;
  /** Server time when the request is handled. */
  readonly now: number;
}

export type Handler = (context: HandlerContext) => Reply;
