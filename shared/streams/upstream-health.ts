// When an upstream stream connection should be replaced. Workers cannot ping Binance, so health is judged from
// what the connection delivers, against the other connections carrying the same streams:
// - a LIST_SUBSCRIPTIONS probe left unanswered: the connection is dead even if TCP has not noticed;
// - lagging: an event another connection delivered more than staleMs ago never came over this one;
// - silent: nothing for silenceMs on a connection whose own rate promised many frames in that time. A quiet
//   market is not a fault: a connection carrying rare streams (liquidations of one symbol) is never "silent",
//   and a connection that has delivered nothing yet has no rate to break.
// Pure: time and measurements are passed in.

export interface LinkStats {
  readonly probeSentAt: number | null;
  /** Data frames received, and when the first and the latest arrived (0 before any). */
  readonly dataFrames: number;
  readonly firstDataAt: number;
  readonly lastDataAt: number;
}

export interface HealthOptions {
  readonly probeTimeoutMs: number;
  readonly silenceMs: number;
  readonly staleMs: number;
}

/** Frames the connection's own rate must have promised during a silence before the silence counts. */
export const SILENT_AFTER_EXPECTED_FRAMES = 20;

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
  if (stats.dataFrames >= 2 && quiet >= options.silenceMs) {
    const perMs = (stats.dataFrames - 1) / Math.max(1, stats.lastDataAt - stats.firstDataAt);
    if (perMs * quiet >= SILENT_AFTER_EXPECTED_FRAMES) return "silent";
  }
  return null;
}
