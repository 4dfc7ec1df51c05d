// The Binance accounts the gateway signs for. The main account comes from BINANCE_API_KEY with
// BINANCE_API_SECRET or BINANCE_PRIVATE_KEY; more (sub-accounts, a second trader) come from the optional
// BINANCE_ACCOUNTS secret, a JSON object of name -> {apiKey, apiSecret | privateKey, privateKeyPassphrase?}.
// Each GATEWAY_CLIENTS entry acts for one account ("account", default "main"), so its REST calls are signed with
// that account's key and its user data streams carry that account's events only. Parsing is strict and its
// messages never contain a key.

import { type JsonValue, parseJson } from "../encoding/json-raw.ts";
import { err, ok, type Result } from "../result.ts";
import type { SigningCredential } from "../signing/signer.ts";

export const MAIN_ACCOUNT = "main";

export interface BinanceAccount {
  readonly name: string;
  readonly apiKey: string;
  /** null: only API-key calls (listen keys) can be made, not signed ones. */
  readonly credential: SigningCredential | null;
}

export interface AccountSecrets {
  readonly BINANCE_API_KEY?: string;
  readonly BINANCE_API_SECRET?: string;
  readonly BINANCE_PRIVATE_KEY?: string;
  readonly BINANCE_PRIVATE_KEY_PASSPHRASE?: string;
  readonly BINANCE_ACCOUNTS?: string;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const FIELDS = new Set(["apiKey", "apiSecret", "privateKey", "privateKeyPassphrase"]);

/** Every configured account by name (the main one first, when BINANCE_API_KEY is set). */
export function parseAccounts(secrets: AccountSecrets): Result<ReadonlyMap<string, BinanceAccount>, string> {
  const accounts = new Map<string, BinanceAccount>();
  const secret = secrets.BINANCE_API_SECRET || undefined;
  const pem = secrets.BINANCE_PRIVATE_KEY || undefined;
  if (secret !== undefined && pem !== undefined)
    return err("set only one of BINANCE_API_SECRET (HMAC) and BINANCE_PRIVATE_KEY (RSA or Ed25519)");
  if (secrets.BINANCE_API_KEY) {
    accounts.set(MAIN_ACCOUNT, {
      name: MAIN_ACCOUNT,
      apiKey: secrets.BINANCE_API_KEY,
      credential: credentialOf(secret, pem, secrets.BINANCE_PRIVATE_KEY_PASSPHRASE || undefined),
    });
  }
  const raw = secrets.BINANCE_ACCOUNTS ?? "";
  if (raw.trim() === "") return ok(accounts);
  const parsed = parseJson(raw);
  if (!parsed.ok) return err(`BINANCE_ACCOUNTS is not valid JSON: ${parsed.error.message}`);
  if (parsed.value.kind !== "object")
    return err(
      'BINANCE_ACCOUNTS must be a JSON object such as {"sub1": {"apiKey": "...", "apiSecret": "..."}}',
    );
  for (const [name, entry] of parsed.value.entries) {
    if (!NAME.test(name))
      return err(
        "BINANCE_ACCOUNTS names must be 1 to 32 of a-z, 0-9, _ and -, starting with a letter or digit",
      );
    if (name === MAIN_ACCOUNT)
      return err('BINANCE_ACCOUNTS cannot define "main": it comes from BINANCE_API_KEY');
    if (accounts.has(name)) return err(`BINANCE_ACCOUNTS names "${name}" twice`);
    const account = parseAccount(name, entry);
    if (!account.ok) return account;
    accounts.set(name, account.value);
  }
  return ok(accounts);
}

function parseAccount(name: string, entry: JsonValue): Result<BinanceAccount, string> {
  const at = `BINANCE_ACCOUNTS.${name}`;
  if (entry.kind !== "object") return err(`${at} must be an object`);
  const fields = new Map<string, string>();
  for (const [key, value] of entry.entries) {
    if (!FIELDS.has(key)) return err(`${at} has an unknown field (expected ${[...FIELDS].join(", ")})`);
    if (value.kind !== "string" || value.value === "") return err(`${at}.${key} must be a non-empty string`);
    fields.set(key, value.value);
  }
  const apiKey = fields.get("apiKey");
  if (apiKey === undefined) return err(`${at}.apiKey is required`);
  const secret = fields.get("apiSecret");
  const pem = fields.get("privateKey");
  if (secret !== undefined && pem !== undefined) return err(`${at}: give apiSecret or privateKey, not both`);
  if (secret === undefined && pem === undefined) return err(`${at} needs apiSecret or privateKey`);
  return ok({ name, apiKey, credential: credentialOf(secret, pem, fields.get("privateKeyPassphrase")) });
}

function credentialOf(
  secret: string | undefined,
  pem: string | undefined,
  passphrase: string | undefined,
): SigningCredential | null {
  if (secret !== undefined) return { kind: "hmac", secret };
  if (pem !== undefined) return { kind: "private-key", pem, passphrase };
  return null;
}
