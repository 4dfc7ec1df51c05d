// The relay part of `npm run bench`: K clients on one stream fed at R events per second, through the Durable
// Object relay and, in the same run, through a plain Node `ws` relay doing the same fan-out in its own process.
// The relay runs twice: drop-in (one message per frame, as Binance sends) and batched (`?batch=`, several
// messages per frame), where messages are counted, not frames, each with its own latency.

import { spawn } from "node:child_process";
import WebSocket from "ws";
import { splitBatch } from "../shared/streams/frame-batches.ts";
import type { FakeExchange } from "../test/fake-exchange/index.ts";
import { CLIENTS } from "../test/support/credentials.ts";
import { type FanoutResult, measureFanout } from "./fanout.ts";
import { summarise } from "./stats.ts";

export const STREAM = "btcusdt@aggTrade";
/** The batched row's window (ms), the page's. */
export const BENCH_BATCH_MS = 20;

export interface RelayRow {
  readonly clients: number;
  readonly perSecond: number;
  readonly relay: FanoutResult;
  /** Messages (not frames) per second and their latencies, batched. */
  readonly batched: FanoutResult;
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
    const batched = await measureBatched(
      fake,
      `${relayWsUrl}/k/${CLIENTS.hook.token}/ws/${STREAM}?batch=${BENCH_BATCH_MS}`,
      clients,
      perSecond,
      durationMs,
    );
    await waitForUpstreamIdle(fake);
    const node = await withNodeRelay(fake, (url) =>
      measureFanout(fake, url, STREAM, clients, perSecond, durationMs),
    );
    rows.push({ clients, perSecond, relay, batched, node });
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

/** As measureFanout, but each frame is split into its messages, and every message is a delivery. */
async function measureBatched(
  fake: FakeExchange,
  url: string,
  clients: number,
  perSecond: number,
  durationMs: number,
): Promise<FanoutResult> {
  const latencies: number[] = [];
  let measuring = false;
  const sockets = await Promise.all(
    Array.from(
      { length: clients },
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const socket = new WebSocket(url, { perMessageDeflate: false });
          socket.on("message", (data) => {
            if (!measuring) return;
            const at = Date.now();
            for (const message of splitBatch(data.toString())) {
              const stamped = /"E":(\d+)/.exec(message)?.[1];
              if (stamped !== undefined) latencies.push(at - Number(stamped));
            }
          });
          socket.once("open", () => resolve(socket));
          socket.once("error", reject);
        }),
    ),
  );
  while (!fake.streams.connections().some((c) => c.closedAt === null && c.subscriptions.includes(STREAM)))
    await new Promise((resolve) => setTimeout(resolve, 20));
  const stop = fake.streams.startTicker([STREAM], perSecond);
  await new Promise((resolve) => setTimeout(resolve, 700));
  measuring = true;
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  measuring = false;
  const elapsed = performance.now() - started;
  stop();
  for (const socket of sockets) socket.terminate();
  return { ...summarise(latencies, elapsed), expectedPerSecond: clients * perSecond };
}
