// The stream client's configuration and the shapes it reports, apart from the client so that consumers
// (an order book, a UI) can depend on them without the implementation.

import type { StreamRuntime } from "../runtime.ts";
import type { BackoffOptions } from "./backoff.ts";
import type { HeartbeatOptions } from "./heartbeat.ts";
import type { Parse } from "./incoming.ts";
import type { QueuePolicy } from "./request-queue.ts";

export type ConnectionStatus = "connecting" | "open" | "reconnecting" | "closed";

export interface GapEvent {
  /** start: data stopped; end: it flows again; stale: events were probably missed (relay notice). */
  readonly phase: "start" | "end" | "stale";
  /** socket: this client's connection; relay: the relay's upstream connection to Binance. */
  readonly source: "socket" | "relay";
  readonly streams: readonly string[];
  /** ms: the client's clock for socket gaps, the relay's for its notices. */
  readonly time: number;
}

export interface StreamClientOptions {
  /** The relay's combined-mode URL, e.g. `wss://host/stream` or `wss://host/cm/stream`. */
  readonly url: string;
  /** A stream token or client key, offered as the WebSocket subprotocol (browsers cannot set headers). */
  readonly credential?: string;
  /** Ask the relay for its reconnecting/reconnected/stale notices (`?relayEvents=1`). */
  readonly relayEvents?: boolean;
  /**
   * Ask the relay for batched frames (`?batch=<ms>`, 1 to 100): messages held up to this long and sent several
   * per frame, unpacked here. Default off: the relay's framing is then Binance's, one message per frame.
   */
  readonly batchMs?: number;
  /** Clock, timers, randomness and sockets; default: defaultRuntime(). Any ClientRuntime fits. */
  readonly runtime?: StreamRuntime;
  readonly backoff?: BackoffOptions;
  readonly heartbeat?: HeartbeatOptions;
  /** Most streams per SUBSCRIBE or UNSUBSCRIBE (default 100). */
  readonly batchSize?: number;
  /** Most messages sent per second, pings included (default 10, Binance's limit). */
  readonly maxMessagesPerSecond?: number;
  /** Requests waiting while disconnected (default 64, "drop-oldest"; see request-queue.ts). */
  readonly queue?: { readonly limit?: number; readonly policy?: QueuePolicy };
  /** Default JSON.parse; pass a big-integer-safe parser to keep ids above 2^53 exact. */
  readonly parse?: Parse;
}
