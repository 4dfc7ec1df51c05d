// Recognising an exact replay of a caller's write. Binance refuses a repeated client order id only while that
// order is open, and the gateway gives each request its own id, so three copies of one signed order would make
// three orders. The egress object answers a copy with the original's outcome instead (workers/egress/replays.ts).
// - Drop-in writes: same client, market, method, path and signature. The signature covers every parameter,
//   timestamp and recvWindow included, so an equal one means the same request, however its parameters are split
//   between query and body; hex case does not matter, as in the check.
// - Bearer-token writes that carry a timestamp: the same parameters in the same order, timestamp included. A
//   caller that sends a timestamp asks for replay protection (docs/rest.md); without one, two equal orders are two.
// The guard lasts while the caller's timestamp check could still accept the copy: timestamp + recvWindow, plus a
// margin for clock differences between the Worker that checks and the object that remembers.

import { effectiveRecvWindow } from "../auth/timestamp.ts";
import type { HttpMethod, Market, Security } from "../catalog/types.ts";
import { toHex, utf8 } from "../encoding/bytes.ts";
import type { Param } from "../encoding/query.ts";

export interface ReplayGuard {
  /** SHA-256 (hex) of who sent what; neither the signature nor the parameters are kept. */
  readonly key: string;
  /** Local time (ms) after which the timestamp check refuses a copy anyway, and the record can go. */
  readonly expiresAt: number;
}

export interface GuardedCall {
  readonly client: string;
  readonly mode: "drop-in" | "token";
  readonly market: Market;
  readonly method: HttpMethod;
  readonly path: string;
  readonly security: Security;
  /** The caller's decoded parameters, query then body, signature included. */
  readonly params: readonly Param[];
}

export const REPLAY_MARGIN_MS = 2000;
const DIGITS = /^[0-9]{1,20}$/;

/** The guard for a write that must not run twice, or null (reads, unsigned endpoints, untimed token calls). */
export async function replayGuardFor(call: GuardedCall): Promise<ReplayGuard | null> {
  if (call.method === "GET" || call.security !== "SIGNED") return null;
  const value = (name: string) => call.params.find(([n]) => n === name)?.[1];
  const timestamp = value("timestamp");
  const recvWindow = effectiveRecvWindow(value("recvWindow"));
  if (timestamp === undefined || !DIGITS.test(timestamp) || recvWindow === null) return null;
  const signature = value("signature");
  if (call.mode === "drop-in" && (signature === undefined || signature === "")) return null;
  const what =
    call.mode === "drop-in"
      ? (signature ?? "").toLowerCase()
      : JSON.stringify(call.params.filter(([name]) => name !== "signature"));
  const text = [call.mode, call.client, call.market, call.method, call.path, what].join("\n");
  const digest = await crypto.subtle.digest("SHA-256", utf8.encode(text));
  return {
    key: toHex(new Uint8Array(digest)),
    expiresAt: Number(timestamp) + recvWindow + REPLAY_MARGIN_MS,
  };
}
