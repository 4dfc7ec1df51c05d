// Binance's server time as the gateway sees it: local clock plus an offset learned from GET /time, assuming
// the answer was produced half-way through the round trip (the estimate every SDK that syncs uses). The first
// signed call of a market waits for a sync; later ones refresh a stale offset without waiting for it.

const CLOCK_RESYNC_MS = 10 * 60_000;

export interface ClockOffset {
  /** Server time minus local time, in ms. */
  readonly offset: number;
  /** Local time of the sync. */
  readonly syncedAt: number;
}

/** "sync": none yet, wait for one; "refresh": stale, sync in the background; "fresh": use it. */
export type ClockNeed = "sync" | "refresh" | "fresh";

export function clockNeed(clock: ClockOffset | undefined, now: number): ClockNeed {
  if (clock === undefined) return "sync";
  return now - clock.syncedAt > CLOCK_RESYNC_MS ? "refresh" : "fresh";
}

export function offsetFromServerTime(serverTime: number, sentAt: number, receivedAt: number): number {
  return Math.round(serverTime - (sentAt + receivedAt) / 2);
}

/** `serverTime` from GET /time's answer, or null for anything else. */
export function readServerTime(body: string): number | null {
  try {
    const parsed = JSON.parse(body) as { serverTime?: unknown } | null;
    return typeof parsed?.serverTime === "number" ? parsed.serverTime : null;
  } catch {
    return null;
  }
}
