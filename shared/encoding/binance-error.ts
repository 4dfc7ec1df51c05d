// Reading Binance's error body ({"code": -2013, "msg": "Order does not exist."}) without trusting it to be JSON:
// a proxy in between may answer with HTML or plain text, and the gateway still wants one line to report.
// The one parser of Binance's error bodies: the egress's outcome rules, reconciliation, the listen-key keeper
// and the order desk all read codes through it.

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

/** The body's "code", or null. */
export function errorCode(body: string): number | null {
  return readBinanceError(body)?.code ?? null;
}

/** "<code> <msg>" for a Binance error body, else the body's first 200 characters. */
export function messageOf(body: string): string {
  const error = readBinanceError(body);
  if (error !== null && error.msg !== "") return `${error.code ?? ""} ${error.msg}`.trim();
  return body.slice(0, 200);
}
