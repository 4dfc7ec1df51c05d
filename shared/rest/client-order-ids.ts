// Binance answers some order placements with 503 "execution status unknown": the order may or may not exist.
// The only way to find out is to query it by its client order id, so the gateway makes sure every placed order
// has one: it keeps the caller's id and assigns one (from the injected generator) when the caller sent none,
// in single orders, in each element of batchOrders, and as clientAlgoId on algo orders.

import type { OrderPlacement } from "../catalog/types.ts";
import { paramText } from "../encoding/json-params.ts";
import { type JsonValue, parseJson, stringifyJson } from "../encoding/json-raw.ts";
import type { Param } from "../encoding/query.ts";
import { err, ok, type Result } from "../result.ts";
import type { Reconcile, SentOrder } from "./egress-request.ts";

export interface PlacedParams {
  readonly query: Param[];
  readonly body: Param[] | null;
  readonly reconcile: Reconcile;
}

export type PlacementError = { readonly kind: "param-invalid"; readonly name: string };

export function assignClientOrderIds(
  placement: OrderPlacement,
  query: readonly Param[],
  body: readonly Param[] | null,
  newId: () => string,
): Result<PlacedParams, PlacementError> {
  if (placement === "batch") return assignBatch(query, body, newId);
  const idName = placement === "single" ? "newClientOrderId" : "clientAlgoId";
  // An empty id is no id (the order could not be looked up by it): it is dropped and one is assigned.
  const isEmptyId = ([name, value]: Param) => name === idName && value === "";
  query = query.filter((p) => !isEmptyId(p));
  body = body === null ? null : body.filter((p) => !isEmptyId(p));
  const all = [...query, ...(body ?? [])];
  const value = (name: string) => all.find(([n]) => n === name)?.[1];
  const symbol = value("symbol") ?? "";
  const given = value(idName);
  const id = given ?? newId();
  const sent = { side: value("side") ?? null, quantity: value("quantity") ?? null };
  const reconcile: Reconcile =
    placement === "single"
      ? { kind: "order", symbol, clientOrderId: id, sent }
      : { kind: "algo", clientAlgoId: id, sent };
  if (given !== undefined) return ok({ query: [...query], body: body && [...body], reconcile });
  // The id goes beside `symbol`, before recvWindow/timestamp, where a client library would have put it.
  const inBody = body?.some(([name]) => name === "symbol") ?? false;
  const target = [...((inBody ? body : query) ?? [])];
  const tail = target.findIndex(([name]) => name === "recvWindow" || name === "timestamp");
  target.splice(tail === -1 ? target.length : tail, 0, [idName, id]);
  return ok(
    inBody
      ? { query: [...query], body: target, reconcile }
      : { query: target, body: body && [...body], reconcile },
  );
}

function assignBatch(
  query: readonly Param[],
  body: readonly Param[] | null,
  newId: () => string,
): Result<PlacedParams, PlacementError> {
  const invalid = err<PlacementError>({ kind: "param-invalid", name: "batchOrders" });
  const orders: { symbol: string; clientOrderId: string; sent: SentOrder }[] = [];
  let found = false;
  const rewrite = (params: readonly Param[]): Param[] | null => {
    const out: Param[] = [];
    for (const [name, value] of params) {
      if (name !== "batchOrders") {
        out.push([name, value]);
        continue;
      }
      found = true;
      const batch = parseJson(value);
      if (!batch.ok || batch.value.kind !== "array") return null;
      let changed = false;
      const items: JsonValue[] = [];
      for (const item of batch.value.items) {
        if (item.kind !== "object") return null;
        const field = (key: string) => item.entries.find(([k]) => k === key)?.[1];
        const given = field("newClientOrderId");
        if (given !== undefined && given.kind !== "string") return null;
        const keep = given !== undefined && given.value !== "";
        const id = keep ? given.value : newId();
        const text = (key: string) => {
          const found = field(key);
          return found === undefined ? null : paramText(found);
        };
        const sent = { side: text("side"), quantity: text("quantity") };
        orders.push({ symbol: text("symbol") ?? "", clientOrderId: id, sent });
        if (keep) {
          items.push(item);
          continue;
        }
        changed = true;
        const others = item.entries.filter(([key]) => key !== "newClientOrderId");
        items.push({
          kind: "object",
          entries: [...others, ["newClientOrderId", { kind: "string", value: id }]],
        });
      }
      // Untouched batches keep the caller's exact text.
      out.push([name, changed ? stringifyJson({ kind: "array", items }) : value]);
    }
    return out;
  };
  const newQuery = rewrite(query);
  const newBody = body === null ? null : rewrite(body);
  if (newQuery === null || (body !== null && newBody === null) || !found) return invalid;
  return ok({ query: newQuery, body: newBody, reconcile: { kind: "batch", orders } });
}
