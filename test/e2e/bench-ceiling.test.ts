// The benchmark's runtime ceiling (bench/ceiling): a minimal Durable Object fan-out, started in wrangler's local
// runtime like the Worker. Its rows are only a ceiling if it does the relay's job: every event to every client, in
// Binance's raw-stream framing, from one upstream that it drops when its last client leaves.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type WebSocket from "ws";
import { waitForSubscription } from "../../bench/fanout.ts";
import { type FakeExchange, startFakeExchange } from "../fake-exchange/index.ts";
import { openSocket } from "../support/runtime-probe.ts";
import { waitFor } from "../support/wait-for.ts";
import { startWorkerProcess, type WorkerProcess } from "../support/worker-process.ts";

const STREAM = "btcusdt@aggTrade";
let fake: FakeExchange;
let ceiling: WorkerProcess;
beforeAll(async () => {
  fake = await startFakeExchange();
  ceiling = await startWorkerProcess({
    fake,
    config: new URL("../../bench/ceiling/wrangler.toml", import.meta.url).pathname,
    vars: { UPSTREAM_URL: `${fake.wsUrl}/market/stream`, STREAM },
  });
});
afterAll(async () => {
  await ceiling?.close();
  await fake?.close();
});

const open = () => fake.streams.connections().filter((c) => c.closedAt === null);

describe("bench ceiling", () => {
  it("sends every event to every client over one upstream, and drops it when the last client leaves", async () => {
    const clients = await Promise.all([1, 2, 3].map(() => openSocket(ceiling.directWsUrl)));
    const received = clients.map((ws: WebSocket) => {
      const frames: string[] = [];
      ws.on("message", (data) => frames.push(String(data)));
      return frames;
    });
    await waitForSubscription(fake, STREAM);
    const sequences = fake.streams.publish(STREAM, 20);
    await waitFor(() => received.every((frames) => frames.length === 20), "20 events at every client");
    for (const frames of received) {
      expect(frames.map((frame) => JSON.parse(frame).a)).toEqual(sequences.map(Number));
      expect(JSON.parse(frames[0] ?? "{}").e).toBe("aggTrade");
    }
    expect(open()).toHaveLength(1);
    for (const ws of clients) ws.terminate();
    await waitFor(() => open().length === 0, "the upstream closed");
  });
});
