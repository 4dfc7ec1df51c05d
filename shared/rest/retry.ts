// Retries of idempotent reads: exponential back-off with jitter, so many isolates retrying after the same
// hiccup at Binance do not arrive together.

/** Delay before retry `attempt` (0-based): exponential from `baseMs`, with jitter in [50%, 100%]. */
export function retryDelayMs(attempt: number, baseMs: number, random: number): number {
  return Math.round(baseMs * 2 ** attempt * (0.5 + random / 2));
}
