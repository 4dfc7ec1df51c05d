// Where a market relay's subscriptions are served from: market streams by the upstream pool (the Binance
// WebSocket connections), relay listen keys by user feeds (sockets to the account's user stream object). A stream that gains its first
// subscriber is added and one that loses its last is removed; the stream set, which streams clients were told
// are interrupted, and the reconnect back-off are persisted, so a restart rebuilds the same upstream. While
// anything is carried the relay's alarm beats every heartbeatMs, driving the pool's watchdog and the feeds'
// reconnects.

import type { Market } from "../../shared/catalog/types.ts";
import type { LogFields } from "../../shared/log-fields.ts";
import { splitKeys } from "../../shared/streams/stream-check.ts";
import type { RelayOptions } from "../config/index.ts";
import type { GatewayEnv } from "../env.ts";
import type { RelayStorage } from "./relay-storage.ts";
import { UpstreamPool } from "./upstream-pool.ts";
import { UserFeeds } from "./user-feeds.ts";

export interface SourceEvents {
  /** A frame for the clients of a stream or relay key. */
  forward(stream: string, text: string): void;
  notify(notice: string, streams: readonly string[], now: number): void;
  /** Binance refused a stream (given up upstream already). */
  refused(stream: string, reason: string): void;
  /** A relay key lapsed or was revoked. */
  keyEnded(key: string): void;
  wake(at: number): void;
  log(level: "info" | "warn", msg: string, fields: LogFields): void;
}

export class RelaySources {
  readonly #storage: RelayStorage;
  readonly #options: RelayOptions;
  readonly #events: SourceEvents;
  readonly #pool: UpstreamPool;
  readonly #feeds: UserFeeds;

  constructor(
    env: GatewayEnv,
    market: Market,
    options: RelayOptions,
    storage: RelayStorage,
    events: SourceEvents,
  ) {
    this.#storage = storage;
    this.#options = options;
    this.#events = events;
    this.#pool = new UpstreamPool(market, options, {
      forward: (stream, text) => events.forward(stream, text),
      notify: (notice, streams) => {
        if (notice !== "stale") storage.setLost(streams, notice === "reconnecting");
        events.notify(notice, streams, Date.now());
      },
      refused: (stream, reason) => {
        storage.removeStreams([stream]);
        events.refused(stream, reason);
      },
      log: (level, msg, fields) => events.log(level, msg, fields),
      wake: (at) => events.wake(at),
      backoff: (failures) => storage.setFailures(failures),
    });
    this.#feeds = new UserFeeds(env, market, {
      forward: (key, frame) => events.forward(key, frame),
      notify: (notice, key) => events.notify(notice, [key], Date.now()),
      ended: (key) => events.keyEnded(key),
      wake: (at) => events.wake(at),
    });
  }

  /**
   * After a restart: reopens the feeds and the upstream streams for what the clients hold (`held`), and forgets the
   * rest. Clients already told about an outage that was on when the object stopped are not told again.
   */
  restore(held: readonly string[], clients: number, now: number): void {
    const [keys, wanted] = splitKeys(held);
    for (const key of keys) void this.#feeds.open(key, true);
    if (keys.length > 0) this.#heartbeat();
    const wantedSet = new Set(wanted);
    this.#storage.removeStreams(this.#storage.streams().filter((stream) => !wantedSet.has(stream)));
    if (wanted.length === 0) return;
    const told = this.#storage.lostStreams();
    const untold = wanted.filter((stream) => !told.has(stream));
    const failures = this.#storage.failures();
    this.#events.log("warn", "relay restored", { clients, streams: wanted.length, failures });
    this.#events.notify("reconnecting", untold, now);
    this.#storage.setLost(untold, true);
    this.#pool.restore(wanted, failures, now);
    this.#heartbeat();
  }

  /** Streams and keys that just got their first subscriber. */
  subscribe(added: readonly string[]): void {
    const [keys, streams] = splitKeys(added);
    for (const key of keys) void this.#feeds.open(key);
    if (streams.length === 0) return;
    this.#storage.addStreams(streams);
    for (const stream of streams) this.#pool.add(stream);
    this.#heartbeat();
  }

  /** Streams and keys that just lost their last subscriber. */
  unsubscribe(gone: readonly string[]): void {
    const [keys, streams] = splitKeys(gone);
    for (const key of keys) this.#feeds.close(key);
    if (streams.length === 0) return;
    this.#storage.removeStreams(streams);
    const now = Date.now();
    for (const stream of streams) this.#pool.remove(stream, now);
  }

  /** Opens the feeds of relay keys (or finds them open); false, and no more tried, once one is not alive. */
  async openFeeds(keys: readonly string[]): Promise<boolean> {
    for (const key of keys) if (!(await this.#feeds.open(key))) return false;
    return true;
  }

  /** Closes a feed opened for a SUBSCRIBE that then failed (no client holds the key). */
  closeFeed(key: string): void {
    this.#feeds.close(key);
  }

  /** Why these market streams cannot be added upstream (the relay-wide cap), or null. */
  roomFor(streams: readonly string[]): string | null {
    // Asked on every SUBSCRIBE: it costs the request's streams, not the relay's.
    const added = streams.filter((stream) => !this.#pool.has(stream)).length;
    if (this.#pool.size + added <= this.#options.maxUpstreamStreams) return null;
    return `too many streams on this relay: it carries at most ${this.#options.maxUpstreamStreams} distinct streams`;
  }

  /** The alarm: watchdog, renewals and reconnects; the next beat while anything is carried. */
  tick(now: number): void {
    this.#pool.tick(now);
    this.#feeds.tick(now);
    const active =
      this.#pool.streams.length > 0 || this.#pool.connections.length > 0 || this.#feeds.keys.length > 0;
    const next = Math.min(
      active ? now + this.#options.heartbeatMs : Number.POSITIVE_INFINITY,
      this.#pool.nextRetryAt() ?? Number.POSITIVE_INFINITY,
      this.#feeds.nextRetryAt() ?? Number.POSITIVE_INFINITY,
    );
    if (Number.isFinite(next)) this.#events.wake(next);
  }

  #heartbeat(): void {
    this.#events.wake(Date.now() + this.#options.heartbeatMs);
  }
}
