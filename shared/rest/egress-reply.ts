// What the egress object answers for one call to Binance: Binance's response (status, headers and body bytes,
// never re-serialised), or the gateway's own reason for not having one. The contract between the egress object
// and everything that calls Binance through it (the REST gateway, the order desks, the user stream objects).

import { errorBody, type GatewayErrorReason, toWireError } from "../errors.ts";
import type { ReplayGuard } from "./replay-guard.ts";

export type EgressReply =
  | {
      readonly kind: "response";
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      readonly body: ArrayBuffer;
      /** Set when the answer comes from reconciliation rather than from the original call. */
      readonly reconciled?: "found" | "batch";
      /** Set when this is the stored answer to an earlier, identical write (shared/rest/replay-guard.ts). */
      readonly replayed?: true;
    }
  | { readonly kind: "error"; readonly reason: GatewayErrorReason; readonly replayed?: true };

/** Who a call is made for: whose request-weight budget it spends and, for a caller's own write, its guard. */
export interface CallOrigin {
  readonly caller: { readonly kind: "client" | "hook" | "user-stream" | "relay"; readonly name: string };
  /** The caller's budget per market and minute; null: the default (shared/rest/weight-ledger.ts). */
  readonly weightPerMinute: number | null;
  readonly replay: ReplayGuard | null;
  /**
   * Set on a lookup the gateway makes only to carry out a protective write (the order an algo cancel names by
   * id): it may use the weight reserve as the write may, or the cancel could never go out once the rest is spent.
   */
  readonly forProtectiveWrite?: true;
}

/** The caller as refusals name it: "client 'bot'", "hook 'tv'", "user stream 'main'", "relay 'um'". */
export function callerLabel(origin: CallOrigin): string {
  const kind = origin.caller.kind === "user-stream" ? "user stream" : origin.caller.kind;
  return `${kind} '${origin.caller.name}'`;
}

/** A reply as callers that hold answers as text see it (the order desks, the user stream objects). */
export interface ReplyText {
  /** Binance's status, or the one the gateway's reason is rendered with. */
  readonly status: number;
  /** Binance's body, or the gateway's reason in Binance's `{"code":..,"msg":".."}` shape. */
  readonly body: string;
  /** The gateway's reason when there is no answer from Binance. */
  readonly reason: GatewayErrorReason | null;
}

export function replyText(reply: EgressReply): ReplyText {
  if (reply.kind === "error")
    return { status: toWireError(reply.reason).status, body: errorBody(reply.reason), reason: reply.reason };
  return { status: reply.status, body: new TextDecoder().decode(reply.body), reason: null };
}
