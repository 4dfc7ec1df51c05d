// Request signing with WebCrypto, the way Binance verifies it:
// HMAC-SHA256 as lowercase hex; RSASSA-PKCS1-v1_5/SHA-256 and Ed25519 as standard base64.
// sign() returns the raw signature text; the query encoder percent-encodes base64's "+", "/" and "=" when the
// signature is placed on the wire, so the signed bytes and the sent bytes stay one code path.
// Keys are imported once: SignerCache memoises the import per credential, so nothing is parsed per request.

import { toBase64, toHex, utf8 } from "../encoding/bytes.ts";
import { err, ok, type Result } from "../result.ts";
import { type KeyError, loadPrivateKey } from "./private-key.ts";

export type SignerKind = "hmac" | "rsa" | "ed25519";

export interface Signer {
  readonly kind: SignerKind;
  sign(payload: string): Promise<string>;
}

export type SigningCredential =
  | { readonly kind: "hmac"; readonly secret: string }
  | { readonly kind: "private-key"; readonly pem: string; readonly passphrase?: string };

export async function createSigner(credential: SigningCredential): Promise<Result<Signer, KeyError>> {
  if (credential.kind === "hmac") {
    const key = await importHmacKey(credential.secret, ["sign"]);
    return ok({
      kind: "hmac",
      sign: async (payload) => toHex(await crypto.subtle.sign("HMAC", key, utf8.encode(payload))),
    });
  }
  const loaded = await loadPrivateKey(credential.pem, credential.passphrase);
  if (!loaded.ok) return loaded;
  const algorithm =
    loaded.value.algorithm === "rsa" ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } : { name: "Ed25519" };
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey("pkcs8", loaded.value.pkcs8, algorithm, false, ["sign"]);
  } catch {
    return err({ kind: "unsupported-key", detail: `the ${loaded.value.algorithm} key did not import` });
  }
  return ok({
    kind: loaded.value.algorithm,
    sign: async (payload) => toBase64(await crypto.subtle.sign(algorithm.name, key, utf8.encode(payload))),
  });
}

export function importHmacKey(secret: string, usages: ("sign" | "verify")[]): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    utf8.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    usages,
  );
}

/** Memoises createSigner per credential for the life of an isolate (a failed import is remembered too). */
export class SignerCache {
  readonly #entries = new Map<string, Promise<Result<Signer, KeyError>>>();

  get(credential: SigningCredential): Promise<Result<Signer, KeyError>> {
    const id =
      credential.kind === "hmac"
        ? `hmac\u0000${credential.secret}`
        : `pk\u0000${credential.pem}\u0000${credential.passphrase ?? ""}`;
    let entry = this.#entries.get(id);
    if (entry === undefined) {
      entry = createSigner(credential);
      this.#entries.set(id, entry);
    }
    return entry;
  }
}
