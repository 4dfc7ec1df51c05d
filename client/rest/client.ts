// A typed REST client for the gateway (or Binance itself) that runs in browsers, Node 22 and Workers: fetch
// and WebCrypto only. One method per catalog endpoint, generated from the catalog at runtime so it always covers
// every endpoint, and typed from the catalog's literal names:
//   const client = createRestClient({ baseUrl: "https://gw.example", auth: { token } });
//   const { data, raw, headers } = await client.um.newOrder({ symbol: "BTCUSDT", side: "BUY", ... });
// Every method resolves to { status, headers, data, raw } (raw is the exact body: order ids exceed 2^53) and
// rejects with BinanceError (an answer that is not a success), RestNetworkError (no answer) or RestUsageError
// (refused before sending). All parameters go in the query string, POST/PUT included: Binance accepts either,
// and one placement keeps the signed bytes and the sent bytes the same string.
// fetch and the clock come from the runtime (runtime.ts), the JSON parser from the options (options.ts).

import { CM_ENDPOINTS } from "../../shared/catalog/cm.ts";
import type { Endpoint, Market } from "../../shared/catalog/types.ts";
import { UM_ENDPOINTS } from "../../shared/catalog/um.ts";
import { encodeParams, type Param } from "../../shared/encoding/query.ts";
import { createSigner, type Signer } from "../../shared/signing/signer.ts";
import type { RestRequestInit } from "../runtime.ts";
import { BinanceError, RestNetworkError, RestUsageError } from "./errors.ts";
import { invalid, type RestClientOptions, resolveOptions } from "./options.ts";
import { missingRequired, type Params, toWireParams } from "./params.ts";
import type { CallOptions, MarketClient, RestClient, RestResponse } from "./types.ts";

export type { FetchLike, RestRequestInit, RestRuntime } from "../runtime.ts";
export { BinanceError, RestNetworkError, RestUsageError, type RestUsageReason } from "./errors.ts";
export type { RestAuth, RestClientOptions } from "./options.ts";
export { formatNumber, type Params, type ParamValue } from "./params.ts";
export type * from "./types.ts";

type Call = (
  market: Market,
  endpoint: Endpoint,
  params: Params | undefined,
  options: CallOptions | undefined,
) => Promise<RestResponse>;

export function createRestClient(options: RestClientOptions): RestClient {
  const call = createCall(options);
  return { um: buildMarket("um", UM_ENDPOINTS, call), cm: buildMarket("cm", CM_ENDPOINTS, call) };
}

function buildMarket<M extends Market>(
  market: M,
  endpoints: readonly Endpoint[],
  call: Call,
): MarketClient<M> {
  const methods = Object.fromEntries(
    endpoints.map((endpoint) => [
      endpoint.name,
      (params?: Params, options?: CallOptions) => call(market, endpoint, params, options),
    ]),
  );
  // The one place runtime generation meets the static types: both come from the same catalog entries.
  return Object.freeze(methods) as unknown as MarketClient<M>;
}

function createCall(options: RestClientOptions): Call {
  // `send`, not `fetch`: the injected function, named apart from the global it may wrap.
  const { bases, sharedBase, auth, recvWindow, fetch: send, now, parse } = resolveOptions(options);
  let signer: Promise<Signer> | null = null;
  const sign = (secret: string, payload: string): Promise<string> => {
    signer ??= createSigner({ kind: "hmac", secret }).then((created) => {
      // HMAC keys always import; the Result only fails for PEM keys.
      if (!created.ok) throw invalid("auth.apiSecret", "did not import as an HMAC key");
      return created.value;
    });
    return signer.then((s) => s.sign(payload));
  };

  return async (market, endpoint, params, callOptions) => {
    const where = `${market}.${endpoint.name}`;
    const wire = toWireParams(params);
    if (!wire.ok) throw new RestUsageError(where, { kind: "param-invalid", ...wire.error });
    const missing = missingRequired(endpoint.required, wire.value);
    if (missing.length > 0) throw new RestUsageError(where, { kind: "param-missing", names: missing });

    const headers: Record<string, string> = {};
    let query = encodeParams(wire.value);
    if (auth === undefined) {
      if (endpoint.security !== "NONE") {
        throw new RestUsageError(where, { kind: "credentials-missing", security: endpoint.security });
      }
    } else if ("token" in auth) {
      headers.Authorization = `Bearer ${auth.token}`;
    } else {
      headers["X-MBX-APIKEY"] = auth.apiKey;
      if (endpoint.security === "SIGNED") {
        const payload = encodeParams(stamp(where, wire.value, now(), recvWindow));
        query = `${payload}&${encodeParams([["signature", await sign(auth.apiSecret, payload)]])}`;
      }
    }

    const prefix = sharedBase && marketNeedsPrefix(market, endpoint.path) ? "/cm" : "";
    const url = `${bases[market]}${prefix}${endpoint.path}${query === "" ? "" : `?${query}`}`;
    const init: RestRequestInit = { method: endpoint.method, headers, signal: callOptions?.signal };
    let response: Response;
    let raw: string;
    try {
      response = await send(url, init);
      raw = await response.text();
    } catch (cause) {
      throw new RestNetworkError(market, endpoint.method, endpoint.path, cause);
    }
    if (!response.ok) throw new BinanceError(response.status, response.headers, raw);
    let data: unknown = null;
    if (raw !== "") {
      try {
        data = parse(raw);
      } catch (cause) {
        const why = cause instanceof Error ? cause.message : String(cause);
        throw new BinanceError(response.status, response.headers, raw, `body did not parse: ${why}`);
      }
    }
    return { status: response.status, headers: response.headers, data, raw };
  };
}

/**
 * The caller's parameters, then timestamp, then recvWindow (the caller's own, moved here, or the client's):
 * the string that is signed, to which `signature` is appended last.
 */
function stamp(where: string, params: readonly Param[], timestamp: number, recvWindow: number): Param[] {
  const out: Param[] = [];
  let window = String(recvWindow);
  for (const [name, value] of params) {
    if (name === "timestamp" || name === "signature") {
      throw new RestUsageError(where, {
        kind: "param-invalid",
        name,
        detail: "is set by the client when it signs",
      });
    }
    if (name === "recvWindow") window = value;
    else out.push([name, value]);
  }
  out.push(["timestamp", String(Math.trunc(timestamp))], ["recvWindow", window]);
  return out;
}

/** `/futures/data/*` exists on both markets' hosts; the gateway reads it as USDⓈ-M unless prefixed with /cm. */
function marketNeedsPrefix(market: Market, path: string): boolean {
  return market === "cm" && path.startsWith("/futures/data/");
}
