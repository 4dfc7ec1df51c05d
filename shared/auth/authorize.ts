// What a caller may do. Scopes follow the endpoint's security and method: unsigned and MARKET_DATA endpoints
// need `market`, listen keys need `stream`, signed GETs need `read`, every other signed call needs `trade`.
// A client with a `symbols` list may only send trading calls that name allowed symbols; a trading call that
// names none (position mode, multi-assets mode, cancel-algo-by-id, ...) could touch any symbol and is refused.

import type { Endpoint } from "../catalog/types.ts";
import { parseJson } from "../encoding/json-raw.ts";
import type { Param } from "../encoding/query.ts";
import { err, ok, type Result } from "../result.ts";
import type { GatewayClient, Scope } from "./clients.ts";

export type AccessError =
  | { readonly kind: "scope-denied"; readonly client: string; readonly scope: Scope }
  | { readonly kind: "symbol-denied"; readonly client: string; readonly symbol: string | null };

export function requiredScope(endpoint: Endpoint): Scope {
  if (endpoint.path.endsWith("/listenKey")) return "stream";
  if (endpoint.security !== "SIGNED") return "market";
  return endpoint.method === "GET" ? "read" : "trade";
}

export function authorize(
  client: GatewayClient,
  endpoint: Endpoint,
  params: readonly Param[],
): Result<void, AccessError> {
  const scope = requiredScope(endpoint);
  if (!client.scopes.has(scope)) return err({ kind: "scope-denied", client: client.name, scope });
  if (scope !== "trade" || client.symbols === null) return ok(undefined);
  const symbols = symbolsOf(params);
  if (symbols.length === 0) return err({ kind: "symbol-denied", client: client.name, symbol: null });
  for (const symbol of symbols) {
    if (!client.symbols.has(symbol)) return err({ kind: "symbol-denied", client: client.name, symbol });
  }
  return ok(undefined);
}

/**
 * Every symbol a request names, upper-cased: each parameter called `symbol` in any letter case, and the same
 * inside every element of a `batchOrders` JSON array. Case variants count because a server that matches
 * field names without regard to case would act on them. An element without a string symbol, or a batch that
 * does not parse, yields an empty string, which no allowlist contains.
 */
export function symbolsOf(params: readonly Param[]): string[] {
  const symbols: string[] = [];
  for (const [name, value] of params) {
    if (isSymbolKey(name)) symbols.push(value.toUpperCase());
    if (name.toLowerCase() !== "batchorders") continue;
    const batch = parseJson(value);
    if (!batch.ok || batch.value.kind !== "array") {
      symbols.push("");
      continue;
    }
    for (const order of batch.value.items) {
      const named = order.kind === "object" ? order.entries.filter(([key]) => isSymbolKey(key)) : [];
      if (named.length === 0) symbols.push("");
      for (const [, symbol] of named)
        symbols.push(symbol.kind === "string" ? symbol.value.toUpperCase() : "");
    }
  }
  return symbols;
}

function isSymbolKey(name: string): boolean {
  return name.toLowerCase() === "symbol";
}
