// The gateway's options: who may call, the limits on a call, the relay's access rules and the webhooks.
// Anything wrong fails loudly: the first request gets a gateway-misconfigured error naming the variable,
// never its value, and access is never opened by a config the gateway could not read.

import { MAIN_ACCOUNT } from "../../shared/auth/accounts.ts";
import { parseClients } from "../../shared/auth/clients.ts";
import { ClientRegistry } from "../../shared/auth/registry.ts";
import { streamTokenKey } from "../../shared/auth/stream-token.ts";
import { err, ok, type Result } from "../../shared/result.ts";
import type { Hook } from "../../shared/webhooks/config.ts";
import type { GatewayEnv } from "../env.ts";
import { cachedOn } from "./cache.ts";
import { ACCOUNT_VARS, accountsOf, hooksOf, locationHintOf, relayKeyConfigOf, weightOf } from "./parts.ts";
import { readInteger, varText } from "./read.ts";

export interface GatewayOptions {
  readonly registry: ClientRegistry;
  /** Names of the configured Binance accounts. */
  readonly accounts: readonly string[];
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  /** Where Durable Objects are created (workers/durable-objects.ts). */
  readonly locationHint: DurableObjectLocationHint | null;
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

const GATEWAY_VARS = [
  "GATEWAY_CLIENTS",
  ...ACCOUNT_VARS,
  "UPSTREAM_TIMEOUT_MS",
  "MAX_BODY_BYTES",
  "BINANCE_LOCATION_HINT",
  "RELAY_PUBLIC",
  "RELAY_ALLOWED_ORIGINS",
  "RELAY_TOKEN_TTL_SECONDS",
  "WEBHOOKS",
  "WEIGHT_LIMIT_PER_MINUTE",
  "WEIGHT_RESERVE_PERCENT",
] as const;

type GatewayVars = Pick<GatewayEnv, (typeof GATEWAY_VARS)[number]>;

export const loadGatewayOptions = cachedOn(GATEWAY_VARS, readGatewayOptions);

async function readGatewayOptions(env: GatewayVars): Promise<Result<GatewayOptions, string>> {
  const clients = parseClients(env.GATEWAY_CLIENTS);
  if (!clients.ok) return err(clients.error.message);
  const accounts = accountsOf(env);
  if (!accounts.ok) return accounts;
  for (const client of clients.value) {
    if (client.account !== MAIN_ACCOUNT && !accounts.value.has(client.account))
      return err(
        `GATEWAY_CLIENTS: client "${client.name}" acts for account "${client.account}", which BINANCE_ACCOUNTS does not define`,
      );
  }
  const weight = weightOf(env);
  if (!weight.ok) return weight;
  const usable = weight.value.limit - weight.value.reserve;
  for (const client of clients.value) {
    if (client.weightPerMinute !== null && client.weightPerMinute > usable)
      return err(
        `GATEWAY_CLIENTS: client "${client.name}" has weightPerMinute ${client.weightPerMinute}, above the ${usable} that WEIGHT_LIMIT_PER_MINUTE leaves outside its WEIGHT_RESERVE_PERCENT reserve`,
      );
  }
  const hooks = hooksOf(env);
  if (!hooks.ok) return hooks;
  for (const hook of hooks.value.values()) {
    if (hook.account !== MAIN_ACCOUNT && !accounts.value.has(hook.account))
      return err(`WEBHOOKS["${hook.id}"]: account "${hook.account}" is not defined in BINANCE_ACCOUNTS`);
  }
  const timeoutMs = readInteger("UPSTREAM_TIMEOUT_MS", env.UPSTREAM_TIMEOUT_MS, {
    fallback: 10_000,
    min: 100,
    max: 120_000,
  });
  if (!timeoutMs.ok) return timeoutMs;
  const maxBodyBytes = readInteger("MAX_BODY_BYTES", env.MAX_BODY_BYTES, {
    fallback: 65_536,
    min: 1024,
    max: 1_048_576,
  });
  if (!maxBodyBytes.ok) return maxBodyBytes;
  const hint = locationHintOf(env);
  if (!hint.ok) return hint;
  const relayPublic = varText(env.RELAY_PUBLIC).trim().toLowerCase();
  if (relayPublic !== "" && relayPublic !== "true" && relayPublic !== "false") {
    return err("RELAY_PUBLIC must be true or false");
  }
  const tokenTtlSeconds = readInteger("RELAY_TOKEN_TTL_SECONDS", env.RELAY_TOKEN_TTL_SECONDS, {
    fallback: 300,
    min: 10,
    max: 86_400,
  });
  if (!tokenTtlSeconds.ok) return tokenTtlSeconds;
  const allowedOrigins = varText(env.RELAY_ALLOWED_ORIGINS)
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
    locationHint: hint.value,
    relay: {
      isPublic: relayPublic === "true",
      allowedOrigins,
      tokenTtlSeconds: tokenTtlSeconds.value,
      tokenKey: await streamTokenKey(env.GATEWAY_CLIENTS ?? ""),
      relayKeyMac: await relayKeyConfigOf(env).mac,
    },
    hooks: hooks.value,
  });
}
