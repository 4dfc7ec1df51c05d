// Every way the gateway refuses or fails a call, and the one mapping to what callers see. Errors facing
// Binance clients use Binance's body shape and, where Binance has a code for the situation, Binance's code, so
// unmodified libraries classify them correctly (ccxt: -1022 AuthenticationError, -1003 RateLimitExceeded, ...).
// Situations Binance has no code for get codes in the -9xxx range, which Binance does not use. The reason's
// name also goes out in the X-Gateway-Error header. Messages never contain a key, signature or signed URL.

import type { AccessError, DeniedTarget } from "./auth/authorize.ts";
import type { DropInError } from "./auth/drop-in.ts";
import type { WeightRefusal } from "./rest/weight-ledger.ts";

export type GatewayErrorReason =
  | DropInError
  | AccessError
  | { readonly kind: "gateway-misconfigured"; readonly message: string }
  | {
      readonly kind: "unknown-endpoint";
      readonly method: string;
      readonly path: string;
      readonly pathKnown: boolean;
    }
  | { readonly kind: "credentials-missing" }
  | { readonly kind: "api-key-unknown" }
  | { readonly kind: "token-unknown" }
  | { readonly kind: "signature-with-token" }
  | { readonly kind: "param-duplicate"; readonly name: string }
  | { readonly kind: "param-invalid"; readonly name: string }
  | { readonly kind: "query-malformed" }
  | { readonly kind: "body-invalid-json"; readonly message: string }
  | { readonly kind: "body-too-large"; readonly limit: number }
  | { readonly kind: "unsupported-content-type"; readonly contentType: string }
  | { readonly kind: "upstream-restricted-location"; readonly status: number }
  | { readonly kind: "upstream-blocked"; readonly status: number }
  | { readonly kind: "upstream-unreachable"; readonly cause: "timeout" | "network" }
  | { readonly kind: "upstream-timeout" }
  | {
      readonly kind: "upstream-banned";
      readonly status: 418 | 429;
      readonly until: number;
      readonly code: number;
    }
  | { readonly kind: "order-not-placed"; readonly clientOrderId: string }
  | { readonly kind: "order-outcome-unknown"; readonly clientOrderId: string }
  | WeightRefusal
  | HookError
  | StreamRefusal
  | { readonly kind: "listen-key-unknown" }
  | { readonly kind: "listen-key-not-given" };

/** Refusals of a webhook delivery (POST /hooks/<id>) or of a status query; nothing is placed. */
export type HookError =
  | { readonly kind: "hook-unknown" }
  | { readonly kind: "hook-source-denied" }
  | { readonly kind: "hook-passphrase" }
  | { readonly kind: "hook-disabled"; readonly hookId: string }
  | { readonly kind: "alert-invalid"; readonly message: string }
  | { readonly kind: "alert-stale"; readonly ageMs: number; readonly maxLagMs: number }
  | { readonly kind: "hook-symbol-denied"; readonly symbol: string }
  | { readonly kind: "alert-unknown" };

/**
 * A WebSocket connection to the stream relay refused, by the gateway or by the relay object. One kind (it is
 * the X-Gateway-Error header) for every cause: the detail says which, after "Stream relay: ".
 */
export interface StreamRefusal {
  readonly kind: "stream-refused";
  readonly status: number;
  readonly detail: string;
  /** Binance's -1125 when the refused stream is a listen key that does not exist; else the gateway's -9020. */
  readonly listenKeyUnknown?: true;
}

export type GatewayErrorKind = GatewayErrorReason["kind"];

export interface WireError {
  readonly status: number;
  readonly code: number;
  readonly msg: string;
}

const NO_PERMISSION = "Invalid API-key, IP, or permissions for action.";
const LOCATION_HINT =
  "Set the BINANCE_LOCATION_HINT var (for example apac-ne) so upstream calls leave from a region Binance serves; see docs/deploy.md, 'Where requests leave from'.";

/** The reason as Binance's error body alone, `{"code":..,"msg":".."}` (a batch element, a reply held as text). */
export function errorBody(reason: GatewayErrorReason): string {
  const wire = toWireError(reason);
  return JSON.stringify({ code: wire.code, msg: wire.msg });
}

export function toWireError(reason: GatewayErrorReason): WireError {
  switch (reason.kind) {
    case "gateway-misconfigured":
      return { status: 500, code: -9000, msg: `Gateway misconfigured: ${reason.message}` };
    case "unknown-endpoint":
      return {
        status: 404,
        code: -9001,
        msg: reason.pathKnown
          ? `${reason.path} is a Binance Futures endpoint, but not for ${reason.method}.`
          : `${reason.method} ${reason.path} is not a Binance Futures endpoint this gateway serves.`,
      };
    case "credentials-missing":
      return {
        status: 401,
        code: -2014,
        msg: "API-key format invalid. (gateway: send X-MBX-APIKEY with a virtual key, or Authorization: Bearer <token>)",
      };
    case "api-key-unknown":
      return { status: 401, code: -2015, msg: NO_PERMISSION };
    case "token-unknown":
      return { status: 401, code: -2015, msg: `${NO_PERMISSION} (gateway: unknown bearer token)` };
    case "scope-denied":
      return {
        status: 401,
        code: -2015,
        msg: `${NO_PERMISSION} (gateway: client '${reason.client}' lacks the '${reason.scope}' scope)`,
      };
    case "symbol-denied":
      return {
        status: 401,
        code: -2015,
        msg: `${NO_PERMISSION} (gateway: ${symbolDenial(reason.client, reason.denied)})`,
      };
    case "signature-missing":
      return {
        status: 400,
        code: -1102,
        msg: "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.",
      };
    case "signature-invalid":
      return { status: 400, code: -1022, msg: "Signature for this request is not valid." };
    case "signature-with-token":
      return {
        status: 400,
        code: -1022,
        msg: "Signature for this request is not valid. (gateway: bearer-token calls are unsigned; leave out signature)",
      };
    case "timestamp-missing":
      return {
        status: 400,
        code: -1102,
        msg: "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.",
      };
    case "param-malformed":
      return {
        status: 400,
        code: -1100,
        msg: `Illegal characters found in parameter '${reason.name}'; legal range is '^[0-9]{1,20}$'.`,
      };
    case "timestamp-ahead":
      return {
        status: 400,
        code: -1021,
        msg: "Timestamp for this request was 1000ms ahead of the server's time.",
      };
    case "timestamp-outside-window":
      return { status: 400, code: -1021, msg: "Timestamp for this request is outside of the recvWindow." };
    case "param-duplicate":
      return {
        status: 400,
        code: -1101,
        msg: `Duplicate values for a parameter detected. (gateway: '${reason.name}')`,
      };
    case "param-invalid":
      return { status: 400, code: -1130, msg: `Data sent for parameter '${reason.name}' is not valid.` };
    case "query-malformed":
      return {
        status: 400,
        code: -1100,
        msg: "Illegal characters found in a parameter. (gateway: bad percent-encoding or invalid UTF-8)",
      };
    case "body-invalid-json":
      return { status: 400, code: -9004, msg: `Request body is not a valid JSON object: ${reason.message}` };
    case "body-too-large":
      return { status: 413, code: -9002, msg: `Request body exceeds ${reason.limit} bytes.` };
    case "unsupported-content-type":
      return {
        status: 415,
        code: -9003,
        msg: `Unsupported Content-Type '${reason.contentType}': send application/x-www-form-urlencoded or, with a bearer token, application/json.`,
      };
    case "upstream-restricted-location":
      return {
        status: 451,
        code: -9010,
        msg: `Binance refused the gateway's egress location (HTTP ${reason.status}, restricted location). ${LOCATION_HINT}`,
      };
    case "upstream-blocked":
      return {
        status: 403,
        code: -9011,
        msg: `Binance's edge blocked the gateway's request (HTTP ${reason.status}: ${reason.status < 400 ? "a redirect" : "an HTML page"}, not a Binance answer). This is usually the egress location or a WAF rule. ${LOCATION_HINT}`,
      };
    case "upstream-unreachable":
      return {
        status: 502,
        code: -9012,
        msg: `Binance did not answer this read (${reason.cause}), including the gateway's retries.`,
      };
    case "upstream-timeout":
      return {
        status: 504,
        code: -1007,
        msg: "Timeout waiting for response from backend server. Send status unknown; execution status unknown.",
      };
    case "upstream-banned":
      return {
        status: reason.status,
        code: reason.code,
        msg: `${reason.code === -1015 ? "Too many new orders" : "Too many requests"}; the gateway holds ${reason.code === -1015 ? "new orders" : "all calls"} to Binance until ${new Date(reason.until).toISOString()} (${reason.until}) after Binance answered ${reason.status}, to protect the account from a ban.`,
      };
    case "weight-budget":
      return { status: 429, code: -1003, msg: weightBudgetMessage(reason) };
    case "order-not-placed":
      return {
        status: 503,
        code: -9013,
        msg: `Binance did not confirm the order; the gateway looked it up until Binance could no longer accept it (its recvWindow had passed) and order ${reason.clientOrderId} does not exist: it was not placed. Sending it again is safe; reuse that client order id.`,
      };
    case "order-outcome-unknown":
      return {
        status: 503,
        code: -9014,
        msg: `Execution status unknown: Binance did not confirm the order and the gateway could not settle whether it exists. Query it by client order id ${reason.clientOrderId} before sending it again.`,
      };
    case "hook-unknown":
      return { status: 404, code: -9030, msg: "Unknown hook." };
    case "hook-source-denied":
      return {
        status: 403,
        code: -9031,
        msg: "This hook does not accept alerts from this address (allowIps).",
      };
    case "hook-passphrase":
      return { status: 401, code: -9032, msg: "Wrong or missing passphrase." };
    case "hook-disabled":
      return {
        status: 423,
        code: -9033,
        msg: `Hook ${reason.hookId} is disabled (kill switch): nothing was placed.`,
      };
    case "alert-invalid":
      return { status: 400, code: -9034, msg: `Alert refused: ${reason.message}. Nothing was placed.` };
    case "alert-stale": {
      const age = Math.round(reason.ageMs / 1000);
      const when = age >= 0 ? `${age} s old` : `${-age} s in the future`;
      return {
        status: 400,
        code: -9035,
        msg: `Alert refused: its time is ${when}; this hook accepts alerts up to ${reason.maxLagMs / 1000} s old (maxLagSeconds). Nothing was placed.`,
      };
    }
    case "hook-symbol-denied":
      return {
        status: 400,
        code: -9036,
        msg: `Alert refused: ${reason.symbol} is not among this hook's symbols. Nothing was placed.`,
      };
    case "alert-unknown":
      return { status: 404, code: -9037, msg: "No such alert for this hook." };
    case "stream-refused":
      return {
        status: reason.status,
        code: reason.listenKeyUnknown ? -1125 : -9020,
        msg: `Stream relay: ${reason.detail}`,
      };
    case "listen-key-unknown":
      return { status: 400, code: -1125, msg: "This listenKey does not exist." };
    case "listen-key-not-given":
      return {
        status: 502,
        code: -9012,
        msg: "Binance answered the listen key request without a listen key",
      };
  }
}

function symbolDenial(client: string, denied: DeniedTarget): string {
  const only = `client '${client}' may only trade its listed symbols`;
  switch (denied.kind) {
    case "symbol":
      return `client '${client}' may not trade ${denied.symbol || "an unreadable symbol"}`;
    case "account":
      return `${only} and this call acts on the whole account`;
    case "no-symbol":
      return `${only} and this call names no symbol, so it acts on the whole account`;
    case "unresolved-order":
      return `${only} and the order this call addresses could not be looked up to check its symbol`;
  }
}

const MARKET_NAMES = { um: "USDⓈ-M", cm: "COIN-M" } as const;

function weightBudgetMessage(reason: WeightRefusal): string {
  const whose =
    reason.budget === "caller"
      ? `the request-weight budget of ${reason.caller} on ${MARKET_NAMES[reason.market]} is ${reason.limit} per minute and ${reason.spent} is spent`
      : `the gateway's request-weight budget on ${MARKET_NAMES[reason.market]} is ${reason.limit} per minute for this kind of call (the rest is kept for cancels and reduce-only orders) and ${reason.spent} is used, Binance's X-MBX-USED-WEIGHT-1M included`;
  return `Too many requests; ${whose}; this call weighs ${reason.weight}. The gateway refused it without asking Binance; retry after ${new Date(reason.until).toISOString()} (${reason.until}).`;
}
