// The call the gateway makes to Binance, before signing: what the Worker hands to the egress object.
// Parameters keep the caller's order and placement (query or form body), so a request from an unmodified
// Binance client goes to Binance with the same structure it arrived with, re-signed with the real key.

import type { HttpMethod, Market, Security } from "../catalog/types.ts";
import { encodeParams, type Param } from "../encoding/query.ts";
import type { GatewayErrorReason } from "../errors.ts";

export interface EgressRequest {
  /** The Binance account (shared/auth/accounts.ts) whose key signs the call. */
  readonly account: string;
  readonly market: Market;
  readonly method: HttpMethod;
  readonly path: string;
  readonly security: Security;
  /** Query-string parameters in order. For SIGNED calls a `timestamp` entry marks where the fresh one goes. */
  readonly query: readonly Param[];
  /** Form-body parameters in order, or null for no body. */
  readonly body: readonly Param[] | null;
  /** Counts against Binance's order-rate limits (new and modified orders), so a -1015 hold applies to it. */
  readonly countsAsOrder: boolean;
  /** How to learn the real outcome when Binance answers "execution status unknown". */
  readonly reconcile: Reconcile | null;
}

export type Reconcile =
  | {
      readonly kind: "order";
      readonly symbol: string;
      readonly clientOrderId: string;
      readonly sent: SentOrder;
    }
  | { readonly kind: "algo"; readonly clientAlgoId: string; readonly sent: SentOrder }
  | {
      readonly kind: "batch";
      readonly orders: readonly {
        readonly symbol: string;
        readonly clientOrderId: string;
        readonly sent: SentOrder;
      }[];
    };

/** What was asked for, so that an older order under a reused client order id is not taken for this one. */
export interface SentOrder {
  readonly side: string | null;
  readonly quantity: string | null;
}

export interface WireRequest {
  /** Encoded query string without "?" ("" for none). */
  readonly query: string;
  /** Encoded form body, or null. */
  readonly body: string | null;
}

/**
 * Puts the timestamp in (replacing the caller's value where the caller placed it, else appending it to the body
 * when there is one, or the query) and returns the encoded parts plus the string Binance verifies:
 * query + body with no separator. The signature then goes last, after whatever carries the payload's end.
 */
export function stampRequest(
  request: EgressRequest,
  timestamp: number,
): { wire: WireRequest; payload: string } {
  const stamp = (params: readonly Param[]): Param[] =>
    params.map(([name, value]): Param => (name === "timestamp" ? [name, String(timestamp)] : [name, value]));
  const query = stamp(request.query);
  const body = request.body === null ? null : stamp(request.body);
  const has = (params: readonly Param[] | null) => params?.some(([name]) => name === "timestamp") ?? false;
  if (!has(query) && !has(body))
    (body !== null && body.length > 0 ? body : query).push(["timestamp", String(timestamp)]);
  const wire = { query: encodeParams(query), body: body === null ? null : encodeParams(body) };
  return { wire, payload: wire.query + (wire.body ?? "") };
}

export function appendSignature(wire: WireRequest, signature: string): WireRequest {
  const param = encodeParams([["signature", signature]]);
  const join = (text: string) => (text.length > 0 ? `${text}&${param}` : param);
  return wire.body !== null && wire.body.length > 0
    ? { query: wire.query, body: join(wire.body) }
    : { query: join(wire.query), body: wire.body };
}

export function unsignedWire(request: EgressRequest): WireRequest {
  return {
    query: encodeParams(request.query),
    body: request.body === null ? null : encodeParams(request.body),
  };
}

/** The client order id(s) an order request carries, comma-separated for a batch; null for other calls. */
function clientOrderIdsOf(request: Pick<EgressRequest, "reconcile">): string | null {
  const target = request.reconcile;
  if (target === null) return null;
  if (target.kind === "order") return target.clientOrderId;
  if (target.kind === "algo") return target.clientAlgoId;
  return target.orders.map((order) => order.clientOrderId).join(", ");
}

/**
 * The reason to give when a call's answer was lost (the egress object failed mid-call, or restarted before a
 * write's outcome was stored): a read can simply be repeated; a write's fate is unknown, and for an order the
 * caller is told which client order id(s) to check.
 */
export function lostCallReason(request: Pick<EgressRequest, "method" | "reconcile">): GatewayErrorReason {
  if (request.method === "GET") return { kind: "upstream-unreachable", cause: "network" };
  const ids = clientOrderIdsOf(request);
  return ids === null ? { kind: "upstream-timeout" } : { kind: "order-outcome-unknown", clientOrderId: ids };
}
