// Binance's server time as the gateway sees it: local clock plus an offset learned from GET /time, assuming
// the answer was produced half-way through the round trip (the estimate every SDK that syncs uses).

export const CLOCK_RESYNC_MS = 10 * 60_000;

export function offsetFromServerTime(serverTime: number, sentAt: number, receivedAt: number): number {
  return Math.round(serverTime - (sentAt + receivedAt) / 2);
}
