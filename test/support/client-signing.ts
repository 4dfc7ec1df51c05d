// How a Binance client signs a request with its (virtual) key: HMAC-SHA256 hex over query + body.
// WebCrypto only, so the same helper serves tests in Node and in workerd.

const encoder = new TextEncoder();

export async function hmacHex(secret: string, payload: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const bytes = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(payload)));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A signed query string: the given parameters, then timestamp, then signature, as the reference connector sends. */
export async function signedQuery(secret: string, params: string, timestamp = Date.now()): Promise<string> {
  const unsigned = `${params}${params === "" ? "" : "&"}timestamp=${timestamp}`;
  return `${unsigned}&signature=${await hmacHex(secret, unsigned)}`;
}
