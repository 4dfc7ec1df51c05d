// What the relay knows of each client socket: its attachment (what survives hibernation), its subscriptions and
// the bounds on what it may leave unread. Shared by the client registry (relay-clients.ts) and the backlog
// watcher (client-backlog.ts), which would otherwise import each other.

export interface ClientAttachment {
  /** Names the socket's rows in the subscription store. */
  readonly id: string;
  readonly client: string;
  combined: boolean;
  relayEvents: boolean;
  /** The batch window in ms (frame-batches.ts); absent or 0: one message per frame, as Binance sends. */
  batch?: number;
  /** Per relay listen key, the user data events wanted (`events=`); a key not named gets every event. */
  events?: Readonly<Record<string, readonly string[]>>;
  /** Admitted by its relay listen keys alone (no other credential): closed when it holds none. */
  keyOnly?: boolean;
  /** The share its streams count against (stream-shares.ts); absent on sockets of an earlier version. */
  share?: string;
  /** Whom its messages count against with those of its other sockets (RelayAdmission.caller); absent likewise. */
  caller?: string;
}

/** Where each socket's subscriptions are kept, in the order they were made. */
export interface SubscriptionStore {
  load(id: string): string[];
  add(id: string, streams: readonly string[]): void;
  remove(id: string, streams: readonly string[]): void;
}

export interface RelayClient {
  readonly ws: WebSocket;
  readonly state: ClientAttachment;
  /** Subscriptions in the order they were made (LIST_SUBSCRIPTIONS answers in this order). */
  readonly streams: string[];
  readonly sentAt: number[];
}

/** Bytes one socket, and the sockets of one share together, may leave unread. */
export interface BacklogBounds {
  readonly perClient: number;
  readonly perCaller: number;
}

/** Which bound a client was handed over for. */
export type LagBound = "client" | "caller";
