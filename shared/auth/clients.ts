// GATEWAY_CLIENTS: who may call the gateway. Parsing is strict on purpose: a typo ("scope" for "scopes",
// an unknown scope, a key without its secret) is an error that names the entry and field, never a silently
// wider or narrower access. Messages never contain a secret value (not even JSON syntax errors echo input).

import { type ConfigError, readFields } from "../config-fields.ts";
import { type JsonValue, parseJson } from "../encoding/json-raw.ts";
import { err, ok, type Result } from "../result.ts";
import { MAIN_ACCOUNT } from "./accounts.ts";

export const SCOPES = ["market", "read", "trade", "stream"] as const;
export type Scope = (typeof SCOPES)[number];

export interface GatewayClient {
  readonly name: string;
  readonly scopes: ReadonlySet<Scope>;
  /** Upper-case symbols this client may trade, or null for all. */
  readonly symbols: ReadonlySet<string> | null;
  /** Virtual Binance key pair for unmodified Binance clients. */
  readonly apiKey: string | null;
  readonly apiSecret: string | null;
  /** Bearer token for webhooks and curl. */
  readonly token: string | null;
  /** The Binance account it acts for (shared/auth/accounts.ts). */
  readonly account: string;
  /** Its request-weight budget per market and minute (shared/rest/weight-ledger.ts); null: the default. */
  readonly weightPerMinute: number | null;
}

export type ClientsConfigError = ConfigError<"clients-config">;

const FIELDS = new Set([
  "name",
  "apiKey",
  "apiSecret",
  "token",
  "scopes",
  "symbols",
  "account",
  "weightPerMinute",
]);
/** Far above any Binance limit; the gateway's own limit is checked against it where that limit is read. */
export const MAX_WEIGHT_PER_MINUTE = 1_000_000;
const ACCOUNT = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const CREDENTIAL = /^[\x21-\x7e]{16,256}$/;
const SYMBOL = /^[A-Z0-9_]{1,32}$/;

export function parseClients(raw: string | undefined): Result<GatewayClient[], ClientsConfigError> {
  const fail = (message: string) => err<ClientsConfigError>({ kind: "clients-config", message });
  if (raw === undefined || raw.trim() === "") {
    return fail(
      "GATEWAY_CLIENTS is not set: add it with `wrangler secret put GATEWAY_CLIENTS` (see docs/configuration.md)",
    );
  }
  const parsed = parseJson(raw);
  if (!parsed.ok) return fail(`GATEWAY_CLIENTS is not valid JSON: ${parsed.error.message}`);
  if (parsed.value.kind !== "array") return fail("GATEWAY_CLIENTS must be a JSON array of client objects");
  const clients: GatewayClient[] = [];
  const seen = new Set<string>();
  for (const [index, entry] of parsed.value.items.entries()) {
    const client = parseClient(entry, `GATEWAY_CLIENTS[${index}]`);
    if (!client.ok) return client;
    const { name, apiKey, token } = client.value;
    if (seen.has(`name\u0000${name}`)) return fail(`GATEWAY_CLIENTS[${index}].name "${name}" is used twice`);
    for (const credential of [apiKey, token]) {
      if (credential !== null && seen.has(`cred\u0000${credential}`)) {
        return fail(`GATEWAY_CLIENTS[${index}] reuses an apiKey or token of another client`);
      }
      if (credential !== null) seen.add(`cred\u0000${credential}`);
    }
    seen.add(`name\u0000${name}`);
    clients.push(client.value);
  }
  return ok(clients);
}

function parseClient(entry: JsonValue, at: string): Result<GatewayClient, ClientsConfigError> {
  const fail = (message: string) =>
    err<ClientsConfigError>({ kind: "clients-config", message: `${at}${message}` });
  const read = readFields(entry, FIELDS);
  if (!read.ok) {
    const problem = read.error;
    if (problem.kind === "not-an-object") return fail(" must be an object");
    if (problem.kind === "unknown-field")
      return fail(` has unknown field ${shown(problem.name)} (expected ${[...FIELDS].join(", ")})`);
    return fail(`.${problem.name} is given twice`);
  }
  const fields = read.value;
  const name = fields.get("name");
  if (name?.kind !== "string" || name.value.trim() === "") return fail(".name must be a non-empty string");
  const text = (key: string): string | null | undefined => {
    const value = fields.get(key);
    if (value === undefined) return null;
    return value.kind === "string" && CREDENTIAL.test(value.value) ? value.value : undefined;
  };
  const apiKey = text("apiKey");
  const apiSecret = text("apiSecret");
  const token = text("token");
  for (const [key, value] of [
    ["apiKey", apiKey],
    ["apiSecret", apiSecret],
    ["token", token],
  ] as const) {
    if (value === undefined)
      return fail(`.${key} must be 16 to 256 printable ASCII characters without spaces`);
  }
  if ((apiKey === null) !== (apiSecret === null))
    return fail(": apiKey and apiSecret must be given together");
  if (apiKey === null && token === null) return fail(" needs an apiKey/apiSecret pair or a token");
  const scopes = parseScopes(fields.get("scopes"));
  if (!scopes.ok) return fail(`.scopes ${scopes.error}`);
  const symbols = parseSymbols(fields.get("symbols"));
  if (!symbols.ok) return fail(`.symbols ${symbols.error}`);
  const account = fields.get("account");
  if (account !== undefined && (account.kind !== "string" || !ACCOUNT.test(account.value)))
    return fail(".account must name an account: 1 to 32 of a-z, 0-9, _ and -");
  const weight = fields.get("weightPerMinute");
  const weightPerMinute = weight === undefined ? null : wholeNumber(weight, 1, MAX_WEIGHT_PER_MINUTE);
  if (weightPerMinute === undefined)
    return fail(`.weightPerMinute must be a whole number from 1 to ${MAX_WEIGHT_PER_MINUTE}`);
  return ok({
    name: name.value,
    scopes: scopes.value,
    symbols: symbols.value,
    apiKey: apiKey ?? null,
    apiSecret: apiSecret ?? null,
    token: token ?? null,
    account: account?.kind === "string" ? account.value : MAIN_ACCOUNT,
    weightPerMinute,
  });
}

/** A JSON number written as a plain whole number within bounds ("1e3", "10.0", "-1" and strings are not). */
function wholeNumber(value: JsonValue, min: number, max: number): number | undefined {
  if (value.kind !== "number" || !/^[0-9]{1,9}$/.test(value.raw)) return undefined;
  const number = Number(value.raw);
  return number >= min && number <= max ? number : undefined;
}

function parseScopes(value: JsonValue | undefined): Result<ReadonlySet<Scope>, string> {
  if (value?.kind !== "array" || value.items.length === 0) {
    return err(`must be a non-empty array of ${SCOPES.join(", ")}`);
  }
  const scopes = new Set<Scope>();
  for (const item of value.items) {
    const scope = SCOPES.find((s) => item.kind === "string" && item.value === s);
    if (scope === undefined) {
      return err(
        `contains unknown scope ${item.kind === "string" ? shown(item.value) : "a non-string"} (expected ${SCOPES.join(", ")})`,
      );
    }
    scopes.add(scope);
  }
  return ok(scopes);
}

function parseSymbols(value: JsonValue | undefined): Result<ReadonlySet<string> | null, string> {
  if (value === undefined) return ok(null);
  if (value.kind !== "array" || value.items.length === 0) return err("must be a non-empty array of symbols");
  const symbols = new Set<string>();
  for (const item of value.items) {
    const symbol = item.kind === "string" ? item.value.toUpperCase() : "";
    if (!SYMBOL.test(symbol)) return err("must contain only symbol names such as BTCUSDT or BTCUSD_PERP");
    symbols.add(symbol);
  }
  return ok(symbols);
}

/** A mistyped name is shown only if it looks like one: a credential pasted into the wrong field is not echoed. */
function shown(text: string): string {
  return /^[A-Za-z_]{1,24}$/.test(text) ? `"${text}"` : "(a value not shown)";
}
