// Signature verification with node:crypto (independent of the gateway's WebCrypto signing).

import { createHmac, createPublicKey, type KeyObject, timingSafeEqual, verify } from "node:crypto";
import type { FakeKey } from "../types.ts";

export type RegisteredKey =
  | { apiKey: string; type: "hmac"; secret: string; source: FakeKey }
  | { apiKey: string; type: "rsa" | "ed25519"; publicKey: KeyObject; source: FakeKey };

/** Validates a FakeKey and prepares it for verification; throws on a malformed key. */
export function prepareKey(key: FakeKey): RegisteredKey {
  if (typeof key.apiKey !== "string" || key.apiKey === "")
    throw new Error("apiKey must be a non-empty string");
  if (key.type === "hmac") {
    if (typeof key.secret !== "string" || key.secret === "") throw new Error("hmac secret must be a string");
    return { apiKey: key.apiKey, type: "hmac", secret: key.secret, source: key };
  }
  if (key.type !== "rsa" && key.type !== "ed25519") throw new Error(`unknown key type: ${String(key.type)}`);
  const publicKey = createPublicKey(key.publicKeyPem);
  const actual = publicKey.asymmetricKeyType;
  if (actual !== key.type) throw new Error(`public key is ${String(actual)}, registered as ${key.type}`);
  return { apiKey: key.apiKey, type: key.type, publicKey, source: key };
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function decodeBase64Strict(text: string): Buffer | null {
  if (text.length % 4 !== 0 || !BASE64.test(text)) return null;
  return Buffer.from(text, "base64");
}

/**
 * HMAC: hex HMAC-SHA256 of totalParams, compared case-insensitively.
 * RSA (PKCS#1 v1.5, SHA-256) and Ed25519: the decoded signature is standard base64.
 */
export function verifySignature(key: RegisteredKey, totalParams: string, signature: string): boolean {
  const data = Buffer.from(totalParams, "utf8");
  if (key.type === "hmac") {
    const expected = Buffer.from(createHmac("sha256", key.secret).update(data).digest("hex"), "utf8");
    const given = Buffer.from(signature.toLowerCase(), "utf8");
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
  const bytes = decodeBase64Strict(signature);
  if (bytes === null) return false;
  try {
    return key.type === "rsa"
      ? verify("sha256", data, key.publicKey, bytes)
      : verify(null, data, key.publicKey, bytes);
  } catch {
    return false;
  }
}
