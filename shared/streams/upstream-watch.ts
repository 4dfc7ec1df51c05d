// The watchdog's judgements over a slot's connections (the rules are upstream-health.ts's): why one should be
// replaced, measured against what the stream merge forwarded, and when the next judgement could change with no
// frame arriving. Pure: time and the merge are passed in.

import { StreamMerge } from "./stream-merge.ts";
import { type HealthOptions, nextQuietDeadline, unhealthyReason } from "./upstream-health.ts";
import { type Link, lastDataOf, liveOf, type Slot } from "./upstream-slots.ts";

const PROBE_TIMEOUT_MS = 10_000;
/**
 * Forwarded frames remembered per stream to recognise copies: 60 s, or 32768 frames (about 3 MB) on a stream
 * faster than 546 a second. A connection further behind than that counts as lagging and is replaced.
 */
const MERGE_WINDOW_MS = 60_000;
const MERGE_MAX_REMEMBERED = 32_768;
const MERGE_MAX_HELD = 2048;

export function healthOf(options: {
  readonly silenceMs: number;
  readonly staleMs: number;
  readonly noticeStalls: boolean;
}): HealthOptions {
  return {
    probeTimeoutMs: PROBE_TIMEOUT_MS,
    silenceMs: options.silenceMs,
    staleMs: options.staleMs,
    stalls: options.noticeStalls,
  };
}

/** The merge of a slot's connections, sized for the watchdog's staleMs. */
export function laneMerge(staleMs: number, forward: (stream: string, text: string) => void): StreamMerge {
  return new StreamMerge(
    {
      windowMs: MERGE_WINDOW_MS,
      maxRememberedPerStream: MERGE_MAX_REMEMBERED,
      // Long enough to wait for a lagging connection (one lagging by staleMs is replaced anyway).
      holdMs: Math.floor(staleMs / 2),
      maxHeldFrames: MERGE_MAX_HELD,
    },
    forward,
  );
}

/** Why the connection should be replaced, or null while it looks healthy. */
export function unhealthyLink<C extends Link>(
  slot: Slot<C>,
  link: C,
  merge: StreamMerge,
  health: HealthOptions,
  now: number,
): string | null {
  let worstLagMs = 0;
  for (const [stream, ackedAt] of link.subscribed) {
    if (now - ackedAt <= health.staleMs) continue;
    worstLagMs = Math.max(worstLagMs, merge.lagMs(stream, link.id, ackedAt, now));
  }
  return unhealthyReason(link.stats, { worstLagMs, setLastDataAt: lastDataOf(slot) }, now, health);
}

/** Whether some open connection of the slot is judged unhealthy. */
export function hasUnhealthy<C extends Link>(
  slot: Slot<C>,
  merge: StreamMerge,
  health: HealthOptions,
  now: number,
): boolean {
  return slot.lanes.some((lane) =>
    liveOf(lane).some(
      (link) => link.state === "open" && unhealthyLink(slot, link, merge, health, now) !== null,
    ),
  );
}

/** The earliest time, after now, at which a connection would be judged unhealthy if no frame came. */
export function nextDeadline<C extends Link>(
  slots: readonly Slot<C>[],
  health: HealthOptions,
  now: number,
): number | null {
  let next: number | null = null;
  for (const slot of slots) {
    const setLastDataAt = lastDataOf(slot);
    for (const link of slot.lanes.flatMap((lane) => liveOf(lane))) {
      if (link.state !== "open") continue;
      const at = nextQuietDeadline(link.stats, setLastDataAt, health);
      // Deadlines already passed are being acted on (or wait for the other lane to be ready: see ready()).
      if (at !== null && at > now) next = Math.min(next ?? at, at);
    }
  }
  return next;
}
