// Whether a Binance account can make the calls asked of it, in words an operator can act on (never a key's
// value). The egress object refuses calls with these messages and /gateway/health reports them, so both say
// the same thing.

import type { KeyError } from "../signing/private-key.ts";
import { type BinanceAccount, MAIN_ACCOUNT } from "./accounts.ts";

/** API-key calls (listen keys, MARKET_DATA) need the key; signed calls need a signing credential too. */
export type KeyNeed = "api-key" | "signing";

/** What is missing for `need`, or null when the account has it (a key that fails to load is checked apart). */
export function accountProblem(
  name: string,
  account: BinanceAccount | undefined,
  need: KeyNeed,
): string | null {
  if (account === undefined)
    return name === MAIN_ACCOUNT
      ? "BINANCE_API_KEY is not set, so calls that need Binance's API key cannot be made"
      : `account "${name}" is not in BINANCE_ACCOUNTS`;
  if (
    isPlaceholder(account.apiKey) ||
    (account.credential?.kind === "hmac" && isPlaceholder(account.credential.secret))
  )
    return `${name === MAIN_ACCOUNT ? "BINANCE_API_KEY" : `BINANCE_ACCOUNTS.${name}`} still holds the placeholder from .dev.vars.example`;
  if (need === "signing" && account.credential === null)
    return name === MAIN_ACCOUNT
      ? "neither BINANCE_API_SECRET nor BINANCE_PRIVATE_KEY is set, so signed calls cannot be made"
      : `account "${name}" has no apiSecret or privateKey`;
  return null;
}

/** The example file's values ("replace-with-your-binance-api-key"): sending them would only earn -2014. */
function isPlaceholder(value: string): boolean {
  return value.startsWith("replace-with-");
}

/** A key that did not load, named by where the operator set it. */
export function describeKeyError(name: string, error: KeyError): string {
  const key = name === MAIN_ACCOUNT ? "BINANCE_PRIVATE_KEY" : `BINANCE_ACCOUNTS.${name}.privateKey`;
  const passphrase =
    name === MAIN_ACCOUNT
      ? "BINANCE_PRIVATE_KEY_PASSPHRASE"
      : `BINANCE_ACCOUNTS.${name}.privateKeyPassphrase`;
  switch (error.kind) {
    case "not-pem":
      return `${key} is not a PEM private key`;
    case "unsupported-key":
      return `${key} is not usable: ${error.detail}`;
    case "passphrase-required":
      return `${key} is encrypted: set ${passphrase}`;
    case "wrong-passphrase":
      return `${passphrase} does not decrypt ${key}`;
    case "unsupported-encryption":
      return `${key} uses an unsupported encryption: ${error.detail}`;
  }
}
