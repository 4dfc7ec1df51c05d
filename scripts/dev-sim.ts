// `npm run dev:sim`: the Worker on 127.0.0.1:8787 (PORT) against the fake exchange on 127.0.0.1:8788 (FAKE_PORT)
// running its simulated market, so the market page shows a live chart and order book with no network. The
// Worker runs the way test/support/worker-process.ts runs it (wrangler's startWorker, state in memory), with
// the test credentials and RELAY_PUBLIC=true so market streams need no token. It places no orders; the demo
// account holds a small BTCUSDT long so the account panel has something to show. Ctrl-C stops both.

import { startFakeExchange } from "../test/fake-exchange/index.ts";
import { CLIENTS, REAL_KEYS } from "../test/support/credentials.ts";
import { startWorkerProcess, type WorkerProcess } from "../test/support/worker-process.ts";

function portFrom(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === "") return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`${name} must be a TCP port`);
  return port;
}

async function main(): Promise<void> {
  const fake = await startFakeExchange({ port: portFrom("FAKE_PORT", 8788), simulate: {} });
  // The main account (the hmac key, as in the Worker's secrets below); entry at the fixed price, so it shows PnL.
  fake.setAccount({
    apiKey: REAL_KEYS.hmac.apiKey,
    market: "um",
    balance: "10000",
    availableBalance: "9400",
    positions: [{ symbol: "BTCUSDT", positionAmt: "0.010", entryPrice: "60000.00" }],
  });

  let worker: WorkerProcess;
  try {
    worker = await startWorkerProcess({
      fake,
      port: portFrom("PORT", 8787),
      vars: { RELAY_PUBLIC: "true", LOG_LEVEL: "warn" },
    });
  } catch (error) {
    await fake.close();
    throw error;
  }
  const url = worker.url;
  const token = CLIENTS.hook.token;
  const symbols = fake.simulationStatus().symbols.join(", ");
  process.stdout.write(
    [
      `Simulated market (${symbols}) on ${fake.url}`,
      `Page:        ${url}/`,
      `Demo token:  ${token}  (scopes: ${CLIENTS.hook.scopes.join(", ")})`,
      `With token:  ${url}/#token=${token}`,
      "Ctrl-C stops both.",
      "",
    ].join("\n"),
  );

  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(1);
    stopping = true;
    Promise.allSettled([worker.close()])
      .then(() => fake.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`dev:sim failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
