// What a Binance response means for the gateway, decided from status, headers and body alone.
// Only error statuses are inspected; successful bodies pass through untouched and unparsed.
// A 5xx is a plain failure only when Binance documents it as one ("Internal error; unable to process your
// request", "Service Unavailable.", -1008 throttled); anything else, an HTML page from the CDN included, may
// have been executed behind it, and counts as "execution status unknown".

import { type BinanceErrorBody, readBinanceError } from "../encoding/binance-error.ts";

export type BinanceOutcome =
  | { readonly kind: "pass-through" }
  | { readonly kind: "restricted-location" }
  | { readonly kind: "blocked" }
  | {
      readonly kind: "rate-limited";
      readonly status: 418 | 429;
      readonly code: number;
      readonly until: number;
    }
  | { readonly kind: "timestamp-rejected" }
  | { readonly kind: "execution-unknown" }
  | { readonly kind: "server-error" };

const DEFAULT_BAN_MS = { 418: 120_000, 429: 60_000 } as const;

export function classifyResponse(
  status: number,
  retryAfter: string | null,
  body: string,
  now: number,
): BinanceOutcome {
  // Redirects are not followed: they would carry the API key (and a 307/308 the signed request) elsewhere.
  if (status >= 300 && status < 400) return { kind: "blocked" };
  if (status < 400) return { kind: "pass-through" };
  const error = readBinanceError(body);
  if (status === 451) return { kind: "restricted-location" };
  if (status === 403 && error === null) return { kind: "blocked" };
  if (status === 418 || status === 429) {
    return {
      kind: "rate-limited",
      status,
      code: error?.code ?? -1003,
      until: banUntil(status, retryAfter, error, now),
    };
  }
  if (error?.code === -1021) return { kind: "timestamp-rejected" };
  if (status >= 500 || status === 408)
    return isKnownFailure(error) ? { kind: "server-error" } : { kind: "execution-unknown" };
  return { kind: "pass-through" };
}

// Binance's documented 5xx failures: the request was not executed. Everything else in a 5xx (-1006 and -1007
// "execution status unknown", the 503 "Unknown error, please check your request or try again later.", or a
// body that is not Binance's) means the outcome must be checked.
function isKnownFailure(error: BinanceErrorBody | null): boolean {
  if (error === null) return false;
  const msg = error.msg.toLowerCase();
  if (error.code === -1006 || error.code === -1007 || msg.includes("unknown")) return false;
  return (
    error.code === -1001 ||
    error.code === -1008 ||
    msg.includes("service unavailable") ||
    msg.includes("internal error")
  );
}

function banUntil(
  status: 418 | 429,
  retryAfter: string | null,
  error: { msg: string } | null,
  now: number,
): number {
  const seconds = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : null;
  if (seconds !== null) return now + seconds * 1000;
  // 418 bodies name the end of the ban: "IP(1.2.3.4) banned until 1659146400000".
  const stated = /banned until (\d{13})/.exec(error?.msg ?? "")?.[1];
  if (stated !== undefined && Number(stated) > now) return Number(stated);
  return now + DEFAULT_BAN_MS[status];
}
