// Runs the Worker with wrangler's startWorker (the engine behind `wrangler dev`) on a real 127.0.0.1 port,
// against its own fake exchange. Unlike wrangler's test harness, which routes the Worker's outbound requests
// through Node (no WebSocket upgrades), this lets the stream relay open its upstream connections.

import { unstable_startWorker } from "wrangler";
import { type FakeExchange, startFakeExchange } from "../fake-exchange/index.ts";
import { FAKE_EXCHANGE_KEYS, gatewaySecrets, type RealKeyName } from "./credentials.ts";

process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";

export interface WorkerProcess {
  readonly url: string;
  readonly wsUrl: string;
  /**
   * The Worker's own runtime entry, without `wrangler dev`'s proxy in front (a second hop for every WebSocket
   * frame that deployed Workers do not have). Used by the benchmark; falls back to wsUrl.
   */
  readonly directWsUrl: string;
  readonly directUrl: string;
  readonly fake: FakeExchange;
  close(): Promise<void>;
}

export async function startWorkerProcess(
  options: {
    key?: RealKeyName;
    vars?: Record<string, string>;
    fake?: FakeExchange;
    port?: number;
    /** Another Worker's wrangler config (the benchmark's bench/ceiling); the product's by default. */
    config?: string;
  } = {},
): Promise<WorkerProcess> {
  const fake = options.fake ?? (await startFakeExchange());
  for (const key of FAKE_EXCHANGE_KEYS) fake.registerKey({ ...key });
  const bindings: Record<string, { type: "plain_text" | "secret_text"; value: string }> = {};
  const vars = {
    BINANCE_UM_REST_URL: fake.url,
    BINANCE_CM_REST_URL: fake.url,
    BINANCE_UM_WS_URL: fake.wsUrl,
    BINANCE_CM_WS_URL: `${fake.wsUrl}/dstream`,
    LOG_LEVEL: "error",
    ...options.vars,
  };
  for (const [name, value] of Object.entries(vars)) bindings[name] = { type: "plain_text", value };
  for (const [name, value] of Object.entries(gatewaySecrets(options.key ?? "hmac")))
    bindings[name] = { type: "secret_text", value };
  const worker = await unstable_startWorker({
    config: options.config ?? new URL("../../wrangler.toml", import.meta.url).pathname,
    bindings,
    dev: {
      server: { hostname: "127.0.0.1", port: options.port ?? 0 },
      inspector: false,
      logLevel: "error",
      watch: false,
      persist: false,
    },
  });
  const url = (await worker.url).origin;
  const direct = (await directOrigin(worker.raw)) ?? url;
  return {
    url,
    wsUrl: url.replace(/^http/, "ws"),
    directWsUrl: direct.replace(/^http/, "ws"),
    directUrl: direct,
    fake,
    close: async () => {
      await worker.dispose();
      if (options.fake === undefined) await fake.close();
    },
  };
}

/**
 * The dev runtime's own Miniflare entry, reached through wrangler internals; null if they change. On the first
 * start in a process the runtime's Miniflare may not be set yet when the proxy's URL is known: wait for it.
 */
async function directOrigin(raw: unknown): Promise<string | null> {
  const runtimes = (raw as { runtimes?: { mf?: { ready?: Promise<URL> } }[] }).runtimes;
  for (let waited = 0; runtimes?.[0]?.mf?.ready === undefined && waited < 5000; waited += 50)
    await new Promise((resolve) => setTimeout(resolve, 50));
  const ready = runtimes?.[0]?.mf?.ready;
  return ready === undefined ? null : (await ready).origin;
}
