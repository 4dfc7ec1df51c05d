// From the caller's decoded parameters to the egress request: the caller's signature is dropped (the gateway
// signs afresh), recvWindow is capped, GET bodies move to the query (GET has no body on the wire), and order
// placements get client order ids. Duplicated parameter names are refused: with two `symbol`s, which one
// Binance acts on is not something to leave to chance when a symbol allowlist is checked on one of them.

import { effectiveRecvWindow } from "../auth/timestamp.ts";
import type { Endpoint, Market } from "../catalog/types.ts";
import type { Param } from "../encoding/query.ts";
import { err, ok, type Result } from "../result.ts";
import { assignClientOrderIds } from "./client-order-ids.ts";
import type { EgressRequest } from "./egress-request.ts";

export type PrepareError =
  | { readonly kind: "param-duplicate"; readonly name: string }
  | { readonly kind: "param-invalid"; readonly name: string }
  | { readonly kind: "param-malformed"; readonly name: "recvWindow" };

function findDuplicate(params: readonly Param[]): string | null {
  const seen = new Set<string>();
  for (const [name] of params) {
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return null;
}

export function prepareEgressRequest(
  market: Market,
  endpoint: Endpoint,
  query: readonly Param[],
  body: readonly Param[] | null,
  newId: () => string,
): Result<Omit<EgressRequest, "account">, PrepareError> {
  const duplicate = findDuplicate([...query, ...(body ?? [])]);
  if (duplicate !== null) return err({ kind: "param-duplicate", name: duplicate });
  const clean = (params: readonly Param[]): Param[] | null => {
    const out: Param[] = [];
    for (const [name, value] of params) {
      if (name === "signature") continue;
      if (name !== "recvWindow" || endpoint.security !== "SIGNED") {
        out.push([name, value]);
        continue;
      }
      const recvWindow = effectiveRecvWindow(value);
      if (recvWindow === null) return null;
      out.push([name, String(recvWindow)]);
    }
    return out;
  };
  let q = clean(query);
  let b = body === null ? null : clean(body);
  if (q === null || (body !== null && b === null))
    return err({ kind: "param-malformed", name: "recvWindow" });
  if (endpoint.method === "GET" && b !== null) {
    q = [...q, ...b];
    b = null;
  }
  if (b !== null && b.length === 0) b = null;
  const base = {
    market,
    method: endpoint.method,
    path: endpoint.path,
    security: endpoint.security,
    countsAsOrder: countsAsOrder(endpoint),
  };
  if (endpoint.orderPlacement === undefined) return ok({ ...base, query: q, body: b, reconcile: null });
  const placed = assignClientOrderIds(endpoint.orderPlacement, q, b, newId);
  if (!placed.ok) return placed;
  const { query: pq, body: pb, reconcile } = placed.value;
  return ok({ ...base, query: pq, body: pb, reconcile });
}

/** New orders and order modifications count against the account's order-rate limits; cancels do not. */
function countsAsOrder(endpoint: Endpoint): boolean {
  return (
    endpoint.orderPlacement !== undefined ||
    (endpoint.method === "PUT" && /\/(order|batchOrders)$/.test(endpoint.path))
  );
}
