import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { gatewaySecrets } from "./test/support/credentials.ts";
import { testWebhooks } from "./test/support/test-webhooks.ts";

// Three projects: pure core tests in Node, the same signing vectors plus the Worker's integration tests inside
// workerd (the production runtime), and end-to-end tests that run the Worker on a real port with
// wrangler's test harness and drive it with real third-party Binance clients. All talk only to the project's
// fake exchange on 127.0.0.1.
// The local runtime would fetch a real Request.cf object from Cloudflare; tests have no internet and need none.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: "unit", include: ["test/unit/**/*.test.ts"] },
      },
      {
        test: { name: "fake-exchange", include: ["test/fake-exchange/**/*.test.ts"] },
      },
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: { bindings: workerTestBindings(inject<string>("fakeExchangeUrl")) },
          })),
        ],
        test: {
          name: "integration",
          include: [
            "test/integration/**/*.test.ts",
            "test/unit/signing/**/*.test.ts",
            "test/unit/encoding/**/*.test.ts",
          ],
          globalSetup: ["test/support/fake-exchange-global-setup.ts"],
          // The files share one fake exchange (workerd cannot start servers), so they take turns.
          fileParallelism: false,
          // Reconciliation tests wait out a recvWindow on purpose.
          testTimeout: 15_000,
        },
      },
      {
        test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 60_000 },
      },
    ],
  },
});

/**
 * The relay tuned so tests see its machinery in seconds: connections renewed every 4 s (so every relay test
 * also runs through renewals), a stalled connection noticed after 1.5 s, small per-connection and per-client
 * limits so the multi-connection and limit paths are reachable (a caller's share of 40 streams below the relay's 60,
 * 10 for all anonymous clients); the listing reread after a second, so a symbol listed by a test is seen at once;
 * Binance's listen key kept alive every second and relay listen keys lapsing after 8 s without a keepalive.
 */
export const RELAY_TEST_VARS = {
  RELAY_ALLOWED_ORIGINS: "https://allowed.example",
  RELAY_MAX_CONNECTION_MS: "4000",
  RELAY_STALE_MS: "1500",
  RELAY_SILENCE_MS: "2000",
  RELAY_PROBE_MS: "2000",
  RELAY_IDLE_CLOSE_MS: "300",
  RELAY_MAX_STREAMS_PER_UPSTREAM: "20",
  RELAY_MAX_CLIENTS: "40",
  RELAY_MAX_CLIENTS_PER_CALLER: "30",
  RELAY_MAX_PUBLIC_CLIENTS: "20",
  RELAY_MAX_UPSTREAM_STREAMS: "60",
  RELAY_MAX_STREAMS_PER_CLIENT: "30",
  RELAY_MAX_STREAMS_PER_CALLER: "40",
  RELAY_MAX_PUBLIC_STREAMS: "10",
  RELAY_SYMBOLS_REFRESH_MS: "1000",
  RELAY_MAX_MESSAGE_BYTES: "4096",
  RELAY_HEARTBEAT_MS: "1000",
  LISTEN_KEY_KEEPALIVE_MS: "1000",
  RELAY_LISTEN_KEY_VALIDITY_MS: "8000",
} as const;

function workerTestBindings(fakeExchangeUrl: string): Record<string, string> {
  return {
    ...gatewaySecrets("hmac"),
    // Request logs are asserted in test/e2e/configuration.test.ts; here they would only bury failures.
    LOG_LEVEL: "error",
    BINANCE_UM_REST_URL: fakeExchangeUrl,
    BINANCE_CM_REST_URL: fakeExchangeUrl,
    BINANCE_UM_WS_URL: fakeExchangeUrl.replace(/^http/, "ws"),
    BINANCE_CM_WS_URL: `${fakeExchangeUrl.replace(/^http/, "ws")}/dstream`,
    ...RELAY_TEST_VARS,
    // The catalog test calls every row within seconds: about 3,900 weight on USDⓈ-M (three rows weigh 1000),
    // more than Binance's 2400 a minute. The weight budget tests set their clients' budgets themselves.
    WEIGHT_LIMIT_PER_MINUTE: "24000",
    WEBHOOKS: JSON.stringify(testWebhooks(fakeExchangeUrl)),
  };
}
