// The upstream lanes' bookkeeping (for upstream-lanes.ts and its watchdog, upstream-lane-watchdog.ts): the slots
// and which stream each is in, the merge and the gaps clients were told of, and the life of one connection in a
// lane: opened by the injected factory, closed, and settled when it is gone (the lane reconnects with jittered
// exponential back-off, a failed renewal is retried later). Pure like the lanes: effects are pushed as actions.
// A connection this machine closes is settled at once (as if its close event had come); the close event that
// follows from the pool is then ignored, so decisions later in the same tick see the lanes as they now are.

import { retryDelayMs } from "../rest/retry.ts";
import { GapTracker } from "./gap-tracker.ts";
import type { StreamMerge } from "./stream-merge.ts";
import type { HealthOptions } from "./upstream-health.ts";
import type { LaneAction, LanesOptions, LanesPorts } from "./upstream-lane-actions.ts";
import { coverageOf, type Lane, type Link, liveOf, maxFailures, type Slot } from "./upstream-slots.ts";
import { healthOf, laneMerge } from "./upstream-watch.ts";

const RECONNECT_BASE_MS = 250;
const RECONNECT_MAX_MS = 30_000;

export class LaneConnections<C extends Link> {
  readonly options: LanesOptions;
  readonly health: HealthOptions;
  readonly slots: Slot<C>[] = [];
  readonly slotOf = new Map<string, Slot<C>>();
  readonly merge: StreamMerge;
  readonly gaps = new GapTracker();
  readonly #ports: LanesPorts<C>;
  /** Connections closed by a decision here and settled already; their close event is ignored. */
  readonly #settled = new WeakSet<C>();

  constructor(options: LanesOptions, ports: LanesPorts<C>) {
    this.options = options;
    this.#ports = ports;
    this.health = healthOf(options);
    this.merge = laneMerge(options.staleMs, (stream, text) => ports.forward(stream, text));
  }

  /** The lane connects now (its back-off, if any, is over). */
  connect(slot: Slot<C>, lane: Lane<C>, now: number, out: LaneAction<C>[]): void {
    lane.retryAt = null;
    lane.current = this.open(slot, now, out);
  }

  /** A new connection for the slot's streams. */
  open(slot: Slot<C>, now: number, out: LaneAction<C>[]): C {
    const link = this.#ports.create(slot.path, slot.streams, now);
    out.push({ kind: "open", link });
    return link;
  }

  /** Closes a connection and settles its lane at once (see the header). */
  close(link: C, code: number, reason: string, now: number, out: LaneAction<C>[]): void {
    if (link.state === "closed" || this.#settled.has(link)) return;
    out.push({ kind: "close", link, code, reason });
    this.#settled.add(link);
    this.#settle(link, reason, now, out);
  }

  /** The connection's close event: settled now, unless a close decided here settled it already. */
  closed(link: C, why: string, now: number, out: LaneAction<C>[]): void {
    if (this.#settled.has(link)) this.#settled.delete(link);
    else this.#settle(link, why, now, out);
  }

  /** Closes every connection of a slot and forgets it (no stream left for idleCloseMs, or the relay closes). */
  closeSlot(slot: Slot<C>, now: number, out: LaneAction<C>[]): void {
    const links: C[] = [];
    for (const lane of slot.lanes) {
      lane.retryAt = null;
      links.push(...liveOf(lane));
      lane.current = null;
      lane.next = null;
    }
    for (const stream of slot.streams) this.slotOf.delete(stream);
    this.slots.splice(this.slots.indexOf(slot), 1);
    for (const link of links) this.close(link, 1000, "idle", now, out);
    out.push({ kind: "backoff", failures: maxFailures(this.slots) });
  }

  /** The back-off before reconnect (or renewal) attempt `failures`, jittered. */
  delay(failures: number): number {
    return Math.min(retryDelayMs(failures, RECONNECT_BASE_MS, this.#ports.random()), RECONNECT_MAX_MS);
  }

  slotCarrying(link: C): Slot<C> | null {
    return this.slots.find((slot) => slot.lanes.some((lane) => liveOf(lane).includes(link))) ?? null;
  }

  /** Tells clients about streams of the slot that lost their last connection, or got one back. */
  updateCoverage(slot: Slot<C> | null, out: LaneAction<C>[]): void {
    if (slot === null) return;
    const { lost, back } = this.gaps.update(coverageOf(slot));
    if (lost.length > 0) out.push({ kind: "notify", notice: "reconnecting", streams: lost });
    if (back.length > 0) out.push({ kind: "notify", notice: "reconnected", streams: back });
  }

  /** What a closed connection leaves behind: its merge places, and a lane that reconnects or a renewal retried. */
  #settle(link: C, why: string, now: number, out: LaneAction<C>[]): void {
    const slot = this.slotCarrying(link);
    for (const stream of link.wanted) this.merge.leave(stream, link.id, now);
    for (const lane of slot?.lanes ?? []) {
      if (lane.next === link) {
        // A renewal that failed: the current connection carries on, and the next attempt backs off.
        lane.next = null;
        lane.swapAt = null;
        lane.renewAfter = now + this.delay(lane.renewalFailures++);
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
        lane.retryAt = now + this.delay(lane.failures);
        lane.failures++;
        out.push({ kind: "backoff", failures: maxFailures(this.slots) });
        out.push({ kind: "wake", at: lane.retryAt });
      }
    }
    this.updateCoverage(slot, out);
  }
}
