// Turns BINANCE_PRIVATE_KEY into a PKCS#8 DER that WebCrypto can import, with the algorithm read from the key
// itself (the AlgorithmIdentifier OID), never guessed from the armour label or the text length.
// Accepted: PKCS#8, PKCS#1 ("RSA PRIVATE KEY", wrapped into PKCS#8 here because WebCrypto only imports
// PKCS#8), and encrypted PKCS#8 with PBES2 (PBKDF2 + AES-CBC, the primitives WebCrypto has).
// Refused with an explanation: PBES1 and 3DES (no WebCrypto primitive), legacy "Proc-Type" PEM encryption.

import { concatBytes, utf8 } from "../encoding/bytes.ts";
import { err, ok, type Result } from "../result.ts";
import { decodeOid, decodeSmallInteger, encodeTlv, readChildren, readSequence, TAG } from "./der.ts";
import { decodePem } from "./pem.ts";

export type KeyAlgorithm = "rsa" | "ed25519";

export type KeyError =
  | { readonly kind: "not-pem" }
  | { readonly kind: "unsupported-key"; readonly detail: string }
  | { readonly kind: "passphrase-required" }
  | { readonly kind: "wrong-passphrase" }
  | { readonly kind: "unsupported-encryption"; readonly detail: string };

export interface Pkcs8Key {
  readonly algorithm: KeyAlgorithm;
  readonly pkcs8: Uint8Array<ArrayBuffer>;
}

const OID = {
  rsaEncryption: "1.2.840.113549.1.1.1",
  ed25519: "1.3.101.112",
  pbes2: "1.2.840.113549.1.5.13",
  pbkdf2: "1.2.840.113549.1.5.12",
} as const;

const PRF_HASH: Readonly<Record<string, string>> = {
  "1.2.840.113549.2.7": "SHA-1",
  "1.2.840.113549.2.9": "SHA-256",
  "1.2.840.113549.2.10": "SHA-384",
  "1.2.840.113549.2.11": "SHA-512",
};

const AES_CBC_KEY_BYTES: Readonly<Record<string, number>> = {
  "2.16.840.1.101.3.4.1.2": 16,
  "2.16.840.1.101.3.4.1.22": 24,
  "2.16.840.1.101.3.4.1.42": 32,
};

const REENCRYPT_HINT = "re-encrypt it with `openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256`";

export async function loadPrivateKey(pem: string, passphrase?: string): Promise<Result<Pkcs8Key, KeyError>> {
  const block = decodePem(pem);
  if (block === null) return err({ kind: "not-pem" });
  if (block.headers.has("Proc-Type")) {
    return err({
      kind: "unsupported-encryption",
      detail: `legacy PEM encryption (Proc-Type); ${REENCRYPT_HINT}`,
    });
  }
  if (block.label === "RSA PRIVATE KEY") return classifyPkcs8(wrapPkcs1(block.der));
  if (block.label === "ENCRYPTED PRIVATE KEY" || (block.label === "" && passphrase)) {
    if (!passphrase) return err({ kind: "passphrase-required" });
    const decrypted = await decryptPkcs8(block.der, passphrase);
    return decrypted.ok ? classifyPkcs8(decrypted.value) : decrypted;
  }
  if (block.label === "PRIVATE KEY" || block.label === "") return classifyPkcs8(block.der);
  return err({ kind: "unsupported-key", detail: `PEM label "${block.label}"` });
}

function classifyPkcs8(der: Uint8Array<ArrayBuffer>): Result<Pkcs8Key, KeyError> {
  const algorithmId = readSequence(der)?.[1];
  if (algorithmId === undefined || algorithmId.tag !== TAG.sequence) {
    return err({ kind: "unsupported-key", detail: "not a PKCS#8 private key" });
  }
  const algorithm = readChildren(algorithmId.value)?.[0];
  if (algorithm === undefined || algorithm.tag !== TAG.oid) {
    return err({ kind: "unsupported-key", detail: "PKCS#8 without an algorithm identifier" });
  }
  const name = decodeOid(algorithm.value);
  if (name === OID.rsaEncryption) return ok({ algorithm: "rsa", pkcs8: der });
  if (name === OID.ed25519) return ok({ algorithm: "ed25519", pkcs8: der });
  return err({ kind: "unsupported-key", detail: `algorithm ${name} (Binance accepts RSA and Ed25519)` });
}

/** PrivateKeyInfo { version 0, AlgorithmIdentifier { rsaEncryption, NULL }, OCTET STRING { RSAPrivateKey } } */
function wrapPkcs1(pkcs1: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const version = encodeTlv(TAG.integer, new Uint8Array([0]));
  const rsaOid = new Uint8Array([
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
  ]);
  const algorithmId = encodeTlv(TAG.sequence, rsaOid);
  return encodeTlv(TAG.sequence, concatBytes(version, algorithmId, encodeTlv(TAG.octetString, pkcs1)));
}

async function decryptPkcs8(
  der: Uint8Array<ArrayBuffer>,
  passphrase: string,
): Promise<Result<Uint8Array<ArrayBuffer>, KeyError>> {
  const params = readPbes2(der);
  if (!params.ok) return params;
  const { salt, iterations, keyBytes, hash, iv, data } = params.value;
  try {
    const base = await crypto.subtle.importKey("raw", utf8.encode(passphrase), "PBKDF2", false, [
      "deriveBits",
    ]);
    const bits = await crypto.subtle.deriveBits(
      { name: "PBKDF2", salt, iterations, hash },
      base,
      keyBytes * 8,
    );
    const aes = await crypto.subtle.importKey("raw", bits, "AES-CBC", false, ["decrypt"]);
    const plain = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-CBC", iv }, aes, data));
    // A wrong passphrase usually fails the padding check; when the padding happens to pass, the result is
    // not a DER SEQUENCE.
    return readSequence(plain) === null ? err({ kind: "wrong-passphrase" }) : ok(plain);
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === "NotSupportedError") {
      return err({ kind: "unsupported-encryption", detail: `AES-${keyBytes * 8}-CBC; ${REENCRYPT_HINT}` });
    }
    return err({ kind: "wrong-passphrase" });
  }
}

interface Pbes2Params {
  readonly salt: Uint8Array<ArrayBuffer>;
  readonly iterations: number;
  readonly keyBytes: number;
  readonly hash: string;
  readonly iv: Uint8Array<ArrayBuffer>;
  readonly data: Uint8Array<ArrayBuffer>;
}

function readPbes2(der: Uint8Array<ArrayBuffer>): Result<Pbes2Params, KeyError> {
  const malformed = err({ kind: "unsupported-encryption" as const, detail: "malformed encrypted PKCS#8" });
  const [algorithmId, encrypted] = readSequence(der) ?? [];
  if (algorithmId === undefined || encrypted?.tag !== TAG.octetString) return malformed;
  const [schemeOid, schemeParams] = readChildren(algorithmId.value) ?? [];
  if (schemeOid === undefined || schemeParams === undefined) return malformed;
  if (decodeOid(schemeOid.value) !== OID.pbes2) {
    const detail = `PBES1 (${decodeOid(schemeOid.value)}) has no WebCrypto cipher; ${REENCRYPT_HINT}`;
    return err({ kind: "unsupported-encryption", detail });
  }
  const [kdf, cipher] = readChildren(schemeParams.value) ?? [];
  const [kdfOid, kdfParams] = kdf ? (readChildren(kdf.value) ?? []) : [];
  const [cipherOid, iv] = cipher ? (readChildren(cipher.value) ?? []) : [];
  if (!kdfOid || !kdfParams || !cipherOid || iv?.tag !== TAG.octetString) return malformed;
  if (decodeOid(kdfOid.value) !== OID.pbkdf2)
    return err({ kind: "unsupported-encryption", detail: "KDF is not PBKDF2" });
  const keyBytes = AES_CBC_KEY_BYTES[decodeOid(cipherOid.value)];
  if (keyBytes === undefined) {
    return err({
      kind: "unsupported-encryption",
      detail: `cipher ${decodeOid(cipherOid.value)}; ${REENCRYPT_HINT}`,
    });
  }
  const fields = readChildren(kdfParams.value) ?? [];
  const [salt, count] = fields;
  const iterations = count?.tag === TAG.integer ? decodeSmallInteger(count.value) : null;
  if (salt?.tag !== TAG.octetString || iterations === null) return malformed;
  // Optional keyLength INTEGER, then optional prf AlgorithmIdentifier (default hmacWithSHA1).
  const prf = fields.slice(2).find((f) => f.tag === TAG.sequence);
  const prfOid = prf ? readChildren(prf.value)?.[0] : undefined;
  const hash = prfOid ? PRF_HASH[decodeOid(prfOid.value)] : "SHA-1";
  if (hash === undefined)
    return err({ kind: "unsupported-encryption", detail: `PBKDF2 PRF; ${REENCRYPT_HINT}` });
  return ok({ salt: salt.value, iterations, keyBytes, hash, iv: iv.value, data: encrypted.value });
}
