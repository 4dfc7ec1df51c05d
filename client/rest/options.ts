// The REST client's options, checked once when the client is made so that a bad base URL or credential fails
// there and not as a confusing network error on the first call. fetch and the clock come from the runtime
// (defaultRuntime() unless one is passed); the older `fetch` and `now` options still win over it.

import { DEFAULT_RECV_WINDOW, MAX_RECV_WINDOW } from "../../shared/auth/timestamp.ts";
import type { Market } from "../../shared/catalog/types.ts";
import { defaultRuntime, type FetchLike, type RestRuntime } from "../runtime.ts";
import { RestUsageError, type RestUsageReason } from "./errors.ts";

/**
 * - { token }: `Authorization: Bearer <token>`, parameters unsigned (the gateway signs).
 * - { apiKey, apiSecret }: a virtual key (or a real HMAC key against Binance): `X-MBX-APIKEY` on every call
 *   (the gateway wants a credential even for market data), and SIGNED calls signed as Binance expects.
 */
export type RestAuth = { readonly token: string } | { readonly apiKey: string; readonly apiSecret: string };

export interface RestClientOptions {
  /**
   * The gateway's URL, serving both markets: COIN-M's `/futures/data/*` then goes to `<baseUrl>/cm/futures/data/*`
   * (that path is USDⓈ-M's without the prefix). Or one URL per market, used as is (Binance itself:
   * { um: "https://fapi.binance.com", cm: "https://dapi.binance.com" }).
   */
  readonly baseUrl: string | { readonly um: string; readonly cm: string };
  readonly auth?: RestAuth;
  /** recvWindow sent with SIGNED calls under { apiKey, apiSecret }: 5000 by default, at most 60000. */
  readonly recvWindow?: number;
  /** fetch and the clock; default: defaultRuntime(). Any ClientRuntime fits. */
  readonly runtime?: RestRuntime;
  /** Overrides runtime.fetch. */
  readonly fetch?: FetchLike;
  /** Overrides runtime.now: milliseconds since the epoch, for `timestamp`. */
  readonly now?: () => number;
  /** Parses a non-empty successful body into `data`; JSON.parse by default (`raw` keeps the exact text). */
  readonly parse?: (text: string) => unknown;
}

export interface ResolvedOptions {
  readonly bases: Readonly<Record<Market, string>>;
  /** One URL for both markets: the gateway, which needs /cm before COIN-M's /futures/data paths. */
  readonly sharedBase: boolean;
  readonly auth: RestAuth | undefined;
  readonly recvWindow: number;
  readonly fetch: FetchLike;
  readonly now: () => number;
  readonly parse: (text: string) => unknown;
}

export function resolveOptions(options: RestClientOptions): ResolvedOptions {
  const { baseUrl, auth } = options;
  const runtime = options.runtime ?? defaultRuntime();
  const bases =
    typeof baseUrl === "string"
      ? { um: readBaseUrl("baseUrl", baseUrl), cm: readBaseUrl("baseUrl", baseUrl) }
      : { um: readBaseUrl("baseUrl.um", baseUrl.um), cm: readBaseUrl("baseUrl.cm", baseUrl.cm) };
  if (auth !== undefined && "token" in auth) checkHeaderValue("auth.token", auth.token);
  if (auth !== undefined && "apiKey" in auth) {
    checkHeaderValue("auth.apiKey", auth.apiKey);
    if (auth.apiSecret === "") throw invalid("auth.apiSecret", "must not be empty");
  }
  const recvWindow = options.recvWindow ?? DEFAULT_RECV_WINDOW;
  if (!Number.isInteger(recvWindow) || recvWindow <= 0 || recvWindow > MAX_RECV_WINDOW) {
    throw invalid("recvWindow", `must be a whole number of milliseconds from 1 to ${MAX_RECV_WINDOW}`);
  }
  return {
    bases,
    sharedBase: typeof baseUrl === "string",
    auth,
    recvWindow,
    // Stored unbound and called so: a runtime may hold globalThis.fetch itself.
    fetch: options.fetch ?? runtime.fetch,
    now: options.now ?? (() => runtime.now()),
    parse: options.parse ?? ((text) => JSON.parse(text)),
  };
}

function readBaseUrl(option: string, text: string): string {
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    // reported below, with the option's name
  }
  if (url === null || !/^https?:$/.test(url.protocol) || url.search !== "" || url.hash !== "") {
    throw invalid(option, "must be an http(s) URL without query or fragment");
  }
  return text.replace(/\/+$/, "");
}

function checkHeaderValue(option: string, value: string): void {
  // Printable ASCII without spaces: anything else would make fetch throw, reported as a network failure.
  if (!/^[\x21-\x7e]+$/.test(value)) throw invalid(option, "must be non-empty printable ASCII");
}

export function invalid(option: string, detail: string): RestUsageError {
  const reason: RestUsageReason = { kind: "option-invalid", option, detail };
  return new RestUsageError("createRestClient", reason);
}
