// Credentials used by every test: the "real" Binance keys the fake exchange knows (from the signing vectors),
// and the virtual clients of GATEWAY_CLIENTS. Pure data, importable from Node and from workerd.

import vectors from "./fixtures/signing-vectors.json" with { type: "json" };

const futuresDoc = vectors.vectors.find((v) => v.id === "hmac-futures-doc");

export const REAL_KEYS = {
  hmac: {
    apiKey: "real-hmac-api-key-00000000000000000000000000000000000000000000000",
    secret: futuresDoc?.secret ?? "",
  },
  rsa: {
    apiKey: "real-rsa-api-key-000000000000000000000000000000000000000000000000",
    privateKeyPem: vectors.keys.rsa_pkcs8,
    publicKeyPem: vectors.keys.rsa_public_spki,
  },
  rsaPkcs1: {
    apiKey: "real-rsa-pkcs1-api-key-0000000000000000000000000000000000000000000",
    privateKeyPem: vectors.keys.rsa_pkcs1,
    publicKeyPem: vectors.keys.rsa_public_spki,
  },
  rsaEncrypted: {
    apiKey: "real-rsa-encrypted-api-key-00000000000000000000000000000000000000",
    privateKeyPem: vectors.keys.rsa_pkcs8_encrypted.pem,
    passphrase: vectors.keys.rsa_pkcs8_encrypted.passphrase,
    publicKeyPem: vectors.keys.rsa_public_spki,
  },
  ed25519: {
    apiKey: "real-ed25519-api-key-0000000000000000000000000000000000000000000000",
    privateKeyPem: vectors.keys.ed25519_pkcs8,
    publicKeyPem: vectors.keys.ed25519_public_spki,
  },
} as const;

/** FakeKey records (see test/fake-exchange) for the real keys above. */
export const FAKE_EXCHANGE_KEYS = [
  { apiKey: REAL_KEYS.hmac.apiKey, type: "hmac", secret: REAL_KEYS.hmac.secret },
  { apiKey: REAL_KEYS.rsa.apiKey, type: "rsa", publicKeyPem: REAL_KEYS.rsa.publicKeyPem },
  { apiKey: REAL_KEYS.rsaPkcs1.apiKey, type: "rsa", publicKeyPem: REAL_KEYS.rsaPkcs1.publicKeyPem },
  { apiKey: REAL_KEYS.rsaEncrypted.apiKey, type: "rsa", publicKeyPem: REAL_KEYS.rsaEncrypted.publicKeyPem },
  { apiKey: REAL_KEYS.ed25519.apiKey, type: "ed25519", publicKeyPem: REAL_KEYS.ed25519.publicKeyPem },
] as const;

export const CLIENTS = {
  trader: {
    name: "trader",
    apiKey: "vk-trader-0123456789abcdef",
    apiSecret: "vs-trader-secret-0123456789abcdef",
    scopes: ["market", "read", "trade", "stream"],
  },
  reader: {
    name: "reader",
    apiKey: "vk-reader-0123456789abcdef",
    apiSecret: "vs-reader-secret-0123456789abcdef",
    scopes: ["market", "read"],
  },
  btcOnly: {
    name: "btc-only",
    apiKey: "vk-btc-only-0123456789abcdef",
    apiSecret: "vs-btc-only-secret-0123456789abcdef",
    scopes: ["market", "read", "trade"],
    symbols: ["BTCUSDT", "BTCUSD_PERP"],
  },
  hook: {
    name: "hook",
    token: "tok-hook-0123456789abcdef0123",
    scopes: ["market", "read", "trade", "stream"],
  },
  viewer: { name: "viewer", token: "tok-viewer-0123456789abcdef01", scopes: ["market"] },
  /** May open user data streams but not read the account (the page must not show it an account panel). */
  watcher: { name: "watcher", token: "tok-watcher-0123456789abcdef0", scopes: ["market", "stream"] },
  /** Market data only, with its own request-weight budget per market and minute. */
  ticker: {
    name: "ticker",
    token: "tok-ticker-0123456789abcdef01",
    scopes: ["market"],
    weightPerMinute: 200,
  },
  /** Acts for the second Binance account (BINANCE_ACCOUNTS), not the main one. */
  second: {
    name: "second",
    apiKey: "vk-second-0123456789abcdef",
    apiSecret: "vs-second-secret-0123456789abcdef",
    token: "tok-second-0123456789abcdef01",
    scopes: ["market", "read", "trade", "stream"],
    account: "second",
  },
} as const;

export const GATEWAY_CLIENTS = JSON.stringify(Object.values(CLIENTS));

export type RealKeyName = keyof typeof REAL_KEYS;

/** The real key of the second account: Ed25519, or HMAC when the main account already uses Ed25519. */
export function secondAccountKey(main: RealKeyName): RealKeyName {
  return main === "ed25519" ? "hmac" : "ed25519";
}

/** Every secret the Worker reads, set explicitly so a developer's .dev.vars can never leak into a test. */
export function gatewaySecrets(key: RealKeyName): Record<string, string> {
  const secrets = {
    GATEWAY_CLIENTS,
    BINANCE_API_KEY: REAL_KEYS[key].apiKey,
    BINANCE_API_SECRET: "",
    BINANCE_PRIVATE_KEY: "",
    BINANCE_PRIVATE_KEY_PASSPHRASE: "",
    BINANCE_ACCOUNTS: JSON.stringify({ second: accountEntry(secondAccountKey(key)) }),
  };
  const real = REAL_KEYS[key];
  if ("secret" in real) secrets.BINANCE_API_SECRET = real.secret;
  if ("privateKeyPem" in real) secrets.BINANCE_PRIVATE_KEY = real.privateKeyPem;
  if ("passphrase" in real) secrets.BINANCE_PRIVATE_KEY_PASSPHRASE = real.passphrase;
  return secrets;
}

function accountEntry(key: RealKeyName): Record<string, string> {
  const real = REAL_KEYS[key];
  if ("secret" in real) return { apiKey: real.apiKey, apiSecret: real.secret };
  const entry: Record<string, string> = { apiKey: real.apiKey, privateKey: real.privateKeyPem };
  if ("passphrase" in real) entry.privateKeyPassphrase = real.passphrase;
  return entry;
}
