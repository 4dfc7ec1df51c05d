// The settings more than one part of the gateway reads: the Binance accounts, the webhooks, the request-weight
// limits and the location hint. Each is parsed once (per change of its vars) and shared by its readers.

import { type BinanceAccount, parseAccounts } from "../../shared/auth/accounts.ts";
import { type GatewayClient, parseClients } from "../../shared/auth/clients.ts";
import { relayKeyMac } from "../../shared/auth/relay-key.ts";
import { type WeightLimits, weightLimits } from "../../shared/rest/weight-ledger.ts";
import { err, ok, type Result } from "../../shared/result.ts";
import { type Hook, parseHooks } from "../../shared/webhooks/config.ts";
import type { LogLevel } from "../log.ts";
import { cachedOn } from "./cache.ts";
import { integerReader, readLocationHint } from "./read.ts";

export const ACCOUNT_VARS = [
  "BINANCE_API_KEY",
  "BINANCE_API_SECRET",
  "BINANCE_PRIVATE_KEY",
  "BINANCE_PRIVATE_KEY_PASSPHRASE",
  "BINANCE_ACCOUNTS",
] as const;

/** The Binance accounts by name (shared/auth/accounts.ts); empty when none is configured. */
export const accountsOf = cachedOn(
  ACCOUNT_VARS,
  (vars): Result<ReadonlyMap<string, BinanceAccount>, string> => parseAccounts(vars),
);

export interface RelayKeyConfig {
  /** GATEWAY_CLIENTS, or null when it cannot be read (the gateway refuses calls then; no key is ended for it). */
  readonly clients: readonly GatewayClient[] | null;
  /** Signs and checks relay listen keys (shared/auth/relay-key.ts): keys minted under other clients fail. */
  readonly mac: Promise<CryptoKey>;
}

/** What the relay-key holders (the gateway, the user stream objects, the relay's feeds) read of GATEWAY_CLIENTS. */
export const relayKeyConfigOf = cachedOn(["GATEWAY_CLIENTS"], (vars): RelayKeyConfig => {
  const clients = parseClients(vars.GATEWAY_CLIENTS);
  return { clients: clients.ok ? clients.value : null, mac: relayKeyMac(vars.GATEWAY_CLIENTS ?? "") };
});

/** WEBHOOKS by hook id (shared/webhooks/config.ts). */
export const hooksOf = cachedOn(["WEBHOOKS"], (vars): Result<ReadonlyMap<string, Hook>, string> => {
  const hooks = parseHooks(vars.WEBHOOKS);
  return hooks.ok ? hooks : err(hooks.error.message);
});

/** Binance's REQUEST_WEIGHT is 2400 per minute; 15% of it is kept for cancels and reduce-only orders. */
export const weightOf = cachedOn(
  ["WEIGHT_LIMIT_PER_MINUTE", "WEIGHT_RESERVE_PERCENT"],
  (vars): Result<WeightLimits, string> => {
    const { read, failure } = integerReader();
    const limit = read("WEIGHT_LIMIT_PER_MINUTE", vars.WEIGHT_LIMIT_PER_MINUTE, {
      fallback: 2400,
      min: 10,
      max: 1_000_000,
    });
    const reserve = read("WEIGHT_RESERVE_PERCENT", vars.WEIGHT_RESERVE_PERCENT, {
      fallback: 15,
      min: 0,
      max: 90,
    });
    const failed = failure();
    return failed === null ? ok(weightLimits(limit, reserve)) : err(failed);
  },
);

const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

/** LOG_LEVEL; anything else than a level's name is "info" (a log level is no reason to refuse calls). */
export const logLevelOf = cachedOn(
  ["LOG_LEVEL"],
  (vars): LogLevel => LOG_LEVELS.find((level) => level === vars.LOG_LEVEL) ?? "info",
);

/** BINANCE_LOCATION_HINT, checked; the gateway refuses calls while it is wrong. */
export const locationHintOf = cachedOn(["BINANCE_LOCATION_HINT"], (vars) =>
  readLocationHint(vars.BINANCE_LOCATION_HINT),
);

/**
 * Where Durable Objects are created, for the objects themselves: the hint, or none while it is wrong (the
 * gateway then refuses every call, so no object is created under it).
 */
export function placementOf(vars: Parameters<typeof locationHintOf>[0]): {
  readonly locationHint: DurableObjectLocationHint | null;
} {
  const hint = locationHintOf(vars);
  return { locationHint: hint.ok ? hint.value : null };
}
