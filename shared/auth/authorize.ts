// What a caller may do. Scopes follow the endpoint's security and method: unsigned and MARKET_DATA endpoints
// need `market`, listen keys need `stream`, signed GETs need `read`, every other signed call needs `trade`.
// A client with a `symbols` list may only send `trade` calls whose every target is one of its symbols, decided
// on what the catalog says the endpoint acts on (Endpoint.actsOn), never on which parameters happen to be sent:
// Binance ignores a `symbol` an endpoint does not take, so a decoy `symbol` must change nothing. Calls acting
// on the whole account are refused; an algo order addressed by id is resolved first (algo-order-scope.ts).
// `symbols` limits what a client can change, not what it can see: reads stay allowed.

import type { Endpoint } from "../catalog/types.ts";
import { parseJson } from "../encoding/json-raw.ts";
import type { Param } from "../encoding/query.ts";
import { err, ok, type Result } from "../result.ts";
import type { GatewayClient, Scope } from "./clients.ts";

/** Why a symbol-restricted client may not make this call. */
export type DeniedTarget =
  /** It acts on a symbol the client does not hold ("" when a batch element's symbol cannot be read). */
  | { readonly kind: "symbol"; readonly symbol: string }
  /** The endpoint acts on the whole account whatever is sent. */
  | { readonly kind: "account" }
  /** The endpoint acts on the named symbol, and without one on more than one symbol. */
  | { readonly kind: "no-symbol" }
  /** The order it addresses by id could not be looked up, so its symbol is unknown. */
  | { readonly kind: "unresolved-order" };

export type AccessError =
  | { readonly kind: "scope-denied"; readonly client: string; readonly scope: Scope }
  | { readonly kind: "symbol-denied"; readonly client: string; readonly denied: DeniedTarget };

/** What remains to be done before the call may go out. */
export type Access =
  | { readonly kind: "allowed" }
  /**
   * An algo order addressed by id, for a symbol-restricted client: look it up with `lookup` (algoId or
   * clientAlgoId, as sent), check its symbol, and send the call addressed by the algoId that was found.
   */
  | { readonly kind: "resolve-algo-order"; readonly lookup: Param };

const ALLOWED: Access = { kind: "allowed" };

export function requiredScope(endpoint: Endpoint): Scope {
  if (endpoint.path.endsWith("/listenKey")) return "stream";
  if (endpoint.security !== "SIGNED") return "market";
  return endpoint.method === "GET" ? "read" : "trade";
}

export function authorize(
  client: GatewayClient,
  endpoint: Endpoint,
  params: readonly Param[],
): Result<Access, AccessError> {
  const scope = requiredScope(endpoint);
  if (!client.scopes.has(scope)) return err({ kind: "scope-denied", client: client.name, scope });
  if (scope !== "trade" || client.symbols === null) return ok(ALLOWED);
  const held = client.symbols;
  const deny = (denied: DeniedTarget) =>
    err<AccessError>({ kind: "symbol-denied", client: client.name, denied });
  const allHeld = (symbols: readonly string[]): Result<Access, AccessError> => {
    if (symbols.length === 0) return deny({ kind: "no-symbol" });
    const unheld = symbols.find((symbol) => !held.has(symbol));
    return unheld === undefined ? ok(ALLOWED) : deny({ kind: "symbol", symbol: unheld });
  };
  switch (endpoint.actsOn) {
    case "market-data":
      return ok(ALLOWED);
    case "account":
      return deny({ kind: "account" });
    case "symbol":
    case "symbol-or-account":
      return allHeld(topLevelSymbols(params));
    case "batch":
      return allHeld(batchSymbols(params));
    case "algo-id": {
      const lookup = algoOrderLookup(params);
      return lookup === null
        ? deny({ kind: "unresolved-order" })
        : ok({ kind: "resolve-algo-order", lookup });
    }
  }
}

/**
 * Every top-level `symbol`, upper-cased, in any letter case of the name: a server that matched names without
 * regard to case would act on those too.
 */
export function topLevelSymbols(params: readonly Param[]): string[] {
  return params.filter(([name]) => isSymbolKey(name)).map(([, value]) => value.toUpperCase());
}

/**
 * Every symbol inside every element of every `batchOrders` (any letter case), upper-cased. An element without
 * a string symbol, or a batch that does not parse (repeated keys included), yields "", which no list holds.
 */
export function batchSymbols(params: readonly Param[]): string[] {
  const symbols: string[] = [];
  for (const [name, value] of params) {
    if (foldName(name) !== "batchorders") continue;
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

/** The id Binance will find the algo order by: `algoId` when sent, else `clientAlgoId`; null for neither. */
function algoOrderLookup(params: readonly Param[]): Param | null {
  for (const name of ["algoId", "clientAlgoId"]) {
    const found = params.find(([key, value]) => key === name && value !== "");
    if (found !== undefined) return found;
  }
  return null;
}

function isSymbolKey(name: string): boolean {
  return foldName(name) === "symbol";
}

/**
 * A parameter name as a server comparing names without regard to case would see it: upper-cased first, so that
 * "ſymbol" (U+017F, which Java's equalsIgnoreCase takes for an s) folds to "symbol" too.
 */
export function foldName(name: string): string {
  return name.toUpperCase().toLowerCase();
}
