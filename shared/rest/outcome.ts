// What a Binance response means for the gateway, decided from status, headers and body alone.
// Only error statuses are inspected; successful bodies pass through untouched and unparsed.

export type UpstreamOutcome =
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
): UpstreamOutcome {
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
  if ((status >= 500 || status === 408) && isExecutionUnknown(error)) return { kind: "execution-unknown" };
  if (status >= 500) return { kind: "server-error" };
  return { kind: "pass-through" };
}

export interface BinanceErrorBody {
  /** null when the body has no numeric code, as Binance's 503 "Unknown error" body does. */
  readonly code: number | null;
  readonly msg: string;
}

/**
 * A JSON error body: Binance's `{code, msg}`, or the `{timestamp, path, msg}` shape its 503 "Unknown error"
 * answers carry. null for anything that is not a JSON object (HTML pages, empty bodies).
 */
export function readBinanceError(body: string): BinanceErrorBody | null {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return null;
    const { code, msg } = parsed as { code?: unknown; msg?: unknown };
    return { code: typeof code === "number" ? code : null, msg: typeof msg === "string" ? msg : "" };
  } catch {
    return null;
  }
}

// -1006 and -1007 say "execution status unknown"; the 503 "Unknown error, please check your request or try
// again later." means the same. Binance: do not treat these as failures, check the order.
function isExecutionUnknown(error: BinanceErrorBody | null): boolean {
  if (error === null) return false;
  const msg = error.msg.toLowerCase();
  return (
    error.code === -1006 ||
    error.code === -1007 ||
    msg.includes("unknown error") ||
    msg.includes("status unknown")
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
