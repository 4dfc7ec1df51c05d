// The relay part of `npm run bench`: K clients on one stream fed at R events per second, through the Durable
// Object relay and, in the same run, through a plain Node `ws` relay doing the same fan-out in its own process.

import { spawn } from "node:child_process";
import type { FakeExchange } from "../test/fake-exchange/index.ts";
import { CLIENTS } from "../test/support/credentials.ts";
import { type FanoutResult, measureFanout } from "./fanout.ts";

export const STREAM = "btcusdt@aggTrade";

export interface RelayRow {
  readonly clients: number;
  readonly perSecond: number;
  readonly relay: FanoutResult;
  readonly node: FanoutResult;
}

export async function compareRelays(
  fake: FakeExchange,
  relayWsUrl: string,
  loads: readonly (readonly [clients: number, perSecond: number])[],
  durationMs: number,
): Promise<RelayRow[]> {
  const rows: RelayRow[] = [];
  for (const [clients, perSecond] of loads) {
    const relay = await measureFanout(
      fake,
      `${relayWsUrl}/k/${CLIENTS.hook.token}/ws/${STREAM}`,
      STREAM,
      clients,
      perSecond,
      durationMs,
    );
    await waitForUpstreamIdle(fake);
    const node = await withNodeRelay(fake, (url) =>
      measureFanout(fake, url, STREAM, clients, perSecond, durationMs),
    );
    rows.push({ clients, perSecond, relay, node });
  }
  return rows;
}

export async function withNodeRelay<T>(fake: FakeExchange, run: (url: string) => Promise<T>): Promise<T> {
  const child = spawn(
    process.execPath,
    [new URL("./node-relay.ts", import.meta.url).pathname, fake.wsUrl, STREAM],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  try {
    const port = await new Promise<string>((resolve) =>
      child.stdout.once("data", (data) => resolve(String(data).trim())),
    );
    return await run(`ws://127.0.0.1:${port}/ws`);
  } finally {
    child.kill("SIGTERM");
  }
}

/** Lets the relay's idle upstream close before the next phase, so the phases do not overlap. */
export async function waitForUpstreamIdle(fake: FakeExchange): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (fake.streams.connections().some((c) => c.closedAt === null) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
