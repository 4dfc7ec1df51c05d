// The REST client's types, derived from the catalog's literal entries (um.ts and cm.ts are declared
// `as const`): one method per endpoint name, so a misspelt name is a compile error, and the endpoint's plain
// required parameters (not the "a|b" alternatives, which only the runtime check covers) are required keys.

import type { CM_ENDPOINTS } from "../../shared/catalog/cm.ts";
import type { Market } from "../../shared/catalog/types.ts";
import type { UM_ENDPOINTS } from "../../shared/catalog/um.ts";
import type { Params, ParamValue } from "./params.ts";

type CatalogEntry<M extends Market> = M extends "um"
  ? (typeof UM_ENDPOINTS)[number]
  : (typeof CM_ENDPOINTS)[number];

export type EndpointName<M extends Market> = CatalogEntry<M>["name"];
export type UmEndpointName = EndpointName<"um">;
export type CmEndpointName = EndpointName<"cm">;

type RequiredEntry<E> = E extends { readonly required: readonly (infer R)[] } ? R : never;
type PlainRequired<E> = Exclude<RequiredEntry<E>, `${string}|${string}`>;

/** The parameters of one endpoint: any scalar parameters, with the plain required ones present. */
export type ParamsOf<E> = Params & { readonly [K in PlainRequired<E> & string]: ParamValue };

export interface CallOptions {
  /** Aborts the call; the rejection is a RestNetworkError whose cause is the abort reason. */
  readonly signal?: AbortSignal;
}

export interface RestResponse<T = unknown> {
  readonly status: number;
  /** Response headers: X-MBX-USED-WEIGHT-1M, X-MBX-ORDER-COUNT-*, the gateway's X-Gateway-* headers. */
  readonly headers: Headers;
  /** The body parsed by the client's `parse` option (JSON.parse by default); null for an empty body. */
  readonly data: T;
  /** The body exactly as received: order ids above 2^53 are exact here even when `data` rounded them. */
  readonly raw: string;
}

/**
 * One endpoint's method. `T` types `data` without checking it (the catalog has no response schemas).
 * Endpoints without required parameters take none.
 */
export type EndpointMethod<E> = [RequiredEntry<E>] extends [never]
  ? <T = unknown>(params?: Params, options?: CallOptions) => Promise<RestResponse<T>>
  : <T = unknown>(params: ParamsOf<E>, options?: CallOptions) => Promise<RestResponse<T>>;

export type MarketClient<M extends Market> = {
  readonly [E in CatalogEntry<M> as E["name"]]: EndpointMethod<E>;
};

export interface RestClient {
  readonly um: MarketClient<"um">;
  readonly cm: MarketClient<"cm">;
}
