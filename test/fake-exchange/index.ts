// Public API of the fake Binance Futures exchange (HTTP side, and market streams over WebSocket).

import type { Server } from "node:http";
import { readAccount, writeAccount, writePrice } from "./accounts/account-control.ts";
import { isListenKeyActive } from "./accounts/listen-keys.ts";
import { enqueueFault } from "./rest/faults.ts";
import { startServer } from "./server.ts";
import { createState, registerKey, resetState, serverTime, simulationOf } from "./state.ts";
import type {
  FakeAccountSettings,
  FakeAccountSnapshot,
  FakeAlgoOrder,
  FakeExchangeOptions,
  FakeKey,
  FakeListenKey,
  FakeNotification,
  FakeOrder,
  Fault,
  Market,
  RecordedRequest,
  SimulationOptions,
  SimulationStatus,
} from "./types.ts";
import type { FakeStreams } from "./ws/types.ts";

export { FIRST_ALGO_ID } from "./accounts/algo-orders.ts";
export { FIRST_ORDER_ID } from "./accounts/orders.ts";
export type {
  AlgoStatus,
  FakeAccountSettings,
  FakeAccountSnapshot,
  FakeAlgoOrder,
  FakeExchangeOptions,
  FakeKey,
  FakeListenKey,
  FakeNotification,
  FakeOrder,
  Fault,
  FaultMatch,
  Market,
  OrderStatus,
  RecordedRequest,
  SimulationOptions,
  SimulationStatus,
} from "./types.ts";
export { sequenceOf } from "./ws/payloads.ts";
export { fakeRouteOf } from "./ws/routes.ts";
export { DEFAULT_STREAM_OPTIONS, FIRST_SEQUENCE } from "./ws/server.ts";
export type {
  FakeStreams,
  IncomingFrame,
  PongRecord,
  StreamConnectionInfo,
  StreamFilter,
  StreamOptions,
  StreamRoute,
} from "./ws/types.ts";

export interface FakeExchange {
  /** "http://127.0.0.1:<port>" */
  readonly url: string;
  /** "ws://127.0.0.1:<port>": USDⓈ-M streams at /public, /market, /ws, /stream; COIN-M under /dstream. */
  readonly wsUrl: string;
  /** Market streams: numbered events, route rules, limits, pings and fault injection. */
  readonly streams: FakeStreams;
  /** The underlying server, e.g. to attach a WebSocketServer({ noServer: true }) to its "upgrade" event. */
  readonly httpServer: Server;
  /** API keys Binance would know (replaces a key with the same apiKey). */
  registerKey(key: FakeKey): void;
  /** Server time = Date.now() + skew. */
  setClockSkewMs(ms: number): void;
  serverTime(): number;
  /** Queued; each applies to matching requests `times` times (default 1). */
  injectFault(fault: Fault): void;
  clearFaults(): void;
  /** Every non-control request received, in order. */
  readonly requests: readonly RecordedRequest[];
  orders(market: Market): readonly FakeOrder[];
  algoOrders(): readonly FakeAlgoOrder[];
  listenKeys(market: Market): readonly FakeListenKey[];
  isListenKeyActive(listenKey: string): boolean;
  /** An account's mode, leverage, margin types, balances and open positions (created on first use). */
  account(apiKey: string, market: Market): FakeAccountSnapshot;
  /** Sets account state directly; members left out stay as they are. */
  setAccount(settings: FakeAccountSettings): FakeAccountSnapshot;
  /** Moves a symbol's price (MARKET fills, mark price, tickers); reset() restores the fixed prices. */
  setPrice(market: Market, symbol: string, price: string): void;
  /**
   * Starts (or restarts) the simulated market: streams of the simulated symbols carry its trades, book, candles,
   * tickers and mark prices without publish calls, and REST depth, klines, ticker/24hr, ticker/price,
   * premiumIndex and MARKET fills follow it (see simulation.ts). Throws for an unknown symbol or bad options.
   */
  simulate(options?: SimulationOptions): SimulationStatus;
  /** Stops the simulated market; prices go back to what they were before it started. */
  stopSimulation(): void;
  simulationStatus(): SimulationStatus;
  /** Turns the symbol-filter checks on new orders on or off (see FakeExchangeOptions.strictFilters). */
  setStrictFilters(on: boolean): void;
  /** Requests received on POST /__fake/notify/…, in order. */
  readonly notifications: readonly FakeNotification[];
  /**
   * Clears orders, algo orders, listen keys, requests, faults, skew, weight counters, accounts, moved prices
   * and notifications, and restores the initial strictFilters (keeps keys); ends every stream connection and
   * ticker and restores the initial stream options (sequence numbers go on). The simulated market is turned
   * off, unless it was a start option: then it restarts from scratch with those options (its ids go on).
   */
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeExchange(
  options: FakeExchangeOptions & { port?: number } = {},
): Promise<FakeExchange> {
  const state = createState(options);
  const running = await startServer(state, {
    port: options.port ?? 0,
    streams: options.streams,
    simulate: options.simulate,
  });
  return {
    url: running.url,
    wsUrl: running.wsUrl,
    streams: running.streams,
    httpServer: running.server,
    registerKey: (key) => registerKey(state, key),
    setClockSkewMs: (ms) => {
      state.skewMs = ms;
    },
    serverTime: () => serverTime(state),
    injectFault: (fault) => enqueueFault(state.faults, fault),
    clearFaults: () => {
      state.faults.length = 0;
    },
    get requests() {
      return state.requests;
    },
    orders: (market) => state.orders[market].orders,
    algoOrders: () => state.algo.orders,
    listenKeys: (market) => state.listenKeys.keys.filter((key) => key.market === market),
    isListenKeyActive: (listenKey) => isListenKeyActive(state.listenKeys, listenKey, serverTime(state)),
    account: (apiKey, market) => readAccount(state, new URLSearchParams({ apiKey, market }).toString()),
    setAccount: (settings) => writeAccount(state, settings),
    setPrice: (market, symbol, price) => {
      writePrice(state, { market, symbol, price });
    },
    simulate: (simulateOptions) => simulationOf(state).start(simulateOptions),
    stopSimulation: () => simulationOf(state).stop(),
    simulationStatus: () => simulationOf(state).status(),
    setStrictFilters: (on) => {
      state.strictFilters = on;
    },
    get notifications() {
      return state.notifications;
    },
    reset: () => {
      resetState(state);
      running.streams.reset();
    },
    close: () => running.close(),
  };
}
