// Short-lived stream tokens, minted by the gateway for browser pages that must not hold a long-lived
// credential: `rt1.<payload>.<mac>`, base64url, so the token is also a valid Sec-WebSocket-Protocol value.
// The MAC key is derived from GATEWAY_CLIENTS (secret material already): nothing new to configure, and changing
// the clients revokes every token minted before. A token names its client and expiry and grants the stream
// scope only.

import { fromBase64, toBase64, utf8 } from "../encoding/bytes.ts";
import { derivedHmacKey } from "./derived-key.ts";
import { constantTimeEqual } from "./registry.ts";

const PREFIX = "rt1";

export interface StreamTokenClaims {
  readonly client: string;
  readonly expiresAt: number;
}

export function streamTokenKey(gatewayClients: string): Promise<CryptoKey> {
  return derivedHmacKey("relay-stream-token:v1", gatewayClients);
}

export async function mintStreamToken(key: CryptoKey, claims: StreamTokenClaims): Promise<string> {
  const payload = base64Url(utf8.encode(JSON.stringify({ c: claims.client, e: claims.expiresAt })));
  return `${PREFIX}.${payload}.${await mac(key, payload)}`;
}

/** The token's claims if it is genuine and not expired; null otherwise. */
export async function verifyStreamToken(
  key: CryptoKey,
  token: string,
  now: number,
): Promise<StreamTokenClaims | null> {
  const [prefix, payload, signature, extra] = token.split(".");
  if (prefix !== PREFIX || payload === undefined || signature === undefined || extra !== undefined)
    return null;
  const expected = utf8.encode(await mac(key, payload));
  if (!constantTimeEqual(expected, utf8.encode(signature))) return null;
  const bytes = fromBase64(
    payload
      .replace(/-/g, "+")
      .replace(/_/g, "/")
      .padEnd(Math.ceil(payload.length / 4) * 4, "="),
  );
  if (bytes === null) return null;
  try {
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as { c?: unknown; e?: unknown };
    if (typeof claims.c !== "string" || typeof claims.e !== "number" || claims.e <= now) return null;
    return { client: claims.c, expiresAt: claims.e };
  } catch {
    return null;
  }
}

async function mac(key: CryptoKey, payload: string): Promise<string> {
  return base64Url(new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8.encode(payload))));
}

function base64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
