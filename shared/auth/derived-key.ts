// HMAC keys the gateway derives from GATEWAY_CLIENTS for what it signs itself (stream tokens, relay listen keys):
// no extra secret to configure, and changing the clients ends every token and key signed under the old ones.
// Each use has its own label, so a tag made for one can never pass as the other.

import { utf8 } from "../encoding/bytes.ts";

export async function derivedHmacKey(label: string, gatewayClients: string): Promise<CryptoKey> {
  const material = await crypto.subtle.digest("SHA-256", utf8.encode(`${label}\u0000${gatewayClients}`));
  return crypto.subtle.importKey("raw", material, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}
