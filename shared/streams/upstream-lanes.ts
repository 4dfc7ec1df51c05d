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
//   and resubscribe everything (upstream-lane-connections.ts); the watchdog replaces unhealthy connections and
//   renews old ones make-before-break (upstream-lane-watchdog.ts).
// - Clients hear when a stream has no connection left (reconnecting), when one holds it again (reconnected), and
//   when data stopped with no healthy connection to cover it (stale). A stream Binance refuses is given up.

import type { LaneAction, LanesOptions, LanesPorts } from "./upstream-lane-actions.ts";
import { LaneConnections } from "./upstream-lane-connections.ts";
import { LaneWatchdog } from "./upstream-lane-watchdog.ts";
import { hasRoom, type Link, liveOf, maxFailures, newSlot, nextRetryAt } from "./upstream-slots.ts";
import { hasUnhealthy } from "./upstream-watch.ts";

const TICK_FROM_DATA_MS = 1000;
const NONE: readonly never[] = [];

export class UpstreamLanes<C extends Link> {
  readonly #lanes: LaneConnections<C>;
  readonly #watchdog: LaneWatchdog<C>;
  #lastTickAt = 0;

  constructor(options: LanesOptions, ports: LanesPorts<C>) {
    this.#lanes = new LaneConnections(options, ports);
    this.#watchdog = new LaneWatchdog(this.#lanes);
  }

  /** The earliest pending reconnect, if any. */
  nextRetryAt(): number | null {
    return nextRetryAt(this.#lanes.slots);
  }

  get streams(): string[] {
    return [...this.#lanes.slotOf.keys()];
  }

  get size(): number {
    return this.#lanes.slotOf.size;
  }

  has(stream: string): boolean {
    return this.#lanes.slotOf.has(stream);
  }

  get links(): C[] {
    return this.#lanes.slots.flatMap((slot) => slot.lanes.flatMap((lane) => liveOf(lane)));
  }

  /** Streams clients were told are interrupted (persisted across restarts with the stream set). */
  isLost(stream: string): boolean {
    return this.#lanes.gaps.isLost(stream);
  }

  /**
   * Re-adds streams after the object restarted. Their clients were cut off from the upstream meanwhile, so the
   * streams count as lost: they hear "reconnected" once a connection holds them again. With a back-off carried
   * over from before the restart, the first reconnect waits for it.
   */
  restore(streams: readonly string[], failures: number, now: number): LaneAction<C>[] {
    const out: LaneAction<C>[] = [];
    this.#lanes.gaps.markLost(streams);
    const retryAt = failures === 0 ? null : now + this.#lanes.delay(failures);
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
    for (const slot of [...this.#lanes.slots]) this.#lanes.closeSlot(slot, now, out);
    return out;
  }

  /** A data frame a connection received. */
  frame(link: C, stream: string, text: string, receivedAt: number): readonly LaneAction<C>[] {
    if (link.state === "closed" || !this.#lanes.slotOf.has(stream)) return NONE;
    this.#lanes.merge.frame(stream, link.id, text, receivedAt);
    return receivedAt - this.#lastTickAt >= TICK_FROM_DATA_MS ? this.tick(receivedAt) : NONE;
  }

  /** The server acknowledged these streams; `again`: it had lost them (a probe found them missing). */
  acked(link: C, streams: readonly string[], again: boolean, now: number): LaneAction<C>[] {
    const out: LaneAction<C>[] = [];
    if (link.state === "closed") return out;
    for (const stream of streams) {
      if (again) this.#lanes.merge.resubscribed(stream, link.id, now);
      else this.#lanes.merge.subscribed(stream, link.id);
    }
    this.#lanes.updateCoverage(this.#lanes.slotCarrying(link), out);
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
    const lanes = this.#lanes;
    const slot = lanes.slotCarrying(link);
    for (const lane of slot?.lanes ?? []) {
      if (lane.next === link) {
        lane.swapAt ??= now + lanes.merge.holdMs;
        if (slot !== null) this.#watchdog.swapIfLinedUp(slot, lane, now, out);
      }
      if (lane.current === link && lane.failures > 0) {
        lane.failures = 0;
        out.push({ kind: "backoff", failures: maxFailures(lanes.slots) });
      }
    }
    lanes.updateCoverage(slot, out);
    // A lane that stalled with the rest of its set waits for this one to be ready before it is replaced.
    if (slot !== null && hasUnhealthy(slot, lanes.merge, lanes.health, now)) this.#tick(now, out);
    return out;
  }

  /** The connection closed (by the server, a failure, or a close this machine asked for). */
  closed(link: C, why: string, now: number): LaneAction<C>[] {
    const out: LaneAction<C>[] = [];
    this.#lanes.closed(link, why, now, out);
    return out;
  }

  #add(
    stream: string,
    start: { failures: number; retryAt: number | null },
    now: number,
    out: LaneAction<C>[],
  ) {
    const lanes = this.#lanes;
    if (lanes.slotOf.has(stream)) return;
    const path = lanes.options.pathOf(stream);
    let slot = lanes.slots.find((s) => s.path === path && hasRoom(s, lanes.options.maxStreamsPerUpstream));
    if (slot === undefined) {
      slot = newSlot<C>(path, lanes.options.redundancy, start);
      lanes.slots.push(slot);
    }
    slot.streams.add(stream);
    slot.emptySince = null;
    lanes.slotOf.set(stream, slot);
    for (const lane of slot.lanes) {
      for (const link of liveOf(lane)) out.push({ kind: "add", link, stream });
      if (lane.current === null && lane.retryAt === null) lanes.connect(slot, lane, now, out);
    }
  }

  #remove(stream: string, now: number, out: LaneAction<C>[]): void {
    const lanes = this.#lanes;
    const slot = lanes.slotOf.get(stream);
    if (slot === undefined) return;
    lanes.slotOf.delete(stream);
    slot.streams.delete(stream);
    lanes.merge.forget(stream);
    lanes.gaps.forget(stream);
    for (const lane of slot.lanes)
      for (const link of liveOf(lane)) out.push({ kind: "remove", link, stream });
    if (slot.streams.size === 0) slot.emptySince = now;
  }

  #tick(now: number, out: LaneAction<C>[]): void {
    this.#lastTickAt = now;
    this.#watchdog.tick(now, out);
  }
}
