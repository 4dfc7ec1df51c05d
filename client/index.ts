// The client library's public surface: a typed REST client for the gateway (or Binance), a stream client for
// the relay (Binance's futures stream protocol), typed stream names and payloads for both markets, and a local
// order book kept from diff depth. Runs in browsers, Node 22 and Workers; everything platform-bound (clock,
// timers, randomness, sockets, fetch) goes through ClientRuntime (runtime.ts).

export { canonicalDecimal, compareDecimals } from "./book/decimal.ts";
export { feedOrderBook } from "./book/feed.ts";
export {
  type DepthDiff,
  type DepthSnapshot,
  OrderBook,
  type OrderBookOptions,
  type OrderBookStatus,
  type ResyncReason,
} from "./book/order-book.ts";
// The typed REST client (rest/client.ts): one method per catalog endpoint, both markets; its types and errors,
// and FetchLike, RestRequestInit and RestRuntime from runtime.ts.
export * from "./rest/client.ts";
export {
  type ClientRuntime,
  type ClientSocket,
  defaultRuntime,
  type SocketListener,
  type StreamRuntime,
} from "./runtime.ts";
export {
  type Backoff,
  type BackoffOptions,
  backoffDelayMs,
  DEFAULT_BACKOFF,
  type Jitter,
} from "./stream/backoff.ts";
export { StreamClient } from "./stream/client.ts";
export { StreamClientError, type StreamClientErrorCode, type UpstreamError } from "./stream/errors.ts";
// Every stream payload type, as events.ts and info-events.ts declare them.
export type * from "./stream/events.ts";
export type { HeartbeatOptions } from "./stream/heartbeat.ts";
export type { Parse } from "./stream/incoming.ts";
export type * from "./stream/info-events.ts";
export {
  type CmContractType,
  type DepthOptions,
  type KlineInterval,
  type PriceSpeedOptions,
  type StreamDescriptor,
  streams,
  type UmContractType,
} from "./stream/names.ts";
export type { ConnectionStatus, GapEvent, StreamClientOptions } from "./stream/options.ts";
export type { QueuePolicy } from "./stream/request-queue.ts";
