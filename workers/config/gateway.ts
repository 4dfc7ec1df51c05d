// Configuration read from the environment once per isolate (re-read only if the raw values change).
// Anything wrong fails loudly: the first request gets a gateway-misconfigured error naming the variable,
// never its value, and access is never opened by a config the gateway could not read.

import { type BinanceAccount, MAIN_ACCOUNT, parseAccounts } from "../../shared/auth/accounts.ts";
import { parseClients } from "../../shared/auth/clients.ts";
import { ClientRegistry } from "../../shared/auth/registry.ts";
import { relayKeyMac } from "../../shared/auth/relay-key.ts";
import { streamTokenKey } from "../../shared/auth/stream-token.ts";
import type { Market } from "../../shared/catalog/types.ts";
import { egressObjectName } from "../../shared/rest/egress-reply.ts";
import { type WeightLimits, weightLimits } from "../../shared/rest/weight-ledger.ts";
import { err, ok, type Result } from "../../shared/result.ts";
import { type Hook, parseHooks } from "../../shared/webhooks/config.ts";

import type { GatewayEnv } from "../env.ts";

export interface GatewayOptions {
  readonly registry: ClientRegistry;
  /** Names of the configured Binance accounts. */
  readonly accounts: readonly string[];
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  /** Name of the egress object; it includes the hint because a hint only applies when an object is created. */
  readonly egressName: string;
  readonly locationHint: string | null;
  readonly relay: RelayAccessOptions;
  /** WEBHOOKS by hook id. */
  readonly hooks: ReadonlyMap<string, Hook>;
}

export interface RelayAccessOptions {
  /** Market streams open to anonymous clients (a public price page). */
  readonly isPublic: boolean;
  /** Origins allowed to connect; empty: any. */
  readonly allowedOrigins: readonly string[];
  readonly tokenTtlSeconds: number;
  readonly tokenKey: CryptoKey;
  /** Signs and checks relay listen keys (shared/auth/relay-key.ts). */
  readonly relayKeyMac: CryptoKey;
}

export interface EgressOptions {
  readonly restUrl: Readonly<Record<Market, string>>;
  /** The Binance accounts by name; empty when none is configured (only public endpoints then work). */
  readonly accounts: ReadonlyMap<string, BinanceAccount>;
  readonly getRetries: number;
  readonly weight: WeightLimits;
}

// Cloudflare's documented Durable Object location hints.
const LOCATION_HINTS = [
  "wnam",
  "enam",
  "sam",
  "weur",
  "eeur",
  "apac",
  "apac-ne",
  "apac-se",
  "oc",
  "afr",
  "me",
];

let cachedGateway: { key: string; options: Promise<Result<GatewayOptions, string>> } | null = null;

export function loadGatewayOptions(env: GatewayEnv): Promise<Result<GatewayOptions, string>> {
  const key = [
    env.GATEWAY_CLIENTS,
    env.BINANCE_ACCOUNTS,
    env.BINANCE_API_KEY === undefined || env.BINANCE_API_KEY === "" ? "" : "main",
    env.UPSTREAM_TIMEOUT_MS,
    env.MAX_BODY_BYTES,
    env.BINANCE_LOCATION_HINT,
    env.RELAY_PUBLIC,
    env.RELAY_ALLOWED_ORIGINS,
    env.RELAY_TOKEN_TTL_SECONDS,
    env.WEBHOOKS,
    env.WEIGHT_LIMIT_PER_MINUTE,
    env.WEIGHT_RESERVE_PERCENT,
  ].join("\u0000");
  if (cachedGateway?.key !== key) cachedGateway = { key, options: readGatewayOptions(env) };
  return cachedGateway.options;
}

async function readGatewayOptions(env: GatewayEnv): Promise<Result<GatewayOptions, string>> {
  const clients = parseClients(env.GATEWAY_CLIENTS);
  if (!clients.ok) return err(clients.error.message);
  const accounts = parseAccounts(env);
  if (!accounts.ok) return accounts;
  for (const client of clients.value) {
    if (client.account !== MAIN_ACCOUNT && !accounts.value.has(client.account))
      return err(
        `GATEWAY_CLIENTS: client "${client.name}" acts for account "${client.account}", which BINANCE_ACCOUNTS does not define`,
      );
  }
  const weight = readWeightLimits(env);
  if (!weight.ok) return weight;
  const usable = weight.value.limit - weight.value.reserve;
  for (const client of clients.value) {
    if (client.weightPerMinute !== null && client.weightPerMinute > usable)
      return err(
        `GATEWAY_CLIENTS: client "${client.name}" has weightPerMinute ${client.weightPerMinute}, above the ${usable} that WEIGHT_LIMIT_PER_MINUTE leaves outside its WEIGHT_RESERVE_PERCENT reserve`,
      );
  }
  const hooks = parseHooks(env.WEBHOOKS);
  if (!hooks.ok) return err(hooks.error.message);
  for (const hook of hooks.value.values()) {
    if (hook.account !== MAIN_ACCOUNT && !accounts.value.has(hook.account))
      return err(`WEBHOOKS["${hook.id}"]: account "${hook.account}" is not defined in BINANCE_ACCOUNTS`);
  }
  const timeoutMs = readInteger("UPSTREAM_TIMEOUT_MS", env.UPSTREAM_TIMEOUT_MS, 10_000, 100, 120_000);
  if (!timeoutMs.ok) return timeoutMs;
  const maxBodyBytes = readInteger("MAX_BODY_BYTES", env.MAX_BODY_BYTES, 65_536, 1024, 1_048_576);
  if (!maxBodyBytes.ok) return maxBodyBytes;
  const hint = (env.BINANCE_LOCATION_HINT ?? "").trim();
  if (hint !== "" && !LOCATION_HINTS.includes(hint)) {
    return err(`BINANCE_LOCATION_HINT must be empty or one of ${LOCATION_HINTS.join(", ")}`);
  }
  const relayPublic = (env.RELAY_PUBLIC ?? "").trim().toLowerCase();
  if (relayPublic !== "" && relayPublic !== "true" && relayPublic !== "false") {
    return err("RELAY_PUBLIC must be true or false");
  }
  const tokenTtlSeconds = readInteger(
    "RELAY_TOKEN_TTL_SECONDS",
    env.RELAY_TOKEN_TTL_SECONDS,
    300,
    10,
    86_400,
  );
  if (!tokenTtlSeconds.ok) return tokenTtlSeconds;
  const allowedOrigins = (env.RELAY_ALLOWED_ORIGINS ?? "")
    .split(",")
    .map((o) => o.trim())
    .filter((o) => o !== "");
  if (allowedOrigins.some((origin) => !/^https?:\/\/[^/?#\s]+$/.test(origin))) {
    return err("RELAY_ALLOWED_ORIGINS must be a comma-separated list of origins such as https://example.com");
  }
  return ok({
    registry: await ClientRegistry.create(clients.value),
    accounts: [...new Set([MAIN_ACCOUNT, ...accounts.value.keys()])],
    timeoutMs: timeoutMs.value,
    maxBodyBytes: maxBodyBytes.value,
    egressName: egressObjectName(hint || null),
    locationHint: hint || null,
    relay: {
      isPublic: relayPublic === "true",
      allowedOrigins,
      tokenTtlSeconds: tokenTtlSeconds.value,
      tokenKey: await streamTokenKey(env.GATEWAY_CLIENTS ?? ""),
      relayKeyMac: await relayKeyMac(env.GATEWAY_CLIENTS ?? ""),
    },
    hooks: hooks.value,
  });
}

export function readEgressOptions(env: GatewayEnv): Result<EgressOptions, string> {
  const getRetries = readInteger("UPSTREAM_GET_RETRIES", env.UPSTREAM_GET_RETRIES, 2, 0, 5);
  if (!getRetries.ok) return getRetries;
  const restUrl = { um: env.BINANCE_UM_REST_URL, cm: env.BINANCE_CM_REST_URL };
  for (const [market, url] of Object.entries(restUrl)) {
    if (!/^https?:\/\/[^/?#]+$/.test(url ?? "")) {
      return err(
        `BINANCE_${market.toUpperCase()}_REST_URL must be an origin such as https://fapi.binance.com`,
      );
    }
  }
  const accounts = parseAccounts(env);
  if (!accounts.ok) return accounts;
  const weight = readWeightLimits(env);
  if (!weight.ok) return weight;
  return ok({ restUrl, accounts: accounts.value, getRetries: getRetries.value, weight: weight.value });
}

/** Binance's REQUEST_WEIGHT is 2400 per minute; 15% of it is kept for cancels and reduce-only orders. */
function readWeightLimits(env: GatewayEnv): Result<WeightLimits, string> {
  const limit = readInteger("WEIGHT_LIMIT_PER_MINUTE", env.WEIGHT_LIMIT_PER_MINUTE, 2400, 10, 1_000_000);
  if (!limit.ok) return limit;
  const reserve = readInteger("WEIGHT_RESERVE_PERCENT", env.WEIGHT_RESERVE_PERCENT, 15, 0, 90);
  if (!reserve.ok) return reserve;
  return ok(weightLimits(limit.value, reserve.value));
}

function readInteger(
  name: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
): Result<number, string> {
  if (text === undefined || text.trim() === "") return ok(fallback);
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    return err(`${name} must be a whole number from ${min} to ${max}`);
  }
  return ok(value);
}
