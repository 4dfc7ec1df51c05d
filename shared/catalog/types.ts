// The endpoint catalog's shape. The catalog is the gateway's allowlist: a request whose market, method and
// path are not in it is refused before anything reaches Binance.

export type Market = "um" | "cm";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

/**
 * Binance's security types, collapsed to what the gateway acts on:
 * NONE (public market data), API_KEY (MARKET_DATA and USER_STREAM: key header, no signature),
 * SIGNED (TRADE and USER_DATA: key header plus timestamp and signature).
 */
export type Security = "NONE" | "API_KEY" | "SIGNED";

/**
 * Request weight (IP limit, X-MBX-USED-WEIGHT-*) as Binance documents it.
 * - a number: fixed weight;
 * - withSymbol/withoutSymbol: the weight depends on whether `symbol` (or `pair` on COIN-M market data) is sent;
 * - byLimit: tiers of [largest `limit` in the tier, weight], checked in order, with Binance's default `limit`.
 */
export type Weight =
  | number
  | { readonly withSymbol: number; readonly withoutSymbol: number }
  | {
      readonly byLimit: readonly (readonly [maxLimit: number, weight: number])[];
      readonly defaultLimit: number;
    };

/**
 * What a call acts on, after Binance's docs; a symbol-restricted client's access rule is decided on this
 * (shared/auth/authorize.ts). Only parameters the endpoint takes count: Binance ignores the rest, so a `symbol`
 * sent to an endpoint that takes none changes nothing.
 * - market-data: public data, nothing of the account;
 * - symbol: the account's state on the symbol in the mandatory `symbol`;
 * - symbol-or-account: the symbol in an optional `symbol`; without it more than one symbol (every symbol of the
 *   account, or of a COIN-M `pair`);
 * - account: the whole account (position and multi-assets modes, fee settings, convert, balances, listen keys);
 * - algo-id: the algo order named by `algoId`/`clientAlgoId`, which Binance finds without its symbol;
 * - batch: the symbols inside the elements of `batchOrders`.
 */
export type ActsOn = "market-data" | "symbol" | "symbol-or-account" | "account" | "algo-id" | "batch";

/** Order-placing endpoints, where the gateway assigns client order ids so an unknown outcome can be reconciled. */
export type OrderPlacement = "single" | "batch" | "algo";

export interface Endpoint {
  readonly market: Market;
  /** camelCase name after Binance's docs and the official connector-js method names, unique per market. */
  readonly name: string;
  /** The reference Python connector's method name(s) this row covers, if any (coverage is tested). */
  readonly reference?: readonly string[];
  readonly method: HttpMethod;
  /** Upstream path, e.g. "/fapi/v1/order" or "/futures/data/basis". */
  readonly path: string;
  readonly security: Security;
  /** IP request weight where Binance documents one; null where it documents none. */
  readonly weight: Weight | null;
  /** Mandatory parameters as Binance documents them; "a|b" means one of the two. */
  readonly required: readonly string[];
  readonly actsOn: ActsOn;
  readonly orderPlacement?: OrderPlacement;
  /** One line for the README table and the typed client's doc comment. */
  readonly summary: string;
}
