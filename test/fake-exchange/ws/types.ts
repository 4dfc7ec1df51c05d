// Public types of the fake exchange's WebSocket market-stream side.

import type { Market } from "../types.ts";

/**
 * "public"/"market"/"private": USDⓈ-M routed paths (private: user data by listen key); "unrouted": legacy /ws
 * and /stream; "dstream": COIN-M (market streams and listen keys).
 */
export type StreamRoute = "public" | "market" | "private" | "unrouted" | "dstream";

/** Selects connections; every given member must match. `stream` = connections subscribed to it. */
export interface StreamFilter {
  route?: StreamRoute;
  connectionId?: number;
  stream?: string;
}

export interface StreamOptions {
  /** Server ping period (Binance: 3 minutes). */
  pingIntervalMs: number;
  /** A ping not answered by a matching pong within this closes the connection (Binance: 10 minutes). */
  pongTimeoutMs: number;
  /** Connections are closed when they reach this age (Binance: 24 hours). */
  maxConnectionMs: number;
  /** More incoming text frames than this within any 1-second window closes the connection (Binance: 10). */
  maxIncomingPerSecond: number;
  /** Most streams one connection may hold (Binance: 1024). */
  maxStreamsPerConnection: number;
  /** 1: new connections are refused with 503 (an outage); 0: accepted. */
  refuseUpgrades: number;
  /** A SUBSCRIBE naming any of these is answered with an error (a stream the exchange does not serve). */
  refusedStreams: readonly string[];
}

export interface IncomingFrame {
  at: number;
  text: string;
}

export interface PongRecord {
  payload: string;
  /** Whether the payload equals that of a ping the fake sent and that was still unanswered. */
  matched: boolean;
  at: number;
}

export interface StreamConnectionInfo {
  id: number;
  market: Market;
  route: StreamRoute;
  /** The request target of the upgrade, query included. */
  path: string;
  openedAt: number;
  closedAt: number | null;
  /** The code of the close frame the fake sent, else the peer's; 1006 when ended without a close frame. */
  closeCode: number | null;
  subscriptions: string[];
  combined: boolean;
  stalled: boolean;
  incoming: IncomingFrame[];
  pongs: PongRecord[];
  violations: string[];
}

export interface FakeStreams {
  /** Emits the next `count` events of `stream` to every open, non-stalled connection that may receive it. */
  publish(stream: string, count?: number): bigint[];
  /** The last sequence number published on `stream`, or null if none was. */
  lastSequence(stream: string): bigint | null;
  /** Publishes on every stream at `perSecond` events per second until the returned function is called. */
  startTicker(streams: readonly string[], perSecond: number): () => void;
  /** Ends matching open connections abruptly (no close frame); returns how many. */
  drop(filter?: StreamFilter): number;
  /** While on, matching connections get no events (pings and control replies go on); returns how many. */
  stall(filter: StreamFilter, on: boolean): number;
  /** Sends a user data event to the connections subscribed to the listen key; returns how many. */
  deliverUser(listenKey: string, payload: string): number;
  /** Matching connections get every later event `ms` late, in order (0: on time again); returns how many. */
  delay(filter: StreamFilter, ms: number): number;
  /** Sends a close frame to matching open connections; returns how many. */
  close(filter: StreamFilter, code?: number, reason?: string): number;
  /** Every connection opened since the last reset, oldest first (snapshots). */
  connections(): StreamConnectionInfo[];
  setOptions(options: Partial<StreamOptions>): void;
  readonly options: Readonly<StreamOptions>;
}
