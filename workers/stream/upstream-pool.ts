// The upstream side of the relay: which Binance connections carry which streams, and keeping them healthy.
// - Streams are grouped into slots per route (USDⓈ-M `/public` or `/market`; COIN-M has none), at most
//   maxStreamsPerUpstream per slot. Each slot has `redundancy` lanes, each lane one connection carrying all the
//   slot's streams, so a dropped or stalled connection loses nothing while its lane reconnects.
// - Every frame goes through a first-sighting filter: the first copy of an event is forwarded, later copies
//   (from the other lane, or from a renewal overlapping the connection it replaces) are dropped.
// - Lanes reconnect with jittered exponential back-off (on the object's alarm, so no timer keeps it from idling)
//   and resubscribe everything; a connection reaching
//   maxConnectionMs is renewed make-before-break (the old one closes only once the new one holds every stream).
// - The watchdog (tick) replaces a connection that leaves a LIST_SUBSCRIPTIONS probe unanswered, goes silent
//   after delivering data, or misses an event another lane delivered more than staleMs ago.
// - Clients are told when a slot has no connection left (reconnecting), when one is back (reconnected), and
//   when data stopped with no other lane to cover it (stale).

import type { Market } from "../../shared/catalog/types.ts";
import { retryDelayMs } from "../../shared/rest/retry.ts";
import { parseStreamName } from "../../shared/streams/names.ts";
import { RecentFrames } from "../../shared/streams/recent-frames.ts";
import type { RelayOptions } from "./config.ts";
import { type ConnectionHandlers, UpstreamConnection } from "./upstream-connection.ts";

export type GapNotice = "reconnecting" | "reconnected" | "stale";

export interface PoolHandlers {
  forward(stream: string, text: string): void;
  notify(notice: GapNotice, streams: readonly string[]): void;
  /** Asks for tick() to run at this time (the relay's alarm). */
  wake(at: number): void;
  log(level: "info" | "warn", msg: string, fields: Readonly<Record<string, string | number>>): void;
}

interface Lane {
  current: UpstreamConnection | null;
  next: UpstreamConnection | null;
  failures: number;
  /** When to reconnect this lane; scheduled on the object's alarm (no timers: they would keep it from idling). */
  retryAt: number | null;
}

interface Slot {
  readonly id: number;
  readonly path: string;
  readonly streams: Set<string>;
  readonly lanes: Lane[];
  emptySince: number | null;
  wasLive: boolean;
  inOutage: boolean;
}

const PROBE_TIMEOUT_MS = 10_000;
const RECONNECT_BASE_MS = 250;
const RECONNECT_MAX_MS = 30_000;

export class UpstreamPool {
  readonly #market: Market;
  readonly #options: RelayOptions;
  readonly #handlers: PoolHandlers;
  readonly #slots: Slot[] = [];
  readonly #slotOf = new Map<string, Slot>();
  readonly #recent = new RecentFrames(60_000, 4096);
  readonly #lastForwardedAt = new Map<string, number>();
  #nextSlotId = 1;
  #nextConnectionId = 1;
  readonly #connectionHandlers: ConnectionHandlers;

  constructor(market: Market, options: RelayOptions, handlers: PoolHandlers) {
    this.#market = market;
    this.#options = options;
    this.#handlers = handlers;
    this.#connectionHandlers = {
      onData: (_connection, stream, text, receivedAt) => this.#onData(stream, text, receivedAt),
      onReady: (connection) => this.#onReady(connection),
      onClosed: (connection, why) => this.#onClosed(connection, why),
    };
  }

  get streams(): string[] {
    return [...this.#slotOf.keys()];
  }

  get connections(): UpstreamConnection[] {
    return this.#slots.flatMap((slot) =>
      slot.lanes.flatMap((lane) => [lane.current, lane.next].filter((c) => c !== null)),
    );
  }

  /**
   * Re-adds streams after the object restarted. Clients were cut off meanwhile, so the new slots count as being
   * in an outage: they hear "reconnected" once a connection holds their streams again.
   */
  restore(streams: readonly string[]): void {
    for (const stream of streams) this.add(stream);
    for (const slot of this.#slots) {
      slot.wasLive = true;
      slot.inOutage = true;
    }
  }

  add(stream: string): void {
    if (this.#slotOf.has(stream)) return;
    const route = parseStreamName(this.#market, stream)?.route ?? null;
    const path = this.#market === "um" ? `/${route ?? "market"}/stream` : "/stream";
    let slot = this.#slots.find(
      (s) => s.path === path && s.streams.size < this.#options.maxStreamsPerUpstream,
    );
    if (slot === undefined) {
      slot = {
        id: this.#nextSlotId++,
        path,
        streams: new Set(),
        lanes: [],
        emptySince: null,
        wasLive: false,
        inOutage: false,
      };
      for (let i = 0; i < this.#options.redundancy; i++)
        slot.lanes.push({ current: null, next: null, failures: 0, retryAt: null });
      this.#slots.push(slot);
    }
    slot.streams.add(stream);
    slot.emptySince = null;
    this.#slotOf.set(stream, slot);
    for (const lane of slot.lanes) {
      for (const connection of [lane.current, lane.next]) connection?.add(stream);
      if (lane.current === null && lane.retryAt === null) this.#connect(slot, lane);
    }
  }

  remove(stream: string, now: number): void {
    const slot = this.#slotOf.get(stream);
    if (slot === undefined) return;
    this.#slotOf.delete(stream);
    slot.streams.delete(stream);
    this.#recent.forget(stream);
    this.#lastForwardedAt.delete(stream);
    for (const lane of slot.lanes)
      for (const connection of [lane.current, lane.next]) connection?.remove(stream);
    if (slot.streams.size === 0) slot.emptySince = now;
  }

  /** Watchdog, renewals, probes and idle closing; called about once a second while connections exist. */
  tick(now: number): void {
    for (const slot of [...this.#slots]) {
      if (slot.emptySince !== null && now - slot.emptySince >= this.#options.idleCloseMs) {
        this.#closeSlot(slot);
        continue;
      }
      for (const lane of slot.lanes) {
        if (lane.current === null && lane.retryAt !== null && lane.retryAt <= now) this.#connect(slot, lane);
        for (const connection of [lane.current, lane.next]) {
          if (connection !== null) this.#check(slot, lane, connection, now);
        }
        const current = lane.current;
        if (
          current?.state === "open" &&
          lane.next === null &&
          now - current.openedAt >= this.#options.maxConnectionMs
        ) {
          this.#handlers.log("info", "upstream renewal", {
            connection: current.id,
            ageMs: now - current.openedAt,
          });
          lane.next = this.#open(slot);
        }
      }
    }
  }

  /** The earliest pending reconnect, if any. */
  nextRetryAt(): number | null {
    const times = this.#slots.flatMap((slot) =>
      slot.lanes.flatMap((lane) => (lane.retryAt === null ? [] : [lane.retryAt])),
    );
    return times.length === 0 ? null : Math.min(...times);
  }

  closeAll(): void {
    for (const slot of [...this.#slots]) this.#closeSlot(slot);
  }

  #check(slot: Slot, lane: Lane, connection: UpstreamConnection, now: number): void {
    if (connection.state !== "open") return;
    const why = this.#staleness(connection, now);
    if (why !== null) {
      this.#replace(slot, lane, connection, why);
      return;
    }
    if (now - Math.max(connection.lastProbeAnsweredAt, connection.openedAt) >= this.#options.probeMs) {
      connection.probe(now);
    }
  }

  /** Why an open connection should be replaced, or null while it looks healthy. */
  #staleness(connection: UpstreamConnection, now: number): string | null {
    if (connection.probeSentAt !== null && now - connection.probeSentAt > PROBE_TIMEOUT_MS)
      return "probe unanswered";
    if (connection.lastAnyDataAt > 0 && now - connection.lastAnyDataAt > this.#options.silenceMs)
      return "silent";
    for (const [stream, ackedAt] of connection.subscribed) {
      const forwardedAt = this.#lastForwardedAt.get(stream);
      if (forwardedAt === undefined || forwardedAt <= ackedAt || now - forwardedAt <= this.#options.staleMs)
        continue;
      // Another lane delivered an event on this stream more than staleMs ago; this connection never did.
      if ((connection.lastDataAt.get(stream) ?? 0) < forwardedAt) return "lagging";
    }
    return null;
  }

  #replace(slot: Slot, lane: Lane, connection: UpstreamConnection, why: string): void {
    this.#handlers.log("warn", "upstream replaced", { connection: connection.id, why });
    // Covered only by another lane whose connection is itself healthy (both lanes can stall at once).
    const now = Date.now();
    const covered = slot.lanes.some(
      (other) =>
        other !== lane && other.current?.state === "open" && this.#staleness(other.current, now) === null,
    );
    if (!covered) this.#handlers.notify("stale", [...slot.streams]);
    lane.failures = 0;
    connection.close(4000, why);
  }

  #connect(slot: Slot, lane: Lane): void {
    lane.retryAt = null;
    lane.current = this.#open(slot);
  }

  #open(slot: Slot): UpstreamConnection {
    const url = `${this.#options.wsUrl[this.#market]}${slot.path}`;
    const connection = new UpstreamConnection(
      this.#nextConnectionId++,
      url,
      this.#options.upstreamMessagesPerSecond,
      this.#connectionHandlers,
    );
    for (const stream of slot.streams) connection.add(stream);
    void connection.open();
    return connection;
  }

  #onData(stream: string, text: string, receivedAt: number): void {
    if (!this.#slotOf.has(stream) || !this.#recent.firstSighting(stream, text, receivedAt)) return;
    this.#lastForwardedAt.set(stream, receivedAt);
    this.#handlers.forward(stream, text);
  }

  #onReady(connection: UpstreamConnection): void {
    for (const slot of this.#slots) {
      for (const lane of slot.lanes) {
        if (lane.next === connection) {
          const old = lane.current;
          lane.current = connection;
          lane.next = null;
          old?.close(1000, "renewed");
        }
        if (lane.current === connection) lane.failures = 0;
      }
      this.#updateHealth(slot);
    }
  }

  #onClosed(connection: UpstreamConnection, why: string): void {
    for (const slot of this.#slots) {
      for (const lane of slot.lanes) {
        if (lane.next === connection) lane.next = null;
        if (lane.current !== connection) continue;
        this.#handlers.log("warn", "upstream closed", {
          connection: connection.id,
          why,
          failures: lane.failures,
        });
        lane.current = lane.next;
        lane.next = null;
        if (lane.current === null && slot.streams.size > 0) {
          const delay = Math.min(
            retryDelayMs(lane.failures, RECONNECT_BASE_MS, Math.random()),
            RECONNECT_MAX_MS,
          );
          lane.failures++;
          lane.retryAt = Date.now() + delay;
          this.#handlers.wake(lane.retryAt);
        }
      }
      this.#updateHealth(slot);
    }
  }

  #updateHealth(slot: Slot): void {
    const live = slot.lanes.some((lane) => lane.current?.ready === true);
    const open = slot.lanes.some((lane) => lane.current?.state === "open");
    if (live) slot.wasLive = true;
    if (slot.wasLive && !open && !slot.inOutage && slot.streams.size > 0) {
      slot.inOutage = true;
      this.#handlers.notify("reconnecting", [...slot.streams]);
    } else if (slot.inOutage && live) {
      slot.inOutage = false;
      this.#handlers.notify("reconnected", [...slot.streams]);
    }
  }

  #closeSlot(slot: Slot): void {
    for (const lane of slot.lanes) {
      lane.retryAt = null;
      const connections = [lane.current, lane.next];
      lane.current = null;
      lane.next = null;
      for (const connection of connections) connection?.close(1000, "idle");
    }
    for (const stream of slot.streams) this.#slotOf.delete(stream);
    this.#slots.splice(this.#slots.indexOf(slot), 1);
  }
}
