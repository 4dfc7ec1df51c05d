// Resolving an algo order addressed by id (USDⓈ-M DELETE /fapi/v1/algoOrder) for a symbol-restricted client.
// Binance finds the order by `algoId` or `clientAlgoId` alone and ignores any `symbol` sent with it, so the
// gateway looks the order up (GET on the same path, with the caller's account), checks the symbol Binance
// reports, and sends the write addressed by the algoId it found. A clientAlgoId may be reused once its order is
// closed, so it never goes out: what is cancelled is exactly the order that was checked.

import { parseJson } from "../encoding/json-raw.ts";
import type { Param } from "../encoding/query.ts";
import { err, ok, type Result } from "../result.ts";
import { type AccessError, type DeniedTarget, foldName } from "./authorize.ts";
import type { GatewayClient } from "./clients.ts";

export interface FoundAlgoOrder {
  /** Exact digits: algo ids can exceed 2^53. */
  readonly algoId: string;
  readonly clientAlgoId: string | null;
  readonly symbol: string;
}

/** Binance's answer to GET /fapi/v1/algoOrder, or null when it is not one algo order with an id and symbol. */
export function readFoundAlgoOrder(text: string): FoundAlgoOrder | null {
  const parsed = parseJson(text);
  if (!parsed.ok || parsed.value.kind !== "object") return null;
  const fields = new Map(parsed.value.entries);
  const algoId = fields.get("algoId");
  const symbol = fields.get("symbol");
  const clientAlgoId = fields.get("clientAlgoId");
  if (algoId?.kind !== "number" || !/^\d{1,20}$/.test(algoId.raw)) return null;
  if (symbol?.kind !== "string" || symbol.value === "") return null;
  return {
    algoId: algoId.raw,
    clientAlgoId: clientAlgoId?.kind === "string" ? clientAlgoId.value : null,
    symbol: symbol.value.toUpperCase(),
  };
}

/**
 * The algoId to send the write with, once the order found is the one asked for and its symbol is held; a
 * lookup that found nothing, or another order than the one named, is refused.
 */
export function checkFoundAlgoOrder(
  client: GatewayClient,
  lookup: Param,
  found: FoundAlgoOrder | null,
): Result<string, AccessError> {
  const deny = (denied: DeniedTarget) =>
    err<AccessError>({ kind: "symbol-denied", client: client.name, denied });
  if (found === null) return deny({ kind: "unresolved-order" });
  const [name, value] = lookup;
  const same = name === "algoId" ? sameId(value, found.algoId) : value === found.clientAlgoId;
  if (!same) return deny({ kind: "unresolved-order" });
  if (client.symbols !== null && !client.symbols.has(found.symbol))
    return deny({ kind: "symbol", symbol: found.symbol });
  return ok(found.algoId);
}

/**
 * The call's parameters addressed by `algoId` only: the first id parameter (algoId or clientAlgoId, in any
 * letter case) becomes `algoId=<algoId>` where it stood, every other one is dropped.
 */
export function addressByAlgoId(
  params: { readonly query: readonly Param[]; readonly body: readonly Param[] | null },
  algoId: string,
): { query: Param[]; body: Param[] | null } {
  let placed = false;
  const readdress = (list: readonly Param[]): Param[] =>
    list.flatMap(([name, value]): Param[] => {
      if (!isAlgoIdKey(name)) return [[name, value]];
      if (placed) return [];
      placed = true;
      return [["algoId", algoId]];
    });
  const query = readdress(params.query);
  const body = params.body === null ? null : readdress(params.body);
  if (!placed) query.push(["algoId", algoId]);
  return { query, body: body !== null && body.length === 0 ? null : body };
}

function isAlgoIdKey(name: string): boolean {
  const lower = foldName(name);
  return lower === "algoid" || lower === "clientalgoid";
}

function sameId(sent: string, found: string): boolean {
  return /^\d{1,20}$/.test(sent) && BigInt(sent) === BigInt(found);
}
