// After Binance says "execution status unknown" for an order (or never answered), find out what happened by
// querying the order by the client order id the gateway made sure it carries.
// - Found, created no earlier than this request, with the side and quantity that were sent: the caller gets 200
//   with Binance's order body (X-Gateway-Reconciled: found). Any other order under the same id (callers may
//   reuse the ids of closed orders) does not count, and leaves the outcome unknown.
// - "Not placed" is only concluded once Binance can no longer accept the order: Binance checks recvWindow again
//   at the matching engine (-5028), so past timestamp + recvWindow (plus a margin for clock error) a late order
//   cannot appear. Until then the gateway keeps looking; a short silence proves nothing.
// - Lookups failing, or the window outlasting MAX_WAIT_MS: the outcome is reported unknown, with the id to check.
// Batches get one answer per element, in Binance's batch response shape.

import { effectiveRecvWindow } from "../../shared/auth/timestamp.ts";
import type { Market } from "../../shared/catalog/types.ts";
import type { Param } from "../../shared/encoding/query.ts";
import { readBinanceError } from "../../shared/rest/outcome.ts";
import type { SentOrder, UpstreamRequest } from "../../shared/rest/upstream-request.ts";
import { errorBody } from "../api/errors.ts";
import { type CallDeps, type EgressReply, executeCall, sleep } from "./upstream-call.ts";

const LOOKUP_DELAYS_MS = [250, 500, 1000];
const WINDOW_MARGIN_MS = 2000;
const MAX_WAIT_MS = 20_000;
/** An order "created" this much before the request's timestamp is an older order under a reused id. */
const CLOCK_SLACK_MS = 1000;
const ORDER_DOES_NOT_EXIST = -2013;

type Lookup =
  | { readonly kind: "found"; readonly body: ArrayBuffer; readonly headers: Readonly<Record<string, string>> }
  | {
      readonly kind: "absent" | "unknown";
    };

interface Deadline {
  readonly stampedAt: number;
  /** Server time after which Binance can no longer accept the order. */
  readonly closesAt: number;
  /** Local time after which the gateway stops looking. */
  readonly giveUpAt: number;
}

export async function reconcile(
  deps: CallDeps,
  request: UpstreamRequest,
  timeoutMs: number,
  stampedAt: number,
): Promise<EgressReply> {
  const target = request.reconcile;
  if (target === null) throw new Error("reconcile() needs a reconcile target");
  const recvWindow = effectiveRecvWindow(paramOf(request, "recvWindow")) ?? 5000;
  const deadline = {
    stampedAt,
    closesAt: stampedAt + recvWindow + WINDOW_MARGIN_MS,
    giveUpAt: Date.now() + MAX_WAIT_MS,
  };
  const look = (path: string, params: Param[], sent: SentOrder) =>
    lookUp(deps, request.market, { path, params }, timeoutMs, deadline, sent);
  if (target.kind === "batch") {
    const parts: string[] = [];
    for (const order of target.orders) {
      const lookup = await look(
        orderPath(request.market),
        orderParams(order.symbol, order.clientOrderId),
        order.sent,
      );
      parts.push(
        lookup.kind === "found"
          ? new TextDecoder().decode(lookup.body)
          : elementError(lookup.kind, order.clientOrderId),
      );
    }
    deps.log.log("warn", "reconciled", { market: request.market, path: request.path, outcome: "batch" });
    const body = new TextEncoder().encode(`[${parts.join(",")}]`);
    return {
      kind: "response",
      status: 200,
      headers: { "content-type": "application/json" },
      body: body.buffer as ArrayBuffer,
      reconciled: "batch",
    };
  }
  const id = target.kind === "order" ? target.clientOrderId : target.clientAlgoId;
  const lookup =
    target.kind === "order"
      ? await look(orderPath(request.market), orderParams(target.symbol, id), target.sent)
      : await look("/fapi/v1/algoOrder", [["clientAlgoId", id]], target.sent);
  deps.log.log("warn", "reconciled", { market: request.market, path: request.path, outcome: lookup.kind });
  if (lookup.kind === "found") {
    return { kind: "response", status: 200, headers: lookup.headers, body: lookup.body, reconciled: "found" };
  }
  return {
    kind: "error",
    reason: {
      kind: lookup.kind === "absent" ? "order-not-placed" : "order-outcome-unknown",
      clientOrderId: id,
    },
  };
}

async function lookUp(
  deps: CallDeps,
  market: Market,
  query: { path: string; params: Param[] },
  timeoutMs: number,
  deadline: Deadline,
  sent: SentOrder,
): Promise<Lookup> {
  const request: UpstreamRequest = {
    account: deps.account,
    market,
    method: "GET",
    path: query.path,
    security: "SIGNED",
    query: query.params,
    body: null,
    countsAsOrder: false,
    reconcile: null,
  };
  let sawOtherOrder = false;
  for (let attempt = 0; ; attempt++) {
    const windowClosed = deps.serverTime(market) > deadline.closesAt;
    const reply = await executeCall(deps, request, timeoutMs);
    if (reply.kind === "error" && reply.reason.kind === "upstream-banned") return { kind: "unknown" };
    if (reply.kind === "response" && reply.status === 200) {
      if (isTheSentOrder(reply.body, sent, deadline.stampedAt)) {
        return { kind: "found", body: reply.body, headers: reply.headers };
      }
      sawOtherOrder = true;
    }
    const absent =
      reply.kind === "response" &&
      readBinanceError(new TextDecoder().decode(reply.body))?.code === ORDER_DOES_NOT_EXIST;
    if (windowClosed && (absent || sawOtherOrder)) return { kind: sawOtherOrder ? "unknown" : "absent" };
    if (Date.now() >= deadline.giveUpAt) return { kind: "unknown" };
    await sleep(LOOKUP_DELAYS_MS[Math.min(attempt, LOOKUP_DELAYS_MS.length - 1)] ?? 1000);
  }
}

/**
 * Whether a found order is the one this request sent: created (`time`, or `createTime` for algo orders) no
 * earlier than the request's timestamp allowing for clock error, and with the side and quantity that were
 * sent. Fields Binance does not return are not held against it.
 */
function isTheSentOrder(body: ArrayBuffer, sent: SentOrder, stampedAt: number): boolean {
  let order: { time?: unknown; createTime?: unknown; side?: unknown; origQty?: unknown; quantity?: unknown };
  try {
    order = JSON.parse(new TextDecoder().decode(body)) as typeof order;
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

function paramOf(request: UpstreamRequest, name: string): string | undefined {
  return [...request.query, ...(request.body ?? [])].find(([n]) => n === name)?.[1];
}

function orderPath(market: Market): string {
  return market === "um" ? "/fapi/v1/order" : "/dapi/v1/order";
}

function orderParams(symbol: string, clientOrderId: string): Param[] {
  return [
    ["symbol", symbol],
    ["origClientOrderId", clientOrderId],
  ];
}

function elementError(kind: "absent" | "unknown", clientOrderId: string): string {
  return errorBody({ kind: kind === "absent" ? "order-not-placed" : "order-outcome-unknown", clientOrderId });
}
