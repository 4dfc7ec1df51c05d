// The fake exchange's HTTP control API, for tests that run inside workerd (and work from Node too).

import type {
  FakeAccountSnapshot as FakeAccount,
  FakeAccountSettings,
  FakeNotification as RecordedNotification,
  SimulationStatus,
} from "../fake-exchange/types.ts";

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly rawQuery: string;
  readonly rawBody: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly apiKey: string | null;
  readonly signed: boolean;
  readonly status: number;
}

export interface StreamFilter {
  readonly route?: "public" | "market" | "private" | "unrouted" | "dstream";
  readonly connectionId?: number;
  readonly stream?: string;
}

export interface StreamConnection {
  readonly id: number;
  readonly market: string;
  readonly route: string;
  readonly path: string;
  readonly openedAt: number;
  readonly closedAt: number | null;
  readonly closeCode: number | null;
  readonly subscriptions: string[];
  readonly combined: boolean;
  readonly incoming: { at: number; text: string }[];
  readonly pongs: { payload: string; matched: boolean; at: number }[];
  readonly violations: string[];
}

// The account and notification shapes are the fake's own (a type-only import: nothing of the server loads).
export type { FakeAccount, FakeAccountSettings, RecordedNotification, SimulationStatus };

/** The body of POST /__fake/sim: {"on": true, ...options} (re)starts the simulated market, {"on": false} stops it. */
export interface SimulationSettings {
  on: boolean;
  /** Default BTCUSDT, ETHUSDT and BTCUSD_PERP. */
  symbols?: string[];
  /** Aggressive orders per second and symbol (default 8, at most 100). */
  tradesPerSecond?: number;
  /** Default 1. */
  seed?: number;
}

export function fakeControl(baseUrl: string) {
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${baseUrl}/__fake/${path}`, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`fake exchange control ${method} ${path}: ${response.status}`);
    const text = await response.text();
    return text === "" ? null : JSON.parse(text);
  };
  return {
    reset: () => call("POST", "reset"),
    setClockSkew: (skewMs: number) => call("POST", "clock", { skewMs }),
    injectFault: (fault: Record<string, unknown>) => call("POST", "faults", fault),
    clearFaults: () => call("DELETE", "faults"),
    requests: async () => (await call("GET", "requests")) as RecordedRequest[],
    listenKeys: async (market: "um" | "cm") =>
      (await call("GET", `listen-keys?market=${market}`)) as {
        market: string;
        apiKey: string;
        listenKey: string;
        expiresAt: number;
      }[],
    /** Ends a listen key now, as its 60 minutes running out would (its streams get listenKeyExpired). */
    expireListenKey: async (listenKey: string) =>
      ((await call("POST", "listen-keys/expire", { listenKey })) as { ended: boolean }).ended,
    /** Drops a listen key without any event: the next keepalive gets -1125. */
    forgetListenKey: async (listenKey: string) =>
      ((await call("POST", "listen-keys/forget", { listenKey })) as { ended: boolean }).ended,
    /** Sends a user data event to every active listen key of the API key. */
    userEvent: (market: "um" | "cm", apiKey: string, payload: string) =>
      call("POST", "user-events", { market, apiKey, payload }),
    orders: async (market: "um" | "cm") =>
      (await call("GET", `orders?market=${market}`)) as Record<string, unknown>[],
    /**
     * Sets this minute's used request weight (X-MBX-USED-WEIGHT-1M, as if other tools on the IP spent it) and/or
     * the limit past which the fake answers 429 -1003 as Binance does (null: none, the default; reset clears both).
     */
    setWeight: async (settings: { used?: number; limit?: number | null }) =>
      (await call("POST", "weight", settings)) as { used: number; limit: number | null },
    /** Enforces symbol filters (tick, step, min/max, PERCENT_PRICE, MIN_NOTIONAL) on new orders; reset turns it off. */
    setStrict: (on: boolean) => call("POST", "strict", { on }),
    /** Sets an account's state directly (position mode, balances, leverage, margin types, positions). */
    setAccount: async (settings: FakeAccountSettings) =>
      (await call("POST", "accounts", settings)) as FakeAccount,
    account: async (apiKey: string, market: "um" | "cm") =>
      (await call("GET", `accounts?${new URLSearchParams({ apiKey, market }).toString()}`)) as FakeAccount,
    /** Moves a symbol's price (MARKET fills, mark price, tickers); reset restores it. */
    setPrice: (market: "um" | "cm", symbol: string, price: string) =>
      call("POST", "prices", { market, symbol, price }),
    /**
     * Turns the simulated market on (restarting it with these settings) or off. While on, the simulated symbols'
     * streams carry live data without publish calls and REST depth, klines, tickers and MARKET fills follow it;
     * reset turns it off unless the fake was started with it.
     */
    simulate: async (settings: SimulationSettings) =>
      (await call("POST", "sim", settings)) as SimulationStatus,
    simulation: async () => (await call("GET", "sim")) as SimulationStatus,
    /** Announces a new symbol: exchangeInfo lists it as PENDING_TRADING (no orders) until reset. */
    list: (market: "um" | "cm", symbol: string) => call("POST", "listings", { market, symbol }),
    /** What was posted to `${baseUrl}/__fake/notify/<anything>`, in order. */
    notifications: async () => (await call("GET", "notify")) as RecordedNotification[],
    streams: {
      /** Publishes `count` events on `stream`; returns their sequence numbers (as strings). */
      publish: async (stream: string, count = 1) =>
        ((await call("POST", "streams/publish", { stream, count })) as { sequences: string[] }).sequences,
      drop: async (filter: StreamFilter = {}) =>
        ((await call("POST", "streams/drop", { filter })) as { affected: number }).affected,
      stall: async (filter: StreamFilter, on: boolean) =>
        ((await call("POST", "streams/stall", { filter, on })) as { affected: number }).affected,
      delay: async (filter: StreamFilter, ms: number) =>
        ((await call("POST", "streams/delay", { filter, ms })) as { affected: number }).affected,
      close: async (filter: StreamFilter, code = 1000, reason = "") =>
        ((await call("POST", "streams/close", { filter, code, reason })) as { affected: number }).affected,
      options: (options: Record<string, number | string[]>) => call("POST", "streams/options", options),
      connections: async () => (await call("GET", "streams/connections")) as StreamConnection[],
      startTicker: (streams: string[], perSecond: number) =>
        call("POST", "streams/ticker", { streams, perSecond }),
      stopTickers: () => call("DELETE", "streams/ticker"),
    },
    /** The fake's order list as raw JSON text: order ids above 2^53 stay exact. */
    ordersText: async (market: "um" | "cm") =>
      (await fetch(`${baseUrl}/__fake/orders?market=${market}`)).text(),
  };
}
