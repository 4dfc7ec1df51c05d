// Binance's freshness rule, applied to callers exactly as Binance applies it to us:
// accept iff timestamp < now + 1000 and now - timestamp <= recvWindow. recvWindow defaults to 5000 and is
// capped at 60000 (Binance's documented maximum), so a caller cannot open a wider replay window than that.

import { err, ok, type Result } from "../result.ts";

export const DEFAULT_RECV_WINDOW = 5000;
export const MAX_RECV_WINDOW = 60_000;
const MAX_AHEAD_MS = 1000;
const DIGITS = /^[0-9]{1,20}$/;

export type TimestampError =
  | { readonly kind: "timestamp-missing" }
  | { readonly kind: "param-malformed"; readonly name: "timestamp" | "recvWindow" }
  | { readonly kind: "timestamp-ahead" }
  | { readonly kind: "timestamp-outside-window" };

/** recvWindow as sent (or the default), capped; null when it is not a whole number of milliseconds. */
export function effectiveRecvWindow(text: string | undefined): number | null {
  if (text === undefined) return DEFAULT_RECV_WINDOW;
  if (!DIGITS.test(text)) return null;
  return Math.min(Number(text), MAX_RECV_WINDOW);
}

export function checkTimestamp(
  timestampText: string | undefined,
  recvWindowText: string | undefined,
  now: number,
): Result<void, TimestampError> {
  if (timestampText === undefined || timestampText === "") return err({ kind: "timestamp-missing" });
  if (!DIGITS.test(timestampText)) return err({ kind: "param-malformed", name: "timestamp" });
  const recvWindow = effectiveRecvWindow(recvWindowText);
  if (recvWindow === null) return err({ kind: "param-malformed", name: "recvWindow" });
  const timestamp = Number(timestampText);
  if (timestamp >= now + MAX_AHEAD_MS) return err({ kind: "timestamp-ahead" });
  if (now - timestamp > recvWindow) return err({ kind: "timestamp-outside-window" });
  return ok(undefined);
}
