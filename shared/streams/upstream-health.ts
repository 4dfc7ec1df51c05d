// When an upstream stream connection should be replaced. Workers cannot ping Binance, so health is judged from
// what the connection delivers, against the other connections carrying the same streams:
// - a LIST_SUBSCRIPTIONS probe left unanswered: the connection is dead even if TCP has not noticed;
// - lagging: an event another connection delivered more than staleMs ago never came over this one;
// - stalled: a steady connection (a stream with 20 frames on record, none more than staleMs / 3 apart) while
//   nothing came on any connection of its set for staleMs: every lane stopped at once, so there is no twin to lag
//   behind. This is noticed staleMs after the set's last frame (the pool wakes at that deadline) instead of after
//   silenceMs.
// - silent: nothing for silenceMs, and for ten times the longest pause of its steadiest stream, on a connection
//   with a stream that has delivered at least 20 frames.
// Patterns are kept per stream (patternOf): a stream dropped takes its own pattern with it, so the steady stream
// of a set that goes quiet once it is dropped raises no alarm, while another caller dropping streams of its own,
// however often, leaves the patterns that a stall is judged by alone.
// A quiet market is not a fault: a connection carrying bursty or rare streams (liquidations) has long pauses on
// record, so only the slow silent rule applies to it, and one with too few frames has no pattern to break. A
// steady stream (aggTrade of a major symbol, markPrice@1s) that stops is caught. Lanes share a pattern, so a
// market that truly falls quiet after flowing steadily costs at most one replacement per lane (their
// successors start with no record).
// Pure: time and measurements are passed in.

export interface LinkStats {
  readonly probeSentAt: number | null;
  /** Data frames of the connection's steadiest stream (see patternOf). */
  readonly dataFrames: number;
  /** The longest pause between two of those frames. */
  readonly longestGapMs: number;
  /** When the latest data frame arrived (0 before any). */
  readonly lastDataAt: number;
}

/** One stream's frames on one connection. */
export type FrameRecord = { dataFrames: number; longestGapMs: number; lastDataAt: number };

export function recordFrame(stats: FrameRecord, now: number): void {
  if (stats.dataFrames > 0) stats.longestGapMs = Math.max(stats.longestGapMs, now - stats.lastDataAt);
  stats.dataFrames++;
  stats.lastDataAt = now;
}

/**
 * The pattern a connection is judged by: that of its steadiest stream with enough frames on record (the
 * shortest longest pause), or else of the stream with the most frames (too few for any rule).
 */
export function patternOf(records: Iterable<FrameRecord>): { dataFrames: number; longestGapMs: number } {
  let best: FrameRecord | null = null;
  for (const record of records) {
    const ready = record.dataFrames >= SILENCE_MIN_FRAMES;
    const bestReady = best !== null && best.dataFrames >= SILENCE_MIN_FRAMES;
    if (
      best === null ||
      (ready && (!bestReady || record.longestGapMs < best.longestGapMs)) ||
      (!ready && !bestReady && record.dataFrames > best.dataFrames)
    )
      best = record;
  }
  return { dataFrames: best?.dataFrames ?? 0, longestGapMs: best?.longestGapMs ?? 0 };
}

export interface HealthOptions {
  readonly probeTimeoutMs: number;
  readonly silenceMs: number;
  readonly staleMs: number;
  /** Whether the stall rule applies (not to user data, which is bursty by nature: orders come in flurries). */
  readonly stalls: boolean;
}

/** Frames on record before a silence can count, and how many longest pauses a silence must last. */
export const SILENCE_MIN_FRAMES = 20;
export const SILENCE_GAP_FACTOR = 10;
/** A connection is steady when this many of its longest pauses fit in staleMs. */
export const STALL_GAP_FACTOR = 3;

/**
 * Why the connection should be replaced, or null while it looks healthy. `worstLagMs`: see StreamMerge.lagMs;
 * `setLastDataAt`: the latest frame on any connection of its set (0 before any).
 */
export function unhealthyReason(
  stats: LinkStats,
  measured: { readonly worstLagMs: number; readonly setLastDataAt: number },
  now: number,
  options: HealthOptions,
): string | null {
  if (stats.probeSentAt !== null && now - stats.probeSentAt > options.probeTimeoutMs)
    return "probe unanswered";
  if (measured.worstLagMs > options.staleMs) return "lagging";
  const stall = options.stalls ? stallDeadline(stats, measured.setLastDataAt, options) : null;
  if (stall !== null && now >= stall) return "stalled";
  const silence = silenceDeadline(stats, options);
  if (silence !== null && now >= silence) return "silent";
  return null;
}

/** When a steady connection counts as stalled if no frame comes on its set before; null if it is not steady. */
export function stallDeadline(
  stats: LinkStats,
  setLastDataAt: number,
  options: HealthOptions,
): number | null {
  if (stats.dataFrames < SILENCE_MIN_FRAMES || STALL_GAP_FACTOR * stats.longestGapMs > options.staleMs)
    return null;
  return Math.max(stats.lastDataAt, setLastDataAt) + options.staleMs;
}

/** When the connection counts as silent if no frame comes before; null with too few frames on record. */
export function silenceDeadline(stats: LinkStats, options: HealthOptions): number | null {
  if (stats.dataFrames < SILENCE_MIN_FRAMES) return null;
  return stats.lastDataAt + Math.max(options.silenceMs, SILENCE_GAP_FACTOR * stats.longestGapMs);
}

/** The next time the connection's judgement could change with no frame arriving (a deadline above), or null. */
export function nextQuietDeadline(
  stats: LinkStats,
  setLastDataAt: number,
  options: HealthOptions,
): number | null {
  const stall = options.stalls ? stallDeadline(stats, setLastDataAt, options) : null;
  const silence = silenceDeadline(stats, options);
  if (stall === null) return silence;
  return silence === null ? stall : Math.min(stall, silence);
}
