// After Binance says "execution status unknown" for an order, find out what happened: query the order by the
// client order id the gateway made sure it carries, a few times (the order can land a moment after the 503).
// Found: the caller gets 200 with Binance's order body (X-Gateway-Reconciled: found). Still absent after the
// last look: it was not placed, and the caller is told so. Lookup failed: the caller is told the outcome is
// unknown and which id to check. Batches get one answer per element, in Binance's batch response shape.

import type { Market } from "../../shared/catalog/types.ts";
import type { Param } from "../../shared/encoding/query.ts";
import { toWireError } from "../../shared/errors.ts";
import { readBinanceError } from "../../shared/rest/outcome.ts";
import type { UpstreamRequest } from "../../shared/rest/upstream-request.ts";
import { type CallDeps, type EgressReply, executeCall, sleep } from "./upstream-call.ts";

const LOOKUP_DELAYS_MS = [0, 400, 1200];
const ORDER_DOES_NOT_EXIST = -2013;

type Lookup =
  | { readonly kind: "found"; readonly reply: EgressReply & { kind: "response" } }
  | { readonly kind: "absent" }
  | { readonly kind: "unknown" };

export async function reconcile(
  deps: CallDeps,
  request: UpstreamRequest,
  timeoutMs: number,
): Promise<EgressReply> {
  const target = request.reconcile;
  if (target === null) throw new Error("reconcile() needs a reconcile target");
  if (target.kind === "batch") {
    const parts: string[] = [];
    for (const order of target.orders) {
      const lookup = await lookUp(
        deps,
        request.market,
        orderQuery(request.market, order.symbol, order.clientOrderId),
        timeoutMs,
      );
      parts.push(
        lookup.kind === "found"
          ? new TextDecoder().decode(lookup.reply.body)
          : elementError(lookup.kind, order.clientOrderId),
      );
    }
    const body = new TextEncoder().encode(`[${parts.join(",")}]`);
    return {
      kind: "response",
      status: 200,
      headers: { "content-type": "application/json" },
      body: body.buffer as ArrayBuffer,
      reconciled: "batch",
    };
  }
  const query =
    target.kind === "order"
      ? orderQuery(request.market, target.symbol, target.clientOrderId)
      : { path: "/fapi/v1/algoOrder", params: [["clientAlgoId", target.clientAlgoId]] as Param[] };
  const id = target.kind === "order" ? target.clientOrderId : target.clientAlgoId;
  const lookup = await lookUp(deps, request.market, query, timeoutMs);
  deps.log.log("warn", "reconciled", { market: request.market, path: request.path, outcome: lookup.kind });
  if (lookup.kind === "found") return { ...lookup.reply, reconciled: "found" };
  return {
    kind: "error",
    reason: {
      kind: lookup.kind === "absent" ? "order-not-placed" : "order-outcome-unknown",
      clientOrderId: id,
    },
  };
}

function orderQuery(
  market: Market,
  symbol: string,
  clientOrderId: string,
): { path: string; params: Param[] } {
  return {
    path: market === "um" ? "/fapi/v1/order" : "/dapi/v1/order",
    params: [
      ["symbol", symbol],
      ["origClientOrderId", clientOrderId],
    ],
  };
}

async function lookUp(
  deps: CallDeps,
  market: Market,
  query: { path: string; params: Param[] },
  timeoutMs: number,
): Promise<Lookup> {
  const request: UpstreamRequest = {
    market,
    method: "GET",
    path: query.path,
    security: "SIGNED",
    query: query.params,
    body: null,
    placement: null,
    reconcile: null,
  };
  for (const delay of LOOKUP_DELAYS_MS) {
    await sleep(delay);
    const reply = await executeCall(deps, request, timeoutMs);
    if (reply.kind === "response" && reply.status === 200) return { kind: "found", reply };
    const code =
      reply.kind === "response" ? readBinanceError(new TextDecoder().decode(reply.body))?.code : undefined;
    if (code !== ORDER_DOES_NOT_EXIST) return { kind: "unknown" };
  }
  return { kind: "absent" };
}

function elementError(kind: "absent" | "unknown", clientOrderId: string): string {
  const wire = toWireError({
    kind: kind === "absent" ? "order-not-placed" : "order-outcome-unknown",
    clientOrderId,
  });
  return JSON.stringify({ code: wire.code, msg: wire.msg });
}
