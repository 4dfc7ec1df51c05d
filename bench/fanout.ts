// One fan-out measurement: K WebSocket clients on one stream while the fake exchange publishes R events per
// second; every delivered frame's latency is its arrival time minus the event time the exchange stamped ("E").

import WebSocket from "ws";
import type { FakeExchange } from "../test/fake-exchange/index.ts";
import { type Summary, summarise } from "./stats.ts";

export interface FanoutResult extends Summary {
  /** Deliveries expected at the publish rate: K x R per second. */
  readonly expectedPerSecond: number;
}

export async function measureFanout(
  fake: FakeExchange,
  clientUrl: string,
  stream: string,
  clients: number,
  perSecond: number,
  durationMs: number,
): Promise<FanoutResult> {
  const sockets = await Promise.all(Array.from({ length: clients }, () => open(clientUrl)));
  await waitForSubscription(fake, stream);
  const latencies: number[] = [];
  let measuring = false;
  for (const socket of sockets) {
    socket.on("message", (data) => {
      if (!measuring) return;
      const stamped = /"E":(\d+)/.exec(data.toString())?.[1];
      if (stamped !== undefined) latencies.push(Date.now() - Number(stamped));
    });
  }
  const stop = fake.streams.startTicker([stream], perSecond);
  await sleep(500);
  measuring = true;
  const started = performance.now();
  await sleep(durationMs);
  measuring = false;
  const elapsed = performance.now() - started;
  stop();
  for (const socket of sockets) socket.terminate();
  return { ...summarise(latencies, elapsed), expectedPerSecond: clients * perSecond };
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.once("open", () => resolve(socket));
    socket.once("error", reject);
  });
}

export async function waitForSubscription(fake: FakeExchange, stream: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!fake.streams.connections().some((c) => c.closedAt === null && c.subscriptions.includes(stream))) {
    if (Date.now() > deadline) throw new Error(`${stream} never subscribed upstream`);
    await sleep(20);
  }
  await sleep(200);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
