// The failure policy of one call to Binance, as a table from what an attempt got to what happens next; the egress
// object carries it out (workers/egress/execute-call.ts). Pure: the time and the jitter are passed in.
// - reads (GET) are retried on 5xx, timeouts and network errors, with jittered exponential back-off;
// - writes are never sent twice blindly: an order whose outcome is unknown (503 "Unknown error", a 5xx that is
//   not a documented failure, a timeout) is reconciled by querying its client order id; other writes return
//   Binance's answer or -1007;
// - -1021 (timestamp) resynchronises the clock and retries once: Binance rejected it before executing it;
// - 429/418 record a back-off (checked before every attempt) and pass Binance's answer on; 451, HTML 403 and
//   redirects become explained errors.

import type { HttpMethod, Security } from "../catalog/types.ts";
import type { GatewayErrorReason } from "../errors.ts";
import type { Ban } from "./ban.ts";
import { classifyResponse } from "./outcome.ts";
import { retryDelayMs } from "./retry.ts";

const RETRY_BASE_MS = 200;

/** What the policy needs to know of the call. */
export interface CallShape {
  readonly method: HttpMethod;
  readonly security: Security;
  /** The call carries client order ids to look its outcome up by (shared/rest/egress-request.ts). */
  readonly reconcilable: boolean;
}

export interface AttemptState {
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Read retries left after a 5xx, a timeout or a network error. */
  readonly retriesLeft: number;
  /** Whether a -1021 may still resynchronise the clock and send again. */
  readonly timestampRetry: boolean;
}

/** What one attempt got; `reply` is the caller's own handle on Binance's answer, handed back with "answer". */
export type AttemptResult<R> =
  | { readonly kind: "no-answer"; readonly cause: "timeout" | "network" }
  | {
      readonly kind: "answer";
      readonly status: number;
      readonly retryAfter: string | null;
      /** The body as text; only error statuses are read, so "" will do for the others. */
      readonly body: string;
      readonly reply: R;
    };

export type NextStep<R> =
  /** Send again after `delayMs`. */
  | { readonly kind: "retry"; readonly delayMs: number; readonly next: AttemptState }
  /** Resynchronise the clock, then send again at once. */
  | { readonly kind: "resync-clock"; readonly next: AttemptState }
  /** The outcome of the write is unknown: look it up. */
  | { readonly kind: "reconcile" }
  /** Pass Binance's answer on, after recording `ban` when there is one. */
  | { readonly kind: "answer"; readonly reply: R; readonly ban: Ban | null }
  | { readonly kind: "fail"; readonly reason: GatewayErrorReason };

export interface AttemptReport<R> {
  readonly call: CallShape;
  readonly state: AttemptState;
  readonly result: AttemptResult<R>;
  readonly now: number;
  /** A number in [0, 1) for the retry's jitter. */
  readonly random: number;
}

export function firstAttempt(call: CallShape, getRetries: number): AttemptState {
  return {
    attempt: 1,
    retriesLeft: call.method === "GET" ? getRetries : 0,
    timestampRetry: call.security === "SIGNED",
  };
}

export function nextStep<R>({ call, state, result, now, random }: AttemptReport<R>): NextStep<R> {
  const retry: NextStep<R> | null =
    state.retriesLeft === 0
      ? null
      : {
          kind: "retry",
          delayMs: retryDelayMs(state.attempt - 1, RETRY_BASE_MS, random),
          next: { ...state, attempt: state.attempt + 1, retriesLeft: state.retriesLeft - 1 },
        };
  if (result.kind === "no-answer") {
    if (retry !== null) return retry;
    if (call.method === "GET")
      return { kind: "fail", reason: { kind: "upstream-unreachable", cause: result.cause } };
    if (call.reconcilable) return { kind: "reconcile" };
    return { kind: "fail", reason: { kind: "upstream-timeout" } };
  }
  const answer: NextStep<R> = { kind: "answer", reply: result.reply, ban: null };
  const outcome = classifyResponse(result.status, result.retryAfter, result.body, now);
  switch (outcome.kind) {
    case "pass-through":
      return answer;
    case "restricted-location":
      return { kind: "fail", reason: { kind: "upstream-restricted-location", status: result.status } };
    case "blocked":
      return { kind: "fail", reason: { kind: "upstream-blocked", status: result.status } };
    case "rate-limited":
      return { ...answer, ban: { status: outcome.status, code: outcome.code, until: outcome.until } };
    case "timestamp-rejected":
      if (!state.timestampRetry) return answer;
      return { kind: "resync-clock", next: { ...state, attempt: state.attempt + 1, timestampRetry: false } };
    case "execution-unknown":
    case "server-error":
      if (retry !== null) return retry;
      if (outcome.kind === "execution-unknown" && call.reconcilable) return { kind: "reconcile" };
      return answer;
  }
}
