// The egress object's options: where Binance's REST API is, the accounts it signs for, how often a read is
// retried and the request-weight limits it keeps.

import type { BinanceAccount } from "../../shared/auth/accounts.ts";
import type { Market } from "../../shared/catalog/types.ts";
import type { WeightLimits } from "../../shared/rest/weight-ledger.ts";
import { err, ok, type Result } from "../../shared/result.ts";
import { cachedOn } from "./cache.ts";
import { ACCOUNT_VARS, accountsOf, weightOf } from "./parts.ts";
import { readInteger } from "./read.ts";

export interface EgressOptions {
  readonly restUrl: Readonly<Record<Market, string>>;
  /** The Binance accounts by name; empty when none is configured (only public endpoints then work). */
  readonly accounts: ReadonlyMap<string, BinanceAccount>;
  readonly getRetries: number;
  readonly weight: WeightLimits;
}

export const egressOptionsOf = cachedOn(
  [
    "UPSTREAM_GET_RETRIES",
    "BINANCE_UM_REST_URL",
    "BINANCE_CM_REST_URL",
    ...ACCOUNT_VARS,
    "WEIGHT_LIMIT_PER_MINUTE",
    "WEIGHT_RESERVE_PERCENT",
  ],
  (env): Result<EgressOptions, string> => {
    const getRetries = readInteger("UPSTREAM_GET_RETRIES", env.UPSTREAM_GET_RETRIES, {
      fallback: 2,
      min: 0,
      max: 5,
    });
    if (!getRetries.ok) return getRetries;
    const restUrl = { um: env.BINANCE_UM_REST_URL, cm: env.BINANCE_CM_REST_URL };
    for (const [market, url] of Object.entries(restUrl)) {
      if (!/^https?:\/\/[^/?#]+$/.test(url ?? "")) {
        return err(
          `BINANCE_${market.toUpperCase()}_REST_URL must be an origin such as https://fapi.binance.com`,
        );
      }
    }
    const accounts = accountsOf(env);
    if (!accounts.ok) return accounts;
    const weight = weightOf(env);
    if (!weight.ok) return weight;
    return ok({ restUrl, accounts: accounts.value, getRetries: getRetries.value, weight: weight.value });
  },
);
