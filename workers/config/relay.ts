// The relay's and the user stream object's settings, read from the environment. Defaults follow Binance's own limits (1024 streams and 10
// incoming messages per second per connection, a 24-hour connection life) with margins.

import type { Market } from "../../shared/catalog/types.ts";
import { err, ok, type Result } from "../../shared/result.ts";
import type { GatewayEnv } from "../env.ts";
import { cachedOn, type VarName } from "./cache.ts";
import { placementOf } from "./parts.ts";
import { integerReader } from "./read.ts";

export interface RelayOptions {
  readonly wsUrl: Readonly<Record<Market, string>>;
  /** Upstream connections are renewed (make-before-break) at this age; Binance cuts them at 24 h. */
  readonly maxConnectionMs: number;
  /** Upstream connections carrying each set of streams: 2 keeps a hot standby, so one drop loses nothing. */
  readonly redundancy: number;
  readonly maxStreamsPerUpstream: number;
  readonly upstreamMessagesPerSecond: number;
  /** A connection that misses an event another connection delivered this long ago is replaced. */
  readonly staleMs: number;
  /** A connection that delivered data before and then nothing for this long is replaced. */
  readonly silenceMs: number;
  readonly probeMs: number;
  readonly idleCloseMs: number;
  readonly maxClients: number;
  /** Sockets one credential (or, on a public relay, one IP address) may hold open at once. */
  readonly maxClientsPerCaller: number;
  /** Sockets all anonymous clients of a public relay may hold together (addresses are cheap to come by). */
  readonly maxPublicClients: number;
  readonly maxStreamsPerClient: number;
  /** Distinct streams the relay holds upstream for one market, whoever asked for them. */
  readonly maxUpstreamStreams: number;
  /** Distinct streams the sockets of one credential may hold together: a hog meets this, not the relay's cap. */
  readonly maxStreamsPerCaller: number;
  /** The same for every anonymous client of a public relay together (addresses are cheap to come by). */
  readonly maxPublicStreams: number;
  /** Bytes a client may leave unread (the socket's send buffer) before it is closed as too slow. */
  readonly maxClientBacklogBytes: number;
  /**
   * The same for all the sockets of one credential (of every anonymous client together), counting sockets
   * closed as too slow until they are gone: what was queued for them stays in the relay's memory until then.
   */
  readonly maxCallerBacklogBytes: number;
  /** Age at which the market's listing (exchangeInfo) is read again. */
  readonly symbolsRefreshMs: number;
  readonly maxClientMessagesPerSecond: number;
  /** The same for all the sockets of one credential (of one address for anonymous clients) together. */
  readonly maxCallerMessagesPerSecond: number;
  readonly maxMessageBytes: number;
  /** Alarm interval that brings an evicted relay back and rebuilds its upstream. */
  readonly heartbeatMs: number;
}

/** The relay's options, read afresh (relayOptionsOf caches them). */
export function readRelayOptions(env: GatewayEnv): Result<RelayOptions, string> {
  const wsUrl = { um: env.BINANCE_UM_WS_URL ?? "", cm: env.BINANCE_CM_WS_URL ?? "" };
  for (const [market, url] of Object.entries(wsUrl)) {
    if (!/^wss?:\/\/[^/?#]+(\/[^?#]*)?$/.test(url)) {
      return err(
        `BINANCE_${market.toUpperCase()}_WS_URL must be a ws:// or wss:// URL such as wss://fstream.binance.com`,
      );
    }
  }
  const { read, failure } = integerReader();
  const int = (name: VarName, fallback: number, min: number, max: number) =>
    read(name, env[name], { fallback, min, max });
  const options: RelayOptions = {
    wsUrl,
    maxConnectionMs: int("RELAY_MAX_CONNECTION_MS", 84_600_000, 1000, 86_400_000),
    redundancy: int("RELAY_UPSTREAM_REDUNDANCY", 2, 1, 3),
    maxStreamsPerUpstream: int("RELAY_MAX_STREAMS_PER_UPSTREAM", 1024, 1, 1024),
    // Binance's limit is 10 incoming messages per second, and its pongs count: 8 leaves them room.
    upstreamMessagesPerSecond: int("RELAY_UPSTREAM_MESSAGES_PER_SECOND", 5, 1, 8),
    // A lag is measured against the 60 s of forwarded frames the relay remembers, so it must stay well inside.
    staleMs: int("RELAY_STALE_MS", 10_000, 500, 20_000),
    silenceMs: int("RELAY_SILENCE_MS", 60_000, 1000, 3_600_000),
    probeMs: int("RELAY_PROBE_MS", 30_000, 1000, 600_000),
    idleCloseMs: int("RELAY_IDLE_CLOSE_MS", 60_000, 0, 3_600_000),
    maxClients: int("RELAY_MAX_CLIENTS", 10_000, 1, 32_000),
    maxClientsPerCaller: int("RELAY_MAX_CLIENTS_PER_CALLER", 1000, 1, 32_000),
    maxPublicClients: int("RELAY_MAX_PUBLIC_CLIENTS", 5000, 1, 32_000),
    maxStreamsPerClient: int("RELAY_MAX_STREAMS_PER_CLIENT", 1024, 1, 1024),
    maxUpstreamStreams: int("RELAY_MAX_UPSTREAM_STREAMS", 4096, 1, 65_536),
    maxStreamsPerCaller: int("RELAY_MAX_STREAMS_PER_CALLER", 1024, 1, 65_536),
    maxPublicStreams: int("RELAY_MAX_PUBLIC_STREAMS", 256, 1, 65_536),
    maxClientBacklogBytes: int("RELAY_MAX_CLIENT_BACKLOG_BYTES", 4_194_304, 65_536, 134_217_728),
    maxCallerBacklogBytes: int("RELAY_MAX_CALLER_BACKLOG_BYTES", 8_388_608, 65_536, 1_073_741_824),
    symbolsRefreshMs: int("RELAY_SYMBOLS_REFRESH_MS", 600_000, 1000, 86_400_000),
    maxClientMessagesPerSecond: int("RELAY_MAX_CLIENT_MESSAGES_PER_SECOND", 10, 1, 1000),
    maxCallerMessagesPerSecond: int("RELAY_MAX_CALLER_MESSAGES_PER_SECOND", 100, 1, 100_000),
    maxMessageBytes: int("RELAY_MAX_MESSAGE_BYTES", 65_536, 256, 1_048_576),
    heartbeatMs: int("RELAY_HEARTBEAT_MS", 30_000, 500, 300_000),
  };
  const failed = failure();
  return failed === null ? ok(options) : err(failed);
}

/** The relay's options, read once per change of the vars (the env holds every var, so it is the key). */
export function relayOptionsOf(env: GatewayEnv): Result<RelayOptions, string> {
  if (relayCache?.env !== env) relayCache = { env, options: readRelayOptions(env) };
  return relayCache.options;
}

let relayCache: { readonly env: GatewayEnv; readonly options: Result<RelayOptions, string> } | null = null;

/** The relay options, or null when the vars are wrong (the relay logs that itself). */
export function relayOptionsOrNull(env: GatewayEnv): RelayOptions | null {
  const options = relayOptionsOf(env);
  return options.ok ? options.value : null;
}

export interface UserStreamOptions {
  /** How often Binance's listen key is kept alive (it lapses 60 minutes after the last keepalive). */
  readonly keepaliveMs: number;
  /** A relay key lapses this long after it was created or last kept alive, like Binance's. */
  readonly relayKeyValidityMs: number;
  /** The egress object's location hint (BINANCE_LOCATION_HINT), or null. */
  readonly locationHint: DurableObjectLocationHint | null;
}

export const userStreamOptionsOf = cachedOn(
  ["LISTEN_KEY_KEEPALIVE_MS", "RELAY_LISTEN_KEY_VALIDITY_MS", "BINANCE_LOCATION_HINT"],
  (env): Result<UserStreamOptions, string> => {
    const { read, failure } = integerReader();
    const options: UserStreamOptions = {
      // At most 55 minutes: Binance's key lapses after 60.
      keepaliveMs: read("LISTEN_KEY_KEEPALIVE_MS", env.LISTEN_KEY_KEEPALIVE_MS, {
        fallback: 1_800_000,
        min: 1000,
        max: 3_300_000,
      }),
      relayKeyValidityMs: read("RELAY_LISTEN_KEY_VALIDITY_MS", env.RELAY_LISTEN_KEY_VALIDITY_MS, {
        fallback: 3_600_000,
        min: 1000,
        max: 86_400_000,
      }),
      locationHint: placementOf(env).locationHint,
    };
    const failed = failure();
    return failed === null ? ok(options) : err(failed);
  },
);
