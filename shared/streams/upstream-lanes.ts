// The upstream side of the relay as a state machine: which Binance connections carry which streams, and keeping
// them healthy. Pure: time comes in as `now`, connections are read through `Link` and created by an injected
// factory, and every effect on them (open, add, remove, probe, close) or on the relay (notices, refusals, alarm,
// logs) is returned as a `LaneAction` for the Durable Object's pool (workers/stream/upstream-pool.ts) to carry out.
// - Streams are grouped into slots per route (USDⓈ-M `/public` or `/market`; COIN-M has none), at most
//   maxStreamsPerUpstream per slot, counting unsubscribes the server has not confirmed. Each slot has
//   `redundancy` lanes, each lane one connection carrying all the slot's streams, so a dropped or stalled
//   connection loses nothing while its lane reconnects.
// - Every frame goes through the stream merge (stream-merge.ts): each event is forwarded once, in order,
//   whichever connection brings it first.
// - Lanes reconnect with jittered exponential back-off (on the object's alarm, so no timer keeps it from idling)
//   and resubscribe everything; a connection reaching maxConnectionMs is renewed make-before-break (the old one
//   closes only once the new one holds every stream).
// - The watchdog (tick: on the alarm, and at most once a second while frames arrive) replaces connections that
//   upstream-health.ts judges unhealthy, one per slot per tick so both lanes are never cut at once. Each tick asks
//   to be woken at the next deadline of those rules, so a set that stops entirely (no frame left to run the
//   watchdog) is noticed at its deadline rather than at the next heartbeat. While steady streams flow that costs
//   one alarm per staleMs instead of per heartbeat.
// - Clients hear when a stream has no connection left (reconnecting), when one holds it again (reconnected), and
//   when data stopped with no healthy connection to cover it (stale). A stream Binance refuses is given up.
// A connection this machine closes is settled at once (as if its close event had come); the close event that
// follows from the pool is then ignored, so decisions later in the same tick see the lanes as they now are.

import { retryDelayMs } from "../rest/retry.ts";
import { GapTracker } from "./gap-tracker.ts";
import type { StreamMerge } from "./stream-merge.ts";
import type { HealthOptions } from "./upstream-health.ts";
import type { LaneAction, LanesOptions, LanesPorts } from "./upstream-lane-actions.ts";
import {
  coverageOf,
  hasRoom,
  type Lane,
  type Link,
  liveOf,
  maxFailures,
  newSlot,
  nextRetryAt,
  othersReady,
  type Slot,
  takeOver,
} from "./upstream-slots.ts";
import { hasUnhealthy, healthOf, laneMerge, nextDeadline, unhealthyLink } from "./upstream-watch.ts";

const RECONNECT_BASE_MS = 250;
const RECONNECT_MAX_MS = 30_000;
const TICK_FROM_DATA_MS = 1000;
const NONE: readonly never[] = [];

export class UpstreamLanes<C extends Link> {
  readonly #options: LanesOptions;
  readonly #ports: LanesPorts<C>;
  readonly #slots: Slot<C>[] = [];
  readonly #slotOf = new Map<string, Slot<C>>();
  readonly #merge: StreamMerge;
  readonly #gaps = new GapTracker();
  readonly #health: HealthOptions;
  /** Connections closed by a decision here and settled already; their close event is ignored. */
  readonly #settled = new WeakSet<C>();
  #lastTickAt = 0;

  constructor(options: LanesOptions, ports: LanesPorts<C>) {
    this.#options = options;
    this.#ports = ports;
    this.#health = healthOf(options);
    this.#merge = laneMerge(options.staleMs, (stream, text) => ports.forward(stream, text));
  }

  /** The earliest pending reconnect, if any. */
  nextRetryAt(): number | null {
    return nextRetryAt(this.#slots);
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

  get links(): C[] {
    return this.#slots.flatMap((slot) => slot.lanes.flatMap((lane) => liveOf(lane)));
  }

  /** Streams clients were told are interrupted (persisted across restarts with the stream set). */
  isLost(stream: string): boolean {
    return this.#gaps.isLost(stream);
  }

  /**
   * Re-adds streams after the object restarted. Their clients were cut off from the upstream meanwhile, so the
   * streams count as lost: they hear "reconnected" once a connection holds them again. With a back-off carried
   * over from before the restart, the first reconnect waits for it.
   */
  restore(streams: readonly string[], failures: number, now: number): LaneAction<C>[] {
    const out: LaneAction<C>[] = [];
    this.#gaps.markLost(streams);
    const retryAt = failures === 0 ? null : now + this.#delay(failures);
    for (const stream of streams) this.#add(stream, { failures, retryAt }, now, out);
    if (retryAt !== null) out.push({ kind: "wake", at: retryAt });
    return out;
  }

  add(stream: string, now: number): LaneAction<C>[] {
    const out: LaneAction<C>[] = [];
    this.#add(stream, { failures: 0, retryAt: null }, now, out);
    return out;
  }

  remove(stream: string, now: number): LaneAction<C>[] {
    const out: LaneAction<C>[] = [];
    this.#remove(stream, now, out);
    return out;
  }

  /** Watchdog, renewals, probes, reconnects and idle closing. */
  tick(now: number): LaneAction<C>[] {
    const out: LaneAction<C>[] = [];
    this.#tick(now, out);
    return out;
  }

  closeAll(now: number): LaneAction<C>[] {
    const out: LaneAction<C>[] = [];
    for (const slot of [...this.#slots]) this.#closeSlot(slot, now, out);
    return out;
  }

  /** A data frame a connection received. */
  frame(link: C, stream: string, text: string, receivedAt: number): readonly LaneAction<C>[] {
    if (link.state === "closed" || !this.#slotOf.has(stream)) return NONE;
    this.#merge.frame(stream, link.id, text, receivedAt);
    return receivedAt - this.#lastTickAt >= TICK_FROM_DATA_MS ? this.tick(receivedAt) : NONE;
  }

  /** The server acknowledged these streams; `again`: it had lost them (a probe found them missing). */
  acked(link: C, streams: readonly string[], again: boolean, now: number): LaneAction<C>[] {
    const out: LaneAction<C>[] = [];
    if (link.state === "closed") return out;
    for (const stream of streams) {
      if (again) this.#merge.resubscribed(stream, link.id, now);
      else this.#merge.subscribed(stream, link.id);
    }
    this.#updateCoverage(this.#slotCarrying(link), out);
    return out;
  }

  /** The server refused one stream (the connection no longer wants it). */
  refused(stream: string, reason: string, now: number): LaneAction<C>[] {
    const out: LaneAction<C>[] = [
      { kind: "log", level: "warn", msg: "upstream refused stream", fields: { stream, reason } },
    ];
    this.#remove(stream, now, out);
    out.push({ kind: "refused", stream, reason });
    return out;
  }

  /** The connection holds every stream it wants. */
  ready(link: C, now: number): LaneAction<C>[] {
    const out: LaneAction<C>[] = [];
    const slot = this.#slotCarrying(link);
    for (const lane of slot?.lanes ?? []) {
      if (lane.next === link) {
        lane.swapAt ??= now + this.#merge.holdMs;
        if (slot !== null) this.#swapIfLinedUp(slot, lane, now, out);
      }
      if (lane.current === link && lane.failures > 0) {
        lane.failures = 0;
        out.push({ kind: "backoff", failures: maxFailures(this.#slots) });
      }
    }
    this.#updateCoverage(slot, out);
    // A lane that stalled with the rest of its set waits for this one to be ready before it is replaced.
    if (slot !== null && hasUnhealthy(slot, this.#merge, this.#health, now)) this.#tick(now, out);
    return out;
  }

  /** The connection closed (by the server, a failure, or a close this machine asked for). */
  closed(link: C, why: string, now: number): LaneAction<C>[] {
    const out: LaneAction<C>[] = [];
    if (this.#settled.has(link)) this.#settled.delete(link);
    else this.#settle(link, why, now, out);
    return out;
  }

  #add(
    stream: string,
    start: { failures: number; retryAt: number | null },
    now: number,
    out: LaneAction<C>[],
  ) {
    if (this.#slotOf.has(stream)) return;
    const path = this.#options.pathOf(stream);
    let slot = this.#slots.find((s) => s.path === path && hasRoom(s, this.#options.maxStreamsPerUpstream));
    if (slot === undefined) {
      slot = newSlot<C>(path, this.#options.redundancy, start);
      this.#slots.push(slot);
    }
    slot.streams.add(stream);
    slot.emptySince = null;
    this.#slotOf.set(stream, slot);
    for (const lane of slot.lanes) {
      for (const link of liveOf(lane)) out.push({ kind: "add", link, stream });
      if (lane.current === null && lane.retryAt === null) this.#connect(slot, lane, now, out);
    }
  }

  #remove(stream: string, now: number, out: LaneAction<C>[]): void {
    const slot = this.#slotOf.get(stream);
    if (slot === undefined) return;
    this.#slotOf.delete(stream);
    slot.streams.delete(stream);
    this.#merge.forget(stream);
    this.#gaps.forget(stream);
    for (const lane of slot.lanes)
      for (const link of liveOf(lane)) out.push({ kind: "remove", link, stream });
    if (slot.streams.size === 0) slot.emptySince = now;
  }

  #tick(now: number, out: LaneAction<C>[]): void {
    this.#lastTickAt = now;
    this.#merge.tick(now);
    for (const slot of [...this.#slots]) {
      if (slot.emptySince !== null && now - slot.emptySince >= this.#options.idleCloseMs) {
        this.#closeSlot(slot, now, out);
        continue;
      }
      let replaced = false;
      for (const lane of slot.lanes) {
        if (lane.current === null && lane.retryAt !== null && lane.retryAt <= now)
          this.#connect(slot, lane, now, out);
        for (const link of liveOf(lane)) {
          if (link.state !== "open") continue;
          const why = replaced ? null : unhealthyLink(slot, link, this.#merge, this.#health, now);
          // A lagging or silent connection still might deliver; it is replaced only while every other lane
          // is ready, so two lanes are never being replaced at once. A dead one (probe) goes regardless.
          if (why !== null && (why === "probe unanswered" || othersReady(slot, lane))) {
            replaced = true;
            this.#replace(slot, link, why, now, out);
          } else if (now - Math.max(link.lastProbeAnsweredAt, link.openedAt) >= this.#options.probeMs) {
            out.push({ kind: "probe", link, at: now });
          }
        }
        this.#swapIfLinedUp(slot, lane, now, out);
        this.#renewIfOld(slot, lane, now, out);
      }
    }
    const deadline = nextDeadline(this.#slots, this.#health, now);
    if (deadline !== null) out.push({ kind: "wake", at: deadline });
  }

  #renewIfOld(slot: Slot<C>, lane: Lane<C>, now: number, out: LaneAction<C>[]): void {
    const current = lane.current;
    if (
      current?.state !== "open" ||
      lane.next !== null ||
      now < lane.renewAfter ||
      now - current.openedAt < this.#options.maxConnectionMs
    )
      return;
    out.push({
      kind: "log",
      level: "info",
      msg: "upstream renewal",
      fields: { connection: current.id, ageMs: now - current.openedAt },
    });
    lane.next = this.#open(slot, now, out);
  }

  #replace(slot: Slot<C>, link: C, why: string, now: number, out: LaneAction<C>[]): void {
    out.push({ kind: "log", level: "warn", msg: "upstream replaced", fields: { connection: link.id, why } });
    // Streams no other healthy connection holds have stopped for their clients already: say so.
    const uncovered = [...link.subscribed.keys()].filter(
      (stream) =>
        !slot.lanes.some((lane) =>
          liveOf(lane).some(
            (other) =>
              other !== link &&
              other.subscribed.has(stream) &&
              other.state === "open" &&
              unhealthyLink(slot, other, this.#merge, this.#health, now) === null,
          ),
        ),
    );
    if (uncovered.length > 0) out.push({ kind: "notify", notice: "stale", streams: uncovered });
    this.#close(link, 4000, why, now, out);
  }

  #connect(slot: Slot<C>, lane: Lane<C>, now: number, out: LaneAction<C>[]): void {
    lane.retryAt = null;
    lane.current = this.#open(slot, now, out);
  }

  #open(slot: Slot<C>, now: number, out: LaneAction<C>[]): C {
    const link = this.#ports.create(slot.path, slot.streams, now);
    out.push({ kind: "open", link });
    return link;
  }

  /**
   * A ready renewal takes over once it has lined up with the forwarded stream on every stream that is flowing
   * (so the old connection's last frames are not lost if the new one started ahead), or after holdMs.
   */
  #swapIfLinedUp(slot: Slot<C>, lane: Lane<C>, now: number, out: LaneAction<C>[]): void {
    const next = lane.next;
    if (next === null || lane.swapAt === null || !next.ready) return;
    const linedUp = [...slot.streams].every(
      (stream) => this.#merge.isPlaced(stream, next.id) || !this.#merge.isFlowing(stream, now),
    );
    if (!linedUp && now < lane.swapAt) return;
    const old = takeOver(lane);
    if (old !== null) this.#close(old, 1000, "renewed", now, out);
  }

  /** Closes a connection and settles its lane at once (see the header). */
  #close(link: C, code: number, reason: string, now: number, out: LaneAction<C>[]): void {
    if (link.state === "closed" || this.#settled.has(link)) return;
    out.push({ kind: "close", link, code, reason });
    this.#settled.add(link);
    this.#settle(link, reason, now, out);
  }

  /** What a closed connection leaves behind: its merge places, and a lane that reconnects or a renewal retried. */
  #settle(link: C, why: string, now: number, out: LaneAction<C>[]): void {
    const slot = this.#slotCarrying(link);
    for (const stream of link.wanted) this.#merge.leave(stream, link.id, now);
    for (const lane of slot?.lanes ?? []) {
      if (lane.next === link) {
        // A renewal that failed: the current connection carries on, and the next attempt backs off.
        lane.next = null;
        lane.swapAt = null;
        lane.renewAfter = now + this.#delay(lane.renewalFailures++);
        out.push({ kind: "wake", at: lane.renewAfter });
      }
      if (lane.current !== link) continue;
      out.push({
        kind: "log",
        level: "warn",
        msg: "upstream closed",
        fields: { connection: link.id, why, failures: lane.failures },
      });
      lane.current = lane.next;
      lane.next = null;
      lane.swapAt = null;
      if (lane.current === null && (slot?.streams.size ?? 0) > 0) {
        lane.retryAt = now + this.#delay(lane.failures);
        lane.failures++;
        out.push({ kind: "backoff", failures: maxFailures(this.#slots) });
        out.push({ kind: "wake", at: lane.retryAt });
      }
    }
    this.#updateCoverage(slot, out);
  }

  #delay(failures: number): number {
    return Math.min(retryDelayMs(failures, RECONNECT_BASE_MS, this.#ports.random()), RECONNECT_MAX_MS);
  }

  #slotCarrying(link: C): Slot<C> | null {
    return this.#slots.find((slot) => slot.lanes.some((lane) => liveOf(lane).includes(link))) ?? null;
  }

  /** Tells clients about streams of the slot that lost their last connection, or got one back. */
  #updateCoverage(slot: Slot<C> | null, out: LaneAction<C>[]): void {
    if (slot === null) return;
    const { lost, back } = this.#gaps.update(coverageOf(slot));
    if (lost.length > 0) out.push({ kind: "notify", notice: "reconnecting", streams: lost });
    if (back.length > 0) out.push({ kind: "notify", notice: "reconnected", streams: back });
  }

  #closeSlot(slot: Slot<C>, now: number, out: LaneAction<C>[]): void {
    const links: C[] = [];
    for (const lane of slot.lanes) {
      lane.retryAt = null;
      links.push(...liveOf(lane));
      lane.current = null;
      lane.next = null;
    }
    for (const stream of slot.streams) this.#slotOf.delete(stream);
    this.#slots.splice(this.#slots.indexOf(slot), 1);
    for (const link of links) this.#close(link, 1000, "idle", now, out);
    out.push({ kind: "backoff", failures: maxFailures(this.#slots) });
  }
}
