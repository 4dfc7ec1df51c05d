// What the upstream lane machine (upstream-lanes.ts) is given and what it asks for: its options, the ports it
// is built with (a connection factory, the merged frames' sink, the jitter), and the actions the Durable
// Object's pool carries out.

import type { LogFields } from "../log-fields.ts";
import type { Link } from "./upstream-slots.ts";

export type GapNotice = "reconnecting" | "reconnected" | "stale";

export type LaneAction<C extends Link> =
  /** Start connecting a connection made by `create`. */
  | { readonly kind: "open"; readonly link: C }
  | { readonly kind: "add"; readonly link: C; readonly stream: string }
  | { readonly kind: "remove"; readonly link: C; readonly stream: string }
  | { readonly kind: "probe"; readonly link: C; readonly at: number }
  | { readonly kind: "close"; readonly link: C; readonly code: number; readonly reason: string }
  | { readonly kind: "notify"; readonly notice: GapNotice; readonly streams: readonly string[] }
  /** Binance refused the stream: it has been dropped upstream, and its clients must be told and unsubscribed. */
  | { readonly kind: "refused"; readonly stream: string; readonly reason: string }
  /** Run tick() at this time (the relay's alarm). */
  | { readonly kind: "wake"; readonly at: number }
  /** The reconnect back-off changed (persisted, so a restart during an outage does not reset it). */
  | { readonly kind: "backoff"; readonly failures: number }
  | {
      readonly kind: "log";
      readonly level: "info" | "warn";
      readonly msg: string;
      readonly fields: LogFields;
    };

export interface LanesOptions {
  readonly redundancy: number;
  readonly maxStreamsPerUpstream: number;
  readonly maxConnectionMs: number;
  readonly idleCloseMs: number;
  readonly probeMs: number;
  readonly staleMs: number;
  readonly silenceMs: number;
  /** Which stream server path carries a stream. */
  readonly pathOf: (stream: string) => string;
  /** Whether a set that stops entirely is replaced after staleMs (see upstream-health.ts). */
  readonly noticeStalls: boolean;
}

export interface LanesPorts<C extends Link> {
  /** A new connection for these streams, not yet opened (an "open" action follows). */
  create(path: string, streams: ReadonlySet<string>, now: number): C;
  /** A merged frame for the relay's clients (the hot path: not an action). */
  forward(stream: string, text: string): void;
  /** Jitter for the back-off, in [0, 1). */
  random(): number;
}
