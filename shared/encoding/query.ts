// Binance parameter encoding, as the reference connector puts it on the wire: Python's quote_plus
// (space -> "+", everything outside A-Z a-z 0-9 _ . - ~ percent-encoded as UTF-8 with uppercase hex)
// with "@" left as is. The signed string and the sent string are the same bytes, so this is the one encoder.

import { err, ok, type Result } from "../result.ts";

/** One parameter, name and decoded value, in the order it appears on the wire. */
export type Param = readonly [name: string, value: string];

const MUST_ESCAPE_AFTER_URI_COMPONENT = /[!'()*]/g;

export function encodeComponent(text: string): string {
  // encodeURIComponent throws on lone surrogates; callers validate input before encoding.
  return encodeURIComponent(text)
    .replace(MUST_ESCAPE_AFTER_URI_COMPONENT, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, "+")
    .replace(/%40/g, "@");
}

export function encodeParams(params: readonly Param[]): string {
  let out = "";
  for (const [name, value] of params) {
    if (out.length > 0) out += "&";
    out += `${encodeComponent(name)}=${encodeComponent(value)}`;
  }
  return out;
}

export type QueryError = { readonly kind: "malformed-encoding"; readonly name: string | null };

/**
 * Strict application/x-www-form-urlencoded decoding of a raw query string or form body: "+" is a space,
 * percent escapes must be valid UTF-8. Empty segments ("a=1&&b=2") are skipped, as form decoders do.
 */
export function parseParams(raw: string): Result<Param[], QueryError> {
  const params: Param[] = [];
  if (raw.length === 0) return ok(params);
  for (const segment of raw.split("&")) {
    if (segment.length === 0) continue;
    const eq = segment.indexOf("=");
    const rawName = eq === -1 ? segment : segment.slice(0, eq);
    const rawValue = eq === -1 ? "" : segment.slice(eq + 1);
    const name = decodeComponent(rawName);
    if (name === null) return err({ kind: "malformed-encoding", name: null });
    const value = decodeComponent(rawValue);
    if (value === null) return err({ kind: "malformed-encoding", name });
    params.push([name, value]);
  }
  return ok(params);
}

function decodeComponent(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return null;
  }
}

/** True when the string can be percent-encoded (no lone UTF-16 surrogates). */
export function isEncodable(text: string): boolean {
  return text.isWellFormed();
}
