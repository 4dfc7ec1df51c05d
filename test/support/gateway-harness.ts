// Runs the real Worker (wrangler's test harness: workerd on a real 127.0.0.1 port) against its own fake
// exchange, for end-to-end tests and the benchmark. Secrets are all set explicitly so a developer's .dev.vars
// never leaks in.

import { createTestHarness } from "wrangler";
import { type FakeExchange, startFakeExchange } from "../fake-exchange/index.ts";
import { FAKE_EXCHANGE_KEYS, gatewaySecrets, type RealKeyName } from "./credentials.ts";

// The local runtime would fetch a real Request.cf object from Cloudflare; tests have no internet and need none.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";

export interface RunningGateway {
  /** Origin of the gateway, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** The same origin as ws://, for the stream relay. */
  readonly wsUrl: string;
  /** Evicts a Durable Object (keeping hibernatable sockets open), as a deploy or the runtime would. */
  evict(className: "MarketRelay" | "BinanceEgress", name: string): Promise<void>;
  readonly fake: FakeExchange;
  /** Every line the Worker logged so far. */
  logs(): string[];
  close(): Promise<void>;
}

export interface GatewayHarnessOptions {
  readonly key?: RealKeyName;
  readonly secrets?: Readonly<Record<string, string>>;
  readonly vars?: Readonly<Record<string, string>>;
  readonly fakeOptions?: Parameters<typeof startFakeExchange>[0];
}

export async function startGateway(options: GatewayHarnessOptions = {}): Promise<RunningGateway> {
  const fake = await startFakeExchange(options.fakeOptions);
  for (const key of FAKE_EXCHANGE_KEYS) fake.registerKey({ ...key });
  const harness = createTestHarness({
    workers: [
      {
        configPath: new URL("../../wrangler.toml", import.meta.url),
        vars: {
          BINANCE_UM_REST_URL: fake.url,
          BINANCE_CM_REST_URL: fake.url,
          BINANCE_UM_WS_URL: fake.wsUrl,
          BINANCE_CM_WS_URL: `${fake.wsUrl}/dstream`,
          LOG_LEVEL: "warn",
          ...options.vars,
        },
        secrets: { ...gatewaySecrets(options.key ?? "hmac"), ...options.secrets },
      },
    ],
  });
  try {
    const { url } = await harness.listen();
    return {
      url: url.origin,
      wsUrl: url.origin.replace(/^http/, "ws"),
      evict: (className, name) =>
        harness.getWorker().evictDurableObject(className, { name, webSockets: "hibernate" }),
      fake,
      logs: () => harness.getLogs().map((entry) => entry.message),
      close: async () => {
        await harness.close();
        await fake.close();
      },
    };
  } catch (error) {
    await fake.close();
    throw error;
  }
}
