// User data streams behind relay listen keys: what the account's user stream object answers the gateway,
// and the frames it sends the relays that hold clients of a key. Payloads pass through as Binance sent them;
// only the envelope's stream name is the relay key, never Binance's listen key.

import type { GatewayErrorReason } from "../errors.ts";

/** Close code of a relay's feed whose key lapsed or was revoked: not to be reopened. */
export const KEY_ENDED = 4410;

/** The answer to a listen-key REST call (POST / PUT / DELETE), before it is rendered in Binance's shape. */
export type ListenKeyReply =
  | { readonly kind: "ok"; readonly listenKey: string | null }
  /** Binance's -1125: no such key (unknown, expired, revoked, or another client's). */
  | { readonly kind: "missing" }
  /** Binance would not give the account a listen key: its answer, or why there was none. */
  | {
      readonly kind: "failed";
      readonly status: number;
      readonly body: string;
      readonly reason: GatewayErrorReason | null;
    };

/** The user data event types Binance documents for futures; `events=` filters may name only these. */
export const USER_EVENTS = [
  "ORDER_TRADE_UPDATE",
  "ACCOUNT_UPDATE",
  "ALGO_UPDATE",
  "TRADE_LITE",
  "MARGIN_CALL",
  "ACCOUNT_CONFIG_UPDATE",
  "STRATEGY_UPDATE",
  "GRID_UPDATE",
  "CONDITIONAL_ORDER_TRIGGER_REJECT",
  "listenKeyExpired",
] as const;

/**
 * The `e` member of an event payload, read without parsing the payload (it may hold ids above 2^53). Binance
 * writes it first; a payload that does not is searched for it.
 */
export function eventTypeOf(payload: string): string | null {
  const match =
    /^\{\s*"e"\s*:\s*"([A-Za-z_]{1,64})"/.exec(payload) ??
    /[{,]\s*"e"\s*:\s*"([A-Za-z_]{1,64})"/.exec(payload);
  return match?.[1] ?? null;
}

/** Binance's expiry event, as a client of the relay key sees it. */
export function listenKeyExpiredEvent(relayKey: string, now: number): string {
  return `{"e":"listenKeyExpired","E":${now},"listenKey":"${relayKey}"}`;
}

/** A notice frame on the internal socket: the account's stream had a gap (or recovered from one). */
export function userNotice(notice: string, now: number): string {
  return `{"relay":"${notice}","time":${now}}`;
}

/** The notice a frame carries, or null for an event. */
export function noticeOf(frame: string): string | null {
  return /^\{"relay":"(reconnecting|reconnected|stale)"/.exec(frame)?.[1] ?? null;
}
