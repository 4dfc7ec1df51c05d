// The only code that sends HTTP requests to Binance REST. It runs inside the egress Durable Object, so every
// call to Binance leaves from the object's location. It knows nothing about signing or retries; it sends one
// request with a deadline and returns Binance's answer as bytes, with the headers worth passing on.

import type { HttpMethod } from "../../shared/catalog/types.ts";
import type { WireRequest } from "../../shared/rest/egress-request.ts";

export interface BinanceReply {
  readonly status: number;
  /** Content-Type, Retry-After and every X-MBX-* header (used weight, order count). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: ArrayBuffer;
}

export type CallResult =
  | { readonly ok: true; readonly reply: BinanceReply }
  | { readonly ok: false; readonly cause: "timeout" | "network" };

const USER_AGENT = "binance-futures-edge-gateway/0.1";

export async function callBinance(
  origin: string,
  method: HttpMethod,
  path: string,
  wire: WireRequest,
  apiKey: string | null,
  timeoutMs: number,
): Promise<CallResult> {
  const headers = new Headers({ "User-Agent": USER_AGENT });
  if (apiKey !== null) headers.set("X-MBX-APIKEY", apiKey);
  if (wire.body !== null) headers.set("Content-Type", "application/x-www-form-urlencoded");
  const url = wire.query === "" ? `${origin}${path}` : `${origin}${path}?${wire.query}`;
  // An explicit timer, cleared when the call ends: AbortSignal.timeout's timer would outlive the call and keep
  // the egress object active (and billed) for the whole timeout after every request.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  try {
    const response = await fetch(url, {
      method,
      headers,
      body: wire.body,
      signal: deadline.signal,
      // A redirect would carry the API key (and, for 307/308, the signed request) to another host.
      redirect: "manual",
    });
    const body = await response.arrayBuffer();
    return { ok: true, reply: { status: response.status, headers: passOnHeaders(response.headers), body } };
  } catch {
    // The error's message can carry the URL, which for signed calls holds the signature: it is not used.
    return { ok: false, cause: deadline.signal.aborted ? "timeout" : "network" };
  } finally {
    clearTimeout(timer);
  }
}

function passOnHeaders(headers: Headers): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of headers) {
    if (name === "content-type" || name === "retry-after" || name.startsWith("x-mbx-")) kept[name] = value;
  }
  return kept;
}
