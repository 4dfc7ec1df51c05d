// WEBHOOKS: the hooks that may place orders, a JSON object of hook id -> settings. Parsing is strict, like
// GATEWAY_CLIENTS: an unknown field or a malformed limit names the hook and field and never echoes a passphrase.
// A hook trades one market of one account, only its symbols, within its limits; `enabled: false` is the kill
// switch and `dryRun: true` reports what would be placed without placing it.

import { MAIN_ACCOUNT } from "../auth/accounts.ts";
import type { Market } from "../catalog/types.ts";
import { type ConfigError, readFields } from "../config-fields.ts";
import { compare, type Decimal, parseDecimal, ZERO } from "../decimal.ts";
import { type JsonValue, parseJson } from "../encoding/json-raw.ts";
import { err, ok, type Result } from "../result.ts";

/** TradingView's published webhook source addresses (allowIps: "tradingview"). */
export const TRADINGVIEW_IPS = ["52.89.214.238", "34.212.75.30", "54.218.53.128", "52.32.178.7"] as const;

export interface Hook {
  readonly id: string;
  readonly passphrase: string;
  readonly market: Market;
  readonly account: string;
  /** Upper-case symbols the hook may trade. */
  readonly symbols: ReadonlySet<string>;
  /** Largest notional of one opening order, in the quote currency (USDT, or USD for COIN-M). */
  readonly maxNotional: Decimal;
  /** Largest notional opened in any 60 seconds, or null for no such limit. */
  readonly maxNotionalPerMinute: Decimal | null;
  readonly maxLeverage: number;
  /** Alerts older than this (by their `time`) are refused. */
  readonly maxLagMs: number;
  /** false: the kill switch is on, every alert is refused. */
  readonly enabled: boolean;
  readonly dryRun: boolean;
  /** Source addresses allowed (CF-Connecting-IP), or null for any. */
  readonly allowIps: ReadonlySet<string> | null;
  /** Alert fields used when an alert leaves them out. */
  readonly defaults: Readonly<Record<string, JsonValue>>;
  /** Where each outcome is posted (Discord, Slack, Telegram or any JSON webhook), or null. */
  readonly notify: string | null;
  /** GATEWAY_CLIENTS names that may read this hook's alerts, or null for any `read` client of its account. */
  readonly readers: ReadonlySet<string> | null;
}

export type HooksConfigError = ConfigError<"hooks-config">;

const FIELDS = new Set([
  "passphrase",
  "market",
  "account",
  "symbols",
  "maxNotional",
  "maxNotionalPerMinute",
  "maxLeverage",
  "maxLagSeconds",
  "enabled",
  "dryRun",
  "allowIps",
  "defaults",
  "notify",
  "readers",
]);
const HOOK_ID = /^[A-Za-z0-9_-]{1,64}$/;
const PASSPHRASE = /^[\x20-\x7e]{16,256}$/;
const SYMBOL = /^[A-Z0-9_]{1,32}$/;
const ACCOUNT = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:]{2,39}$/;

/** Every hook by id; an unset WEBHOOKS is no hooks. */
export function parseHooks(raw: string | undefined): Result<ReadonlyMap<string, Hook>, HooksConfigError> {
  const fail = (message: string) => err<HooksConfigError>({ kind: "hooks-config", message });
  const hooks = new Map<string, Hook>();
  if (raw === undefined || raw.trim() === "") return ok(hooks);
  const parsed = parseJson(raw);
  if (!parsed.ok) return fail(`WEBHOOKS is not valid JSON: ${parsed.error.message}`);
  if (parsed.value.kind !== "object") return fail("WEBHOOKS must be a JSON object of hook id -> settings");
  for (const [id, entry] of parsed.value.entries) {
    if (!HOOK_ID.test(id))
      return fail(`WEBHOOKS: hook id "${id.slice(0, 64)}" must be 1 to 64 of A-Z a-z 0-9 _ -`);
    const hook = parseHook(id, entry);
    if (!hook.ok) return fail(`WEBHOOKS["${id}"]: ${hook.error}`);
    hooks.set(id, hook.value);
  }
  return ok(hooks);
}

function parseHook(id: string, entry: JsonValue): Result<Hook, string> {
  const read = readFields(entry, FIELDS);
  if (!read.ok) {
    const problem = read.error;
    if (problem.kind === "not-an-object") return err("must be an object");
    return err(`${problem.kind === "unknown-field" ? "unknown" : "repeated"} field "${problem.name}"`);
  }
  const fields = read.value;
  const passphrase = fields.get("passphrase");
  if (passphrase?.kind !== "string" || !PASSPHRASE.test(passphrase.value))
    return err("passphrase must be a string of 16 to 256 printable ASCII characters");
  const market = text(fields.get("market")) ?? "um";
  if (market !== "um" && market !== "cm") return err('market must be "um" or "cm"');
  const account = text(fields.get("account")) ?? MAIN_ACCOUNT;
  if (!ACCOUNT.test(account)) return err("account must be an account name (a-z, 0-9, _ and -)");
  const symbols = stringList(fields.get("symbols"));
  if (symbols === null || symbols.length === 0 || symbols.some((s) => !SYMBOL.test(s)))
    return err('symbols must be a non-empty array of upper-case symbols such as "BTCUSDT"');
  const maxNotional = positive(fields.get("maxNotional"));
  if (maxNotional === null)
    return err('maxNotional must be a positive number (or decimal string) such as "1000"');
  const perMinuteField = fields.get("maxNotionalPerMinute");
  const maxNotionalPerMinute = perMinuteField === undefined ? null : positive(perMinuteField);
  if (perMinuteField !== undefined && maxNotionalPerMinute === null)
    return err("maxNotionalPerMinute must be a positive number");
  const maxLeverage = integer(fields.get("maxLeverage"), 20, 1, 125);
  if (maxLeverage === null) return err("maxLeverage must be a whole number from 1 to 125");
  const maxLagSeconds = integer(fields.get("maxLagSeconds"), 60, 1, 3600);
  if (maxLagSeconds === null) return err("maxLagSeconds must be a whole number from 1 to 3600");
  const enabled = flag(fields.get("enabled"), true);
  const dryRun = flag(fields.get("dryRun"), false);
  if (enabled === null || dryRun === null) return err("enabled and dryRun must be true or false");
  const allowIps = ipList(fields.get("allowIps"));
  if (allowIps === undefined)
    return err('allowIps must be "tradingview" or an array of IP addresses (and "tradingview")');
  const defaults = fields.get("defaults");
  if (defaults !== undefined && defaults.kind !== "object")
    return err("defaults must be an object of alert fields");
  const defaultEntries = defaults?.kind === "object" ? defaults.entries : [];
  for (const [name] of defaultEntries)
    if (name === "passphrase" || name === "id" || name === "time")
      return err(`defaults cannot set "${name}"`);
  const notify = text(fields.get("notify"));
  if (fields.has("notify") && (notify === null || !/^https?:\/\/[^\s]+$/.test(notify)))
    return err("notify must be an http(s) URL");
  const readersField = fields.get("readers");
  const readers = readersField === undefined ? null : stringList(readersField);
  if (readersField !== undefined && readers === null) return err("readers must be an array of client names");
  return ok({
    id,
    passphrase: passphrase.value,
    market,
    account,
    symbols: new Set(symbols),
    maxNotional,
    maxNotionalPerMinute,
    maxLeverage,
    maxLagMs: maxLagSeconds * 1000,
    enabled,
    dryRun,
    allowIps,
    defaults: Object.fromEntries(defaultEntries),
    notify,
    readers: readers === null ? null : new Set(readers),
  });
}

function text(value: JsonValue | undefined): string | null {
  return value?.kind === "string" ? value.value : null;
}

function stringList(value: JsonValue | undefined): string[] | null {
  if (value?.kind !== "array") return null;
  const list: string[] = [];
  for (const item of value.items) {
    if (item.kind !== "string") return null;
    list.push(item.value);
  }
  return list;
}

function positive(value: JsonValue | undefined): Decimal | null {
  const raw = value?.kind === "number" ? value.raw : value?.kind === "string" ? value.value : null;
  const parsed = raw === null ? null : parseDecimal(raw);
  return parsed !== null && compare(parsed, ZERO) > 0 ? parsed : null;
}

function integer(value: JsonValue | undefined, fallback: number, low: number, high: number): number | null {
  if (value === undefined) return fallback;
  const n = value.kind === "number" ? Number(value.raw) : Number.NaN;
  return Number.isInteger(n) && n >= low && n <= high ? n : null;
}

function flag(value: JsonValue | undefined, fallback: boolean): boolean | null {
  if (value === undefined) return fallback;
  return value.kind === "boolean" ? value.value : null;
}

/** undefined: malformed; null: any address. */
function ipList(value: JsonValue | undefined): ReadonlySet<string> | null | undefined {
  if (value === undefined) return null;
  const list = value.kind === "string" ? [value.value] : stringList(value);
  if (list === null || list.length === 0) return undefined;
  const ips = new Set<string>();
  for (const item of list) {
    if (item === "tradingview") for (const ip of TRADINGVIEW_IPS) ips.add(ip);
    else if (IPV4.test(item) || (IPV6.test(item) && item.includes(":"))) ips.add(item.toLowerCase());
    else return undefined;
  }
  return ips;
}
