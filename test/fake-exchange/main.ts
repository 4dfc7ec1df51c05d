// CLI: node test/fake-exchange/main.ts [--port 0] [--listen-key-validity-ms N] [--simulate]
// Registers the keys in env FAKE_EXCHANGE_KEYS (JSON array of FakeKey), prints the URL, stops on SIGINT/SIGTERM.

import { parseArgs } from "node:util";
import { type FakeKey, startFakeExchange } from "./index.ts";

function keysFromEnv(): FakeKey[] {
  const raw = process.env.FAKE_EXCHANGE_KEYS;
  if (raw === undefined || raw.trim() === "") return [];
  const parsed: unknown = JSON.parse(raw);
  if (!Array.isArray(parsed)) throw new Error("FAKE_EXCHANGE_KEYS must be a JSON array of keys");
  return parsed.map((item: unknown) => {
    if (typeof item !== "object" || item === null) throw new Error("each key must be a JSON object");
    return item as FakeKey;
  });
}

function integerOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a non-negative integer`);
  return Number(value);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      "listen-key-validity-ms": { type: "string" },
      simulate: { type: "boolean" },
    },
  });
  const exchange = await startFakeExchange({
    port: integerOption(values.port, "port") ?? 0,
    listenKeyValidityMs: integerOption(values["listen-key-validity-ms"], "listen-key-validity-ms"),
    simulate: values.simulate === true ? {} : undefined,
  });
  for (const key of keysFromEnv()) exchange.registerKey(key);
  process.stdout.write(`${exchange.url}\n`);
  const stop = (): void => {
    exchange.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`fake exchange failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
