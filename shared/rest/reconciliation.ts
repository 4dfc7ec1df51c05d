// Settling an order whose outcome is unknown, by looking it up under the client order id the gateway made sure it
// carries: which lookups to make, and what each answer settles. Pure (times are passed in); the egress object
// makes the lookups (workers/egress/reconcile.ts).
// - Found, created no earlier than the request, with the side and quantity that were sent: the order exists.
//   Any other order under the same id (callers may reuse the ids of closed orders) does not count, and leaves
//   the outcome unknown.
// - "Not placed" is only concluded once Binance can no longer accept the order: Binance checks recvWindow again
//   at the matching engine (-5028), so past timestamp + recvWindow (plus a margin for clock error) a late order
//   cannot appear. Until then the lookups go on; a short silence proves nothing.
// - A back-off, or the window outlasting MAX_WAIT_MS: the outcome stays unknown, with the id to check.

import { effectiveRecvWindow } from "../auth/timestamp.ts";
import type { Market } from "../catalog/types.ts";
import { readBinanceError } from "../encoding/binance-error.ts";
import type { Param } from "../encoding/query.ts";
import type { EgressReply } from "./egress-reply.ts";
import type { EgressRequest, SentOrder } from "./egress-request.ts";

const LOOKUP_DELAYS_MS = [250, 500, 1000];
const WINDOW_MARGIN_MS = 2000;
const MAX_WAIT_MS = 20_000;
/** An order "created" this much before the request's timestamp is an older order under a reused id. */
const CLOCK_SLACK_MS = 1000;
const ORDER_DOES_NOT_EXIST = -2013;

export interface LookupDeadline {
  /** The server time the request carried. */
  readonly stampedAt: number;
  /** Server time after which Binance can no longer accept the order. */
  readonly closesAt: number;
  /** Local time after which the lookups stop. */
  readonly giveUpAt: number;
}

/** One order to look up: where, with what, and what was sent under its id. */
export interface OrderLookup {
  readonly clientOrderId: string;
  readonly path: string;
  readonly params: Param[];
  readonly sent: SentOrder;
}

export interface LookupState {
  /** 0 for the first lookup. */
  readonly attempt: number;
  /** A lookup found another order under the id. */
  readonly sawOtherOrder: boolean;
}

export type LookupStep =
  | {
      readonly kind: "found";
      readonly body: ArrayBuffer;
      readonly headers: Readonly<Record<string, string>>;
    }
  | { readonly kind: "settled"; readonly outcome: "absent" | "unknown" }
  | { readonly kind: "wait"; readonly delayMs: number; readonly next: LookupState };

export const FIRST_LOOKUP: LookupState = { attempt: 0, sawOtherOrder: false };

export function lookupDeadline(request: EgressRequest, stampedAt: number, now: number): LookupDeadline {
  const recvWindow = effectiveRecvWindow(paramOf(request, "recvWindow")) ?? 5000;
  return { stampedAt, closesAt: stampedAt + recvWindow + WINDOW_MARGIN_MS, giveUpAt: now + MAX_WAIT_MS };
}

/** The lookups that settle the request: one per order, in the batch's order for a batch. */
export function orderLookups(request: EgressRequest): OrderLookup[] {
  const target = request.reconcile;
  if (target === null) return [];
  const orderPath = request.market === "um" ? "/fapi/v1/order" : "/dapi/v1/order";
  const byOrderId = (order: { symbol: string; clientOrderId: string; sent: SentOrder }): OrderLookup => ({
    clientOrderId: order.clientOrderId,
    path: orderPath,
    params: [
      ["symbol", order.symbol],
      ["origClientOrderId", order.clientOrderId],
    ],
    sent: order.sent,
  });
  if (target.kind === "batch") return target.orders.map(byOrderId);
  if (target.kind === "order") return [byOrderId(target)];
  const id = target.clientAlgoId;
  return [
    { clientOrderId: id, path: "/fapi/v1/algoOrder", params: [["clientAlgoId", id]], sent: target.sent },
  ];
}

/** The signed GET that makes a lookup for `account`. */
export function lookupRequest(account: string, market: Market, lookup: OrderLookup): EgressRequest {
  return {
    account,
    market,
    method: "GET",
    path: lookup.path,
    security: "SIGNED",
    query: lookup.params,
    body: null,
    countsAsOrder: false,
    reconcile: null,
  };
}

export interface LookupReport {
  readonly reply: EgressReply;
  readonly sent: SentOrder;
  readonly deadline: LookupDeadline;
  readonly state: LookupState;
  /** Binance's time (as the gateway estimates it) when the lookup was sent. */
  readonly serverTimeAtSend: number;
  readonly now: number;
}

/** What one lookup's answer settles, or how long to wait before the next. */
export function judgeLookup({
  reply,
  sent,
  deadline,
  state,
  serverTimeAtSend,
  now,
}: LookupReport): LookupStep {
  if (reply.kind === "error" && reply.reason.kind === "upstream-banned")
    return { kind: "settled", outcome: "unknown" };
  let sawOtherOrder = state.sawOtherOrder;
  if (reply.kind === "response" && reply.status === 200) {
    if (isTheSentOrder(new TextDecoder().decode(reply.body), sent, deadline.stampedAt))
      return { kind: "found", body: reply.body, headers: reply.headers };
    sawOtherOrder = true;
  }
  const absent =
    reply.kind === "response" &&
    readBinanceError(new TextDecoder().decode(reply.body))?.code === ORDER_DOES_NOT_EXIST;
  const windowClosed = serverTimeAtSend > deadline.closesAt;
  if (windowClosed && (absent || sawOtherOrder))
    return { kind: "settled", outcome: sawOtherOrder ? "unknown" : "absent" };
  if (now >= deadline.giveUpAt) return { kind: "settled", outcome: "unknown" };
  const delayMs = LOOKUP_DELAYS_MS[Math.min(state.attempt, LOOKUP_DELAYS_MS.length - 1)] ?? 1000;
  return { kind: "wait", delayMs, next: { attempt: state.attempt + 1, sawOtherOrder } };
}

/**
 * Whether a found order is the one this request sent: created (`time`, or `createTime` for algo orders) no
 * earlier than the request's timestamp allowing for clock error, and with the side and quantity that were
 * sent. Fields Binance does not return are not held against it.
 */
export function isTheSentOrder(body: string, sent: SentOrder, stampedAt: number): boolean {
  let order: { time?: unknown; createTime?: unknown; side?: unknown; origQty?: unknown; quantity?: unknown };
  try {
    order = JSON.parse(body) as typeof order;
  } catch {
    return false;
  }
  const created = order.time ?? order.createTime;
  if (typeof created === "number" && created < stampedAt - CLOCK_SLACK_MS) return false;
  if (sent.side !== null && typeof order.side === "string" && order.side !== sent.side.toUpperCase())
    return false;
  const quantity = order.origQty ?? order.quantity;
  if (sent.quantity !== null && typeof quantity === "string" && Number(quantity) !== Number(sent.quantity)) {
    return false;
  }
  return true;
}

function paramOf(request: EgressRequest, name: string): string | undefined {
  return [...request.query, ...(request.body ?? [])].find(([n]) => n === name)?.[1];
}
