// What the REST client throws. Three situations a caller handles differently, so three classes:
// - RestUsageError: the call was refused before anything was sent (missing or unsendable parameter, missing
//   credentials, bad options). Fixing the code fixes it; retrying does not.
// - BinanceError: the server answered and the answer is not a usable success (non-2xx, or a 2xx body the parser
//   rejected). Carries Binance's {code, msg}, which the gateway also uses for its own refusals.
// - RestNetworkError: no answer (fetch rejected, the body could not be read, or the call was aborted). A write
//   may or may not have reached Binance.
// Inside shared/ expected failures are usually Result values; a client library throws at its public surface
// because that is what every caller of a fetch-based API expects. Messages never hold a key, a signature or a
// query string (a signed URL would let a reader replay the call within its recvWindow).

import type { HttpMethod, Market } from "../../shared/catalog/types.ts";

export type RestUsageReason =
  | { readonly kind: "param-missing"; readonly names: readonly string[] }
  | { readonly kind: "param-invalid"; readonly name: string; readonly detail: string }
  | { readonly kind: "credentials-missing"; readonly security: "API_KEY" | "SIGNED" }
  | { readonly kind: "option-invalid"; readonly option: string; readonly detail: string };

export class RestUsageError extends Error {
  override readonly name = "RestUsageError";
  readonly reason: RestUsageReason;

  constructor(call: string, reason: RestUsageReason) {
    super(`${call}: ${describeUsage(reason)}`);
    this.reason = reason;
  }
}

function describeUsage(reason: RestUsageReason): string {
  switch (reason.kind) {
    case "param-missing":
      return `missing required parameter${reason.names.length > 1 ? "s" : ""} ${reason.names
        .map((entry) => entry.split("|").join(" or "))
        .join(", ")}`;
    case "param-invalid":
      return `parameter '${reason.name}' ${reason.detail}`;
    case "credentials-missing":
      return `a ${reason.security} endpoint needs auth ({ token } or { apiKey, apiSecret })`;
    case "option-invalid":
      return `option '${reason.option}' ${reason.detail}`;
  }
}

export class BinanceError extends Error {
  override readonly name = "BinanceError";
  readonly status: number;
  /** Binance's (or the gateway's) error code; null when the body is not Binance's {code, msg} shape. */
  readonly code: number | null;
  readonly msg: string;
  /** The body exactly as received. */
  readonly raw: string;
  /** Response headers: X-MBX-USED-WEIGHT-*, Retry-After, X-Gateway-Error. */
  readonly headers: Headers;

  constructor(status: number, headers: Headers, raw: string, fallbackMsg?: string) {
    const shape = readErrorShape(raw);
    const code = shape?.code ?? null;
    const msg = shape?.msg ?? fallbackMsg ?? `HTTP ${status} without a Binance error body`;
    super(code === null ? `HTTP ${status}: ${msg}` : `HTTP ${status}, code ${code}: ${msg}`);
    this.status = status;
    this.code = code;
    this.msg = msg;
    this.raw = raw;
    this.headers = headers;
  }
}

// Error bodies are tiny and their codes small integers, so JSON.parse is exact here whatever parser the
// caller chose for successful answers.
function readErrorShape(raw: string): { code: number; msg: string } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const code: unknown = Reflect.get(parsed, "code");
  const msg: unknown = Reflect.get(parsed, "msg");
  return typeof code === "number" && typeof msg === "string" ? { code, msg } : null;
}

export class RestNetworkError extends Error {
  override readonly name = "RestNetworkError";
  readonly market: Market;
  readonly method: HttpMethod;
  /** The endpoint's path, without the query string. */
  readonly path: string;

  constructor(market: Market, method: HttpMethod, path: string, cause: unknown) {
    // A custom fetch may name the URL in its message; the query of a signed call must not reach a log.
    const why = (cause instanceof Error ? cause.message : String(cause)).replace(/\?\S*/g, "?…");
    super(`${market} ${method} ${path}: no answer (${why})`, { cause });
    this.market = market;
    this.method = method;
    this.path = path;
  }
}
