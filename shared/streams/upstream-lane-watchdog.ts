// The upstream lanes' watchdog (upstream-lanes.ts runs it on the alarm, and at most once a second while frames
// arrive): idle slots close, lanes reconnect when their back-off is over, unhealthy connections are replaced,
// quiet ones probed, and old ones renewed make-before-break.
// - Connections that upstream-health.ts judges unhealthy are replaced one per slot per tick, so both lanes are
//   never cut at once. Each tick asks to be woken at the next deadline of those rules, so a set that stops
//   entirely (no frame left to run the watchdog) is noticed at its deadline rather than at the next heartbeat.
//   While steady streams flow that costs one alarm per staleMs instead of per heartbeat.
// - A connection reaching maxConnectionMs is renewed: the old one closes only once the new one holds every
//   stream and has lined up with the forwarded stream (or after holdMs).

import type { LaneAction } from "./upstream-lane-actions.ts";
import type { LaneConnections } from "./upstream-lane-connections.ts";
import { type Lane, type Link, liveOf, othersReady, type Slot, takeOver } from "./upstream-slots.ts";
import { nextDeadline, unhealthyLink } from "./upstream-watch.ts";

export class LaneWatchdog<C extends Link> {
  readonly #lanes: LaneConnections<C>;

  constructor(lanes: LaneConnections<C>) {
    this.#lanes = lanes;
  }

  /** One watchdog round over every slot; ends with a wake at the next deadline, if any. */
  tick(now: number, out: LaneAction<C>[]): void {
    const lanes = this.#lanes;
    lanes.merge.tick(now);
    for (const slot of [...lanes.slots]) {
      if (slot.emptySince !== null && now - slot.emptySince >= lanes.options.idleCloseMs) {
        lanes.closeSlot(slot, now, out);
        continue;
      }
      let replaced = false;
      for (const lane of slot.lanes) {
        if (lane.current === null && lane.retryAt !== null && lane.retryAt <= now)
          lanes.connect(slot, lane, now, out);
        for (const link of liveOf(lane)) {
          if (link.state !== "open") continue;
          const why = replaced ? null : unhealthyLink(slot, link, lanes.merge, lanes.health, now);
          // A lagging or silent connection still might deliver; it is replaced only while every other lane
          // is ready, so two lanes are never being replaced at once. A dead one (probe) goes regardless.
          if (why !== null && (why === "probe unanswered" || othersReady(slot, lane))) {
            replaced = true;
            this.#replace(slot, link, why, now, out);
          } else if (now - Math.max(link.lastProbeAnsweredAt, link.openedAt) >= lanes.options.probeMs) {
            out.push({ kind: "probe", link, at: now });
          }
        }
        this.swapIfLinedUp(slot, lane, now, out);
        this.#renewIfOld(slot, lane, now, out);
      }
    }
    const deadline = nextDeadline(lanes.slots, lanes.health, now);
    if (deadline !== null) out.push({ kind: "wake", at: deadline });
  }

  /**
   * A ready renewal takes over once it has lined up with the forwarded stream on every stream that is flowing
   * (so the old connection's last frames are not lost if the new one started ahead), or after holdMs.
   */
  swapIfLinedUp(slot: Slot<C>, lane: Lane<C>, now: number, out: LaneAction<C>[]): void {
    const { merge } = this.#lanes;
    const next = lane.next;
    if (next === null || lane.swapAt === null || !next.ready) return;
    const linedUp = [...slot.streams].every(
      (stream) => merge.isPlaced(stream, next.id) || !merge.isFlowing(stream, now),
    );
    if (!linedUp && now < lane.swapAt) return;
    const old = takeOver(lane);
    if (old !== null) this.#lanes.close(old, 1000, "renewed", now, out);
  }

  #renewIfOld(slot: Slot<C>, lane: Lane<C>, now: number, out: LaneAction<C>[]): void {
    const current = lane.current;
    if (
      current?.state !== "open" ||
      lane.next !== null ||
      now < lane.renewAfter ||
      now - current.openedAt < this.#lanes.options.maxConnectionMs
    )
      return;
    out.push({
      kind: "log",
      level: "info",
      msg: "upstream renewal",
      fields: { connection: current.id, ageMs: now - current.openedAt },
    });
    lane.next = this.#lanes.open(slot, now, out);
  }

  #replace(slot: Slot<C>, link: C, why: string, now: number, out: LaneAction<C>[]): void {
    const { merge, health } = this.#lanes;
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
              unhealthyLink(slot, other, merge, health, now) === null,
          ),
        ),
    );
    if (uncovered.length > 0) out.push({ kind: "notify", notice: "stale", streams: uncovered });
    this.#lanes.close(link, 4000, why, now, out);
  }
}
