// When an upstream stream connection should be replaced. Workers cannot ping Binance, so health is judged from
// what the connection delivers, against the other connections carrying the same streams:
// - a LIST_SUBSCRIPTIONS probe left unanswered: the connection is dead even if TCP has not noticed;
// - lagging: an event another connection delivered more than staleMs ago never came over this one;
// - silent: nothing for silenceMs, and for ten times the longest pause between its frames so far, on a
//   connection that has delivered at least 20 frames since it opened or last dropped a stream. A quiet market
//   is not a fault: a connection carrying bursty or rare streams (liquidations) has long pauses on record, and
//   one with too few frames has no pattern to break. A steady stream (aggTrade of a major symbol, markPrice@1s)
//   that stops is caught. Both lanes share a pattern, so a market that truly falls quiet costs at most one
//   replacement per lane (their successors start with no record).
// Pure: time and measurements are passed in.

export interface LinkStats {
  readonly probeSentAt: number | null;
  /** Data frames since the connection opened or last dropped a stream. */
  readonly dataFrames: number;
  /** The longest pause between two of those frames. */
  readonly longestGapMs: number;
  /** When the latest data frame arrived (0 before any). */
  readonly lastDataAt: number;
}

type FrameRecord = { dataFrames: number; longestGapMs: number; lastDataAt: number };

export function recordFrame(stats: FrameRecord, now: number): void {
  if (stats.dataFrames > 0) stats.longestGapMs = Math.max(stats.longestGapMs, now - stats.lastDataAt);
  stats.dataFrames++;
  stats.lastDataAt = now;
}

/** Forgets the pattern (a stream was dropped, so the connection's frames will look different). */
export function resetFrames(stats: FrameRecord): void {
  stats.dataFrames = 0;
  stats.longestGapMs = 0;
}

export interface HealthOptions {
  readonly probeTimeoutMs: number;
  readonly silenceMs: number;
  readonly staleMs: number;
}

/** Frames on record before a silence can count, and how many longest pauses a silence must last. */
export const SILENCE_MIN_FRAMES = 20;
export const SILENCE_GAP_FACTOR = 10;

/** Why the connection should be replaced, or null while it looks healthy. `worstLagMs`: see StreamMerge.lagMs. */
export function unhealthyReason(
  stats: LinkStats,
  worstLagMs: number,
  now: number,
  options: HealthOptions,
): string | null {
  if (stats.probeSentAt !== null && now - stats.probeSentAt > options.probeTimeoutMs)
    return "probe unanswered";
  if (worstLagMs > options.staleMs) return "lagging";
  const quiet = now - stats.lastDataAt;
  if (
    stats.dataFrames >= SILENCE_MIN_FRAMES &&
    quiet >= options.silenceMs &&
    quiet >= SILENCE_GAP_FACTOR * stats.longestGapMs
  )
    return "silent";
  return null;
}
