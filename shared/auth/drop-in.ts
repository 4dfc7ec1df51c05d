// Verifying a request signed with a virtual key, the way Binance verifies one signed with a real key:
// totalParams = raw query string + raw body (no separator) with the `signature` parameter taken out, HMAC-SHA256
// with the client's apiSecret, hex compared case-insensitively (WebCrypto's verify compares in constant time).
// The raw bytes as received are what is verified; nothing is decoded and re-encoded first.

import { fromHex, utf8 } from "../encoding/bytes.ts";
import type { Param } from "../encoding/query.ts";
import { err, type Result } from "../result.ts";
import { checkTimestamp, type TimestampError } from "./timestamp.ts";

export type DropInError =
  | TimestampError
  | { readonly kind: "signature-missing" }
  | { readonly kind: "signature-invalid" };

export interface DropInRequest {
  readonly rawQuery: string;
  readonly rawBody: string;
  /** The decoded parameters of query and body together. */
  readonly params: readonly Param[];
}

/** `secretKey` is the client's apiSecret imported for HMAC verify (ClientRegistry.verifyKey caches it). */
export async function verifyDropIn(
  request: DropInRequest,
  secretKey: CryptoKey,
  now: number,
): Promise<Result<void, DropInError>> {
  const value = (name: string) => request.params.find(([n]) => n === name)?.[1];
  const signature = value("signature");
  if (signature === undefined || signature === "") return err({ kind: "signature-missing" });
  const fresh = checkTimestamp(value("timestamp"), value("recvWindow"), now);
  if (
    !fresh.ok &&
    fresh.error.kind !== "timestamp-ahead" &&
    fresh.error.kind !== "timestamp-outside-window"
  ) {
    return fresh;
  }
  const payload = withoutSignature(request.rawQuery) + withoutSignature(request.rawBody);
  const signatureBytes = fromHex(signature);
  const valid =
    signatureBytes !== null &&
    (await crypto.subtle.verify("HMAC", secretKey, signatureBytes, utf8.encode(payload)));
  if (!valid) return err({ kind: "signature-invalid" });
  return fresh;
}

/** The raw parameter string with every `signature=...` segment removed, other bytes untouched. */
export function withoutSignature(raw: string): string {
  if (!raw.includes("signature")) return raw;
  return raw
    .split("&")
    .filter((segment) => segment.split("=", 1)[0] !== "signature")
    .join("&");
}
