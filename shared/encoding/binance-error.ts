// Reading Binance's error body ({"code": -2013, "msg": "Order does not exist."}) without trusting it to be JSON:
// a proxy in between may answer with HTML or plain text, and the gateway still wants one line to report.

/** The body's "code", or null. */
export function errorCode(body: string): number | null {
  const match = /"code"\s*:\s*(-?\d+)/.exec(body);
  return match === null ? null : Number(match[1]);
}

/** "<code> <msg>" for a Binance error body, else the body's first 200 characters. */
export function messageOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { code?: unknown; msg?: unknown };
    if (typeof parsed.msg === "string") return `${parsed.code ?? ""} ${parsed.msg}`.trim();
  } catch {
    // Not JSON.
  }
  return body.slice(0, 200);
}
