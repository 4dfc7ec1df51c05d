// The upstream side of the relay: which Binance connections carry which streams, and keeping them healthy.
// - Streams are grouped into slots per route (USDⓈ-M `/public` or `/market`; COIN-M has none), at most
//   maxStreamsPerUpstream per slot, counting unsubscribes the server has not confirmed. Each slot has
//   `redundancy` lanes, each lane one connection carrying all the slot's streams, so a dropped or stalled
//   connection loses nothing while its lane reconnects.
// - Every frame goes through the stream merge (shared/streams/stream-merge.ts): each event is forwarded once,
//   in order, whichever connection brings it first.
// - Lanes reconnect with jittered exponential back-off (on the object's alarm, so no timer keeps it from idling)
//   and resubscribe everything; a connection reaching maxConnectionMs is renewed make-before-break (the old one
//   closes only once the new one holds every stream).
// - The watchdog (tick: on the alarm, and at most once a second while frames arrive) replaces connections that
//   shared/streams/upstream-health.ts judges unhealthy, one per slot per tick so both lanes are never cut at once.
//   Each tick asks to be woken at the next deadline of those rules, so a set that stops entirely (no frame left to
//   run the watchdog) is noticed at its deadline rather than at the next heartbeat. While steady streams flow
//   that costs one alarm per staleMs instead of per heartbeat.
// - Clients hear when a stream has no connection left (reconnecting), when one holds it again (reconnected), and
//   when data stopped with no healthy connection to cover it (stale). A stream Binance refuses is given up.

import type { Market } from "../catalog/types.ts";
import { retryDelayMs } from "../rest/retry.ts";
import { GapTracker } from "./gap-tracker.ts";
import { StreamMerge } from "./stream-merge.ts";
import {
  type HealthOptions,
  nextQuietDeadline,
  unhealthyReason,
} from "./upstream-health.ts";
import type { RelayOptions } from "../../workers/stream/config.ts";
import { type ConnectionHandlers, UpstreamConnection } from "../../workers/stream/upstream-connection.ts";
import { type Lane, lastDataOf, liveOf, marketPath, type Slot } from "./upstream-slots.ts";

export type GapNotice = "reconnecting" | "reconnected" | "stale";

export interface PoolHandlers {
  forward(stream: string, text: string): void;
  notify(notice: GapNotice, streams: readonly string[]): void;
  /** Binance refused the stream: it has been dropped upstream, and its clients must be told and unsubscribed. */
  refused(stream: string, reason: string): void;
  /** Asks for tick() to run at this time (the relay's alarm). */
  wake(at: number): void;
  /** The reconnect back-off changed (persisted, so a restart during an outage does not reset it). */
  backoff(failures: number): void;
  log(level: "info" | "warn", msg: string, fields: Readonly<Record<string, string | number>>): void;
}

/** How the pool is set up beyond the relay options. */
export interface PoolSetup {
  /**
   * Which stream server path carries a stream (default: the market's route for it, USDⓈ-M `/public` or
   * `/market`, COIN-M `/stream`); the user stream object sends listen keys to `/private`.
   */
  readonly pathOf?: (stream: string) => string;
  /** Whether a set that stops entirely is replaced after staleMs (default true; see upstream-health.ts). */
  readonly noticeStalls?: boolean;
}

const PROBE_TIMEOUT_MS = 10_000;
const RECONNECT_BASE_MS = 250;
const RECONNECT_MAX_MS = 30_000;
const TICK_FROM_DATA_MS = 1000;
/**
 * Forwarded frames remembered per stream to recognise copies: 60 s, or 32768 frames (about 3 MB) on a stream
 * faster than 546 a second. A connection further behind than that counts as lagging and is replaced.
 */
const MERGE_WINDOW_MS = 60_000;
const MERGE_MAX_REMEMBERED = 32_768;
const MERGE_MAX_HELD = 2048;

export class UpstreamPool {
  readonly #market: Market;
  readonly #pathOf: (stream: string) => string;
  readonly #options: RelayOptions;
  readonly #handlers: PoolHandlers;
  readonly #slots: Slot[] = [];
  readonly #slotOf = new Map<string, Slot>();
  readonly #merge: StreamMerge;
  readonly #gaps = new GapTracker();
  #nextConnectionId = 1;
  #lastTickAt = 0;
  readonly #connectionHandlers: ConnectionHandlers;
  readonly #health: HealthOptions;

  constructor(market: Market, options: RelayOptions, handlers: PoolHandlers, setup: PoolSetup = {}) {
    this.#pathOf = setup.pathOf ?? ((stream) => marketPath(market, stream));
    this.#market = market;
    this.#options = options;
    this.#handlers = handlers;
    this.#health = {
      probeTimeoutMs: PROBE_TIMEOUT_MS,
      silenceMs: options.silenceMs,
      staleMs: options.staleMs,
      stalls: setup.noticeStalls ?? true,
    };
    this.#merge = new StreamMerge(
      {
        windowMs: MERGE_WINDOW_MS,
        maxRememberedPerStream: MERGE_MAX_REMEMBERED,
        // Long enough to wait for a lagging connection (one lagging by staleMs is replaced anyway).
        holdMs: Math.floor(options.staleMs / 2),
        maxHeldFrames: MERGE_MAX_HELD,
      },
      (stream, text) => handlers.forward(stream, text),
    );
    this.#connectionHandlers = {
      onData: (connection, stream, text, receivedAt) => this.#onData(connection, stream, text, receivedAt),
      onAcked: (connection, streams, again) => {
        if (connection.state === "closed") return;
        const now = Date.now();
        for (const stream of streams) {
          if (again) this.#merge.resubscribed(stream, connection.id, now);
          else this.#merge.subscribed(stream, connection.id);
        }
        this.#updateCoverage(this.#slotCarrying(connection));
      },
      onRefused: (_connection, stream, reason) => this.#onRefused(stream, reason),
      onReady: (connection) => this.#onReady(connection),
      onClosed: (connection, why) => this.#onClosed(connection, why),
    };
  }

  get streams(): string[] {
    return [...this.#slotOf.keys()];
  }

  get size(): number {
    return this.#slotOf.size;
  }

  has(stream: string): boolean {
    return this.#slotOf.has(stream);
  }

  get connections(): UpstreamConnection[] {
    return this.#slots.flatMap((slot) => slot.lanes.flatMap((lane) => liveOf(lane)));
  }

  /**
   * Re-adds streams after the object restarted. Their clients were cut off from the upstream meanwhile, so the
   * streams count as lost: they hear "reconnected" once a connection holds them again. With a back-off carried
   * over from before the restart, the first reconnect waits for it.
   */
  restore(streams: readonly string[], failures: number, now: number): void {
    this.#gaps.markLost(streams);
    const retryAt = failures === 0 ? null : now + this.#delay(failures);
    for (const stream of streams) this.#add(stream, { failures, retryAt });
    if (retryAt !== null) this.#handlers.wake(retryAt);
  }

  /** Streams clients were told are interrupted (persisted across restarts with the stream set). */
  isLost(stream: string): boolean {
    return this.#gaps.isLost(stream);
  }

  add(stream: string): void {
    this.#add(stream, { failures: 0, retryAt: null });
  }

  /** Adds a stream; a new slot's lanes start with this back-off (connecting at once when retryAt is null). */
  #add(stream: string, start: { failures: number; retryAt: number | null }): void {
    if (this.#slotOf.has(stream)) return;
    const path = this.#pathOf(stream);
    let slot = this.#slots.find((s) => s.path === path && this.#hasRoom(s));
    if (slot === undefined) {
      slot = { path, streams: new Set(), lanes: [], emptySince: null };
      for (let i = 0; i < this.#options.redundancy; i++)
        slot.lanes.push({
          current: null,
          next: null,
          ...start,
          swapAt: null,
          renewalFailures: 0,
          renewAfter: 0,
        });
      this.#slots.push(slot);
    }
    slot.streams.add(stream);
    slot.emptySince = null;
    this.#slotOf.set(stream, slot);
    for (const lane of slot.lanes) {
      for (const connection of liveOf(lane)) connection.add(stream);
      if (lane.current === null && lane.retryAt === null) this.#connect(slot, lane);
    }
  }

  remove(stream: string, now: number): void {
    const slot = this.#slotOf.get(stream);
    if (slot === undefined) return;
    this.#slotOf.delete(stream);
    slot.streams.delete(stream);
    this.#merge.forget(stream);
    this.#gaps.forget(stream);
    for (const lane of slot.lanes) for (const connection of liveOf(lane)) connection.remove(stream);
    if (slot.streams.size === 0) slot.emptySince = now;
  }

  /** Watchdog, renewals, probes, reconnects and idle closing. */
  tick(now: number): void {
    this.#lastTickAt = now;
    this.#merge.tick(now);
    for (const slot of [...this.#slots]) {
      if (slot.emptySince !== null && now - slot.emptySince >= this.#options.idleCloseMs) {
        this.#closeSlot(slot);
        continue;
      }
      let replaced = false;
      for (const lane of slot.lanes) {
        if (lane.current === null && lane.retryAt !== null && lane.retryAt <= now) this.#connect(slot, lane);
        for (const connection of liveOf(lane)) {
          if (connection.state !== "open") continue;
          const why = replaced ? null : this.#unhealthy(slot, connection, now);
          // A lagging or silent connection still might deliver; it is replaced only while every other lane
          // is ready, so two lanes are never being replaced at once. A dead one (probe) goes regardless.
          if (why !== null && (why === "probe unanswered" || this.#othersReady(slot, lane))) {
            replaced = true;
            this.#replace(slot, connection, why, now);
          } else if (
            now - Math.max(connection.lastProbeAnsweredAt, connection.openedAt) >=
            this.#options.probeMs
          ) {
            connection.probe(now);
          }
        }
        this.#swapIfLinedUp(slot, lane, now);
        this.#renewIfOld(slot, lane, now);
      }
    }
    const deadline = this.#nextDeadline(now);
    if (deadline !== null) this.#handlers.wake(deadline);
  }

  /** The earliest time, after now, at which a connection would be judged unhealthy if no frame came. */
  #nextDeadline(now: number): number | null {
    let next: number | null = null;
    for (const slot of this.#slots) {
      const setLastDataAt = lastDataOf(slot);
      for (const connection of slot.lanes.flatMap((lane) => liveOf(lane))) {
        if (connection.state !== "open") continue;
        const at = nextQuietDeadline(connection.stats, setLastDataAt, this.#health);
        // Deadlines already passed are being acted on (or wait for the other lane to be ready: see #onReady).
        if (at !== null && at > now) next = Math.min(next ?? at, at);
      }
    }
    return next;
  }

  /** The earliest pending reconnect, if any. */
  nextRetryAt(): number | null {
    let next: number | null = null;
    for (const slot of this.#slots)
      for (const lane of slot.lanes)
        if (lane.retryAt !== null) next = Math.min(next ?? lane.retryAt, lane.retryAt);
    return next;
  }

  closeAll(): void {
    for (const slot of [...this.#slots]) this.#closeSlot(slot);
  }

  #hasRoom(slot: Slot): boolean {
    let pending = 0;
    for (const lane of slot.lanes)
      for (const connection of liveOf(lane)) pending = Math.max(pending, connection.pendingRemovals);
    return slot.streams.size + pending < this.#options.maxStreamsPerUpstream;
  }

  #unhealthy(slot: Slot, connection: UpstreamConnection, now: number): string | null {
    let worstLagMs = 0;
    for (const [stream, ackedAt] of connection.subscribed) {
      if (now - ackedAt <= this.#options.staleMs) continue;
      worstLagMs = Math.max(worstLagMs, this.#merge.lagMs(stream, connection.id, ackedAt, now));
    }
    return unhealthyReason(
      connection.stats,
      { worstLagMs, setLastDataAt: lastDataOf(slot) },
      now,
      this.#health,
    );
  }

  #othersReady(slot: Slot, lane: Lane): boolean {
    return slot.lanes.every((other) => other === lane || other.current?.ready === true);
  }

  #renewIfOld(slot: Slot, lane: Lane, now: number): void {
    const current = lane.current;
    if (
      current?.state !== "open" ||
      lane.next !== null ||
      now < lane.renewAfter ||
      now - current.openedAt < this.#options.maxConnectionMs
    )
      return;
    this.#handlers.log("info", "upstream renewal", { connection: current.id, ageMs: now - current.openedAt });
    lane.next = this.#open(slot);
  }

  #replace(slot: Slot, connection: UpstreamConnection, why: string, now: number): void {
    this.#handlers.log("warn", "upstream replaced", { connection: connection.id, why });
    // Streams no other healthy connection holds have stopped for their clients already: say so.
    const uncovered = [...connection.subscribed.keys()].filter(
      (stream) =>
        !slot.lanes.some((lane) =>
          liveOf(lane).some(
            (other) =>
              other !== connection &&
              other.subscribed.has(stream) &&
              other.state === "open" &&
              this.#unhealthy(slot, other, now) === null,
          ),
        ),
    );
    if (uncovered.length > 0) this.#handlers.notify("stale", uncovered);
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

  #onData(connection: UpstreamConnection, stream: string, text: string, receivedAt: number): void {
    if (connection.state === "closed" || !this.#slotOf.has(stream)) return;
    this.#merge.frame(stream, connection.id, text, receivedAt);
    if (receivedAt - this.#lastTickAt >= TICK_FROM_DATA_MS) this.tick(receivedAt);
  }

  #onRefused(stream: string, reason: string): void {
    this.#handlers.log("warn", "upstream refused stream", { stream, reason });
    this.remove(stream, Date.now());
    this.#handlers.refused(stream, reason);
  }

  #onReady(connection: UpstreamConnection): void {
    const slot = this.#slotCarrying(connection);
    const now = Date.now();
    for (const lane of slot?.lanes ?? []) {
      if (lane.next === connection) {
        lane.swapAt ??= now + this.#merge.holdMs;
        if (slot !== null) this.#swapIfLinedUp(slot, lane, now);
      }
      if (lane.current === connection && lane.failures > 0) {
        lane.failures = 0;
        this.#handlers.backoff(this.#maxFailures());
      }
    }
    this.#updateCoverage(slot);
    // A lane that stalled with the rest of its set waits for this one to be ready before it is replaced.
    if (slot !== null && this.#hasUnhealthy(slot, now)) this.tick(now);
  }

  #hasUnhealthy(slot: Slot, now: number): boolean {
    return slot.lanes.some((lane) =>
      liveOf(lane).some((c) => c.state === "open" && this.#unhealthy(slot, c, now) !== null),
    );
  }

  /**
   * A ready renewal takes over once it has lined up with the forwarded stream on every stream that is flowing
   * (so the old connection's last frames are not lost if the new one started ahead), or after holdMs.
   */
  #swapIfLinedUp(slot: Slot, lane: Lane, now: number): void {
    const next = lane.next;
    if (next === null || lane.swapAt === null || !next.ready) return;
    const linedUp = [...slot.streams].every(
      (stream) => this.#merge.isPlaced(stream, next.id) || !this.#merge.isFlowing(stream, now),
    );
    if (!linedUp && now < lane.swapAt) return;
    const old = lane.current;
    lane.current = next;
    lane.next = null;
    lane.swapAt = null;
    lane.renewalFailures = 0;
    old?.close(1000, "renewed");
  }

  #onClosed(connection: UpstreamConnection, why: string): void {
    const slot = this.#slotCarrying(connection);
    const now = Date.now();
    for (const stream of connection.wanted) this.#merge.leave(stream, connection.id, now);
    for (const lane of slot?.lanes ?? []) {
      if (lane.next === connection) {
        // A renewal that failed: the current connection carries on, and the next attempt backs off.
        lane.next = null;
        lane.swapAt = null;
        lane.renewAfter = now + this.#delay(lane.renewalFailures++);
        this.#handlers.wake(lane.renewAfter);
      }
      if (lane.current !== connection) continue;
      this.#handlers.log("warn", "upstream closed", {
        connection: connection.id,
        why,
        failures: lane.failures,
      });
      lane.current = lane.next;
      lane.next = null;
      lane.swapAt = null;
      if (lane.current === null && (slot?.streams.size ?? 0) > 0) {
        lane.retryAt = now + this.#delay(lane.failures);
        lane.failures++;
        this.#handlers.backoff(this.#maxFailures());
        this.#handlers.wake(lane.retryAt);
      }
    }
    this.#updateCoverage(slot);
  }

  #delay(failures: number): number {
    return Math.min(retryDelayMs(failures, RECONNECT_BASE_MS, Math.random()), RECONNECT_MAX_MS);
  }

  #maxFailures(): number {
    return Math.max(0, ...this.#slots.flatMap((slot) => slot.lanes.map((lane) => lane.failures)));
  }

  #slotCarrying(connection: UpstreamConnection): Slot | null {
    return this.#slots.find((slot) => slot.lanes.some((lane) => liveOf(lane).includes(connection))) ?? null;
  }

  /** Tells clients about streams of the slot that lost their last connection, or got one back. */
  #updateCoverage(slot: Slot | null): void {
    if (slot === null) return;
    const live = slot.lanes.flatMap((lane) => liveOf(lane)).filter((c) => c.state === "open");
    const { lost, back } = this.#gaps.update(
      [...slot.streams].map((stream) => [stream, live.some((c) => c.subscribed.has(stream))] as const),
    );
    if (lost.length > 0) this.#handlers.notify("reconnecting", lost);
    if (back.length > 0) this.#handlers.notify("reconnected", back);
  }

  #closeSlot(slot: Slot): void {
    for (const lane of slot.lanes) {
      lane.retryAt = null;
      const connections = liveOf(lane);
      lane.current = null;
      lane.next = null;
      for (const connection of connections) connection.close(1000, "idle");
    }
    for (const stream of slot.streams) this.#slotOf.delete(stream);
    this.#slots.splice(this.#slots.indexOf(slot), 1);
    this.#handlers.backoff(this.#maxFailures());
  }
}
