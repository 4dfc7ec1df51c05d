// Request scenarios measured side by side, in alternating rounds so machine noise hits each alike:
// signed orders straight to the fake exchange (signed with the real key, as a client without the gateway would),
// the same orders through the gateway (virtual key: verified, re-signed, sent through the egress object),
// an unsigned call through the gateway (routing, egress hop and upstream call without any signing), and the
// no-op floor: the same Worker's `/gateway/health` asked without a credential (the existing route that does least:
// the options and the key check are cached per isolate, nothing leaves the isolate), so no public no-op route has
// to ship for it. It is the local runtime's own cost per request, which the signed order is measured against.

import { signedQuery } from "../test/support/client-signing.ts";
import { CLIENTS, REAL_KEYS } from "../test/support/credentials.ts";
import { type Summary, summarise } from "./stats.ts";

export interface Scenario {
  readonly label: string;
  request(): Promise<[string, RequestInit]>;
}

const ORDER = "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001";

export function scenarios(gatewayUrl: string, exchangeUrl: string): Scenario[] {
  const signedOrder =
    (url: string, apiKey: string, secret: string) => async (): Promise<[string, RequestInit]> => [
      `${url}/fapi/v1/order?${await signedQuery(secret, ORDER)}`,
      { method: "POST", headers: { "X-MBX-APIKEY": apiKey } },
    ];
  return [
    {
      label: "order direct to exchange",
      request: signedOrder(exchangeUrl, REAL_KEYS.hmac.apiKey, REAL_KEYS.hmac.secret),
    },
    {
      label: "order through gateway",
      request: signedOrder(gatewayUrl, CLIENTS.trader.apiKey, CLIENTS.trader.apiSecret),
    },
    {
      label: "unsigned GET via gateway",
      request: async () => [
        `${gatewayUrl}/fapi/v1/time`,
        { headers: { Authorization: `Bearer ${CLIENTS.hook.token}` } },
      ],
    },
    { label: "no-op floor (health route)", request: async () => [`${gatewayUrl}/gateway/health`, {}] },
  ];
}

export async function measure(scenario: Scenario, requests: number, concurrency: number): Promise<Summary> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < requests) {
      next++;
      const [url, init] = await scenario.request();
      const sent = performance.now();
      const response = await fetch(url, init);
      const body = await response.text();
      if (response.status !== 200) throw new Error(`${scenario.label} failed: ${response.status} ${body}`);
      latencies.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return summarise(latencies, performance.now() - started);
}

/** Runs every scenario once per round, for several rounds, and pools each scenario's rounds. */
export async function sideBySide(
  all: readonly Scenario[],
  rounds: number,
  requestsPerRound: number,
  concurrency: number,
): Promise<Summary[]> {
  const results = all.map(() => [] as Summary[]);
  for (let round = 0; round < rounds; round++) {
    for (const [index, scenario] of all.entries()) {
      results[index]?.push(await measure(scenario, requestsPerRound, concurrency));
    }
  }
  return results.map(pool);
}

function pool(rounds: readonly Summary[]): Summary {
  const mean = (pick: (s: Summary) => number) => rounds.reduce((sum, s) => sum + pick(s), 0) / rounds.length;
  return {
    count: rounds.reduce((sum, s) => sum + s.count, 0),
    perSecond: mean((s) => s.perSecond),
    p50: mean((s) => s.p50),
    p99: mean((s) => s.p99),
  };
}
