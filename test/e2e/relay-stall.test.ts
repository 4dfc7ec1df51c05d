// A total upstream stall (every connection of a set open, answering pings and control messages, but delivering
// nothing) with the relay's production heartbeat and silence (30 s, 60 s): it is noticed RELAY_STALE_MS after the
// last frame, on the relay's alarm, with no frame left to run the watchdog. Clients that asked hear `stale`, the
// connections are replaced, and data flows again. A market that merely falls quiet costs at most one replacement
// per connection, not one every RELAY_STALE_MS.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { StreamConnectionInfo } from "../fake-exchange/index.ts";
import { CLIENTS } from "../support/credentials.ts";
import { isData, StreamClient } from "../support/stream-client.ts";
import { waitFor } from "../support/wait-for.ts";
import { startWorkerProcess, type WorkerProcess } from "../support/worker-process.ts";

const STALE_MS = 3000;
const STREAM = "btcusdt@aggTrade";
let worker: WorkerProcess;
beforeAll(async () => {
  worker = await startWorkerProcess({
    vars: { RELAY_HEARTBEAT_MS: "30000", RELAY_SILENCE_MS: "60000", RELAY_STALE_MS: String(STALE_MS) },
  });
});
const tickers: (() => void)[] = [];
afterEach(() => {
  for (const stop of tickers.splice(0)) stop();
});
afterAll(async () => {
  await worker?.close();
});

/** A client that notes when each frame arrived. */
async function timedClient(
  path: string,
): Promise<{ client: StreamClient; arrivals: number[]; ws: WebSocket }> {
  const ws = new WebSocket(`${worker.wsUrl}/k/${CLIENTS.hook.token}${path}`);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  const arrivals: number[] = [];
  ws.on("message", () => arrivals.push(Date.now()));
  return {
    client: new StreamClient(ws as unknown as ConstructorParameters<typeof StreamClient>[0]),
    arrivals,
    ws,
  };
}

function holding(stream: string): StreamConnectionInfo[] {
  return worker.fake.streams
    .connections()
    .filter((c) => c.closedAt === null && c.subscriptions.includes(stream));
}

/** Connections the relay replaced as unhealthy (it closes them with 4000). */
function replaced(stream: string): StreamConnectionInfo[] {
  return worker.fake.streams
    .connections()
    .filter((c) => c.closeCode === 4000 && c.subscriptions.includes(stream));
}

describe("a total upstream stall with the production heartbeat", () => {
  it("is noticed RELAY_STALE_MS after the last frame, announced as stale, and recovered from", async () => {
    const { client, arrivals, ws } = await timedClient(`/ws/${STREAM}?relayEvents=1`);
    await waitFor(() => holding(STREAM).length === 2, "both connections hold the stream");
    tickers.push(worker.fake.streams.startTicker([STREAM], 20));
    // A steady pattern on record (20 frames at least, 50 ms apart).
    await client.waitForCount(isData, 40);
    const before = new Set(holding(STREAM).map((c) => c.id));
    expect(worker.fake.streams.stall({ stream: STREAM }, true)).toBe(2);
    const stalledAt = Date.now();

    const stale = await client.waitFor((text) => text.startsWith('{"relay":"stale"'), 15_000);
    const staleAt = Date.now();
    const staleIndex = client.messages.indexOf(stale);
    let lastData = staleIndex - 1;
    while (lastData > 0 && !isData(client.messages[lastData] ?? "")) lastData--;
    const lastDataAt = arrivals[lastData] ?? 0;
    expect(JSON.parse(stale)).toMatchObject({ relay: "stale", streams: [STREAM] });
    // Due at the last frame + RELAY_STALE_MS, on the alarm; a second of slack for the alarm and the hops.
    expect(staleAt - lastDataAt).toBeGreaterThanOrEqual(STALE_MS - 100);
    expect(staleAt - lastDataAt).toBeLessThan(STALE_MS + 1000);

    // The stalled connections are replaced (with back-off) and data flows again on their successors.
    const resumed = await client.waitFor(
      (text) => isData(text) && client.messages.indexOf(text) > staleIndex,
      10_000,
    );
    const resumedAt = arrivals[client.messages.indexOf(resumed)] ?? 0;
    await waitFor(() => replaced(STREAM).length === 2, "both stalled connections replaced", 10_000);
    expect(new Set(replaced(STREAM).map((c) => c.id))).toEqual(before);
    await waitFor(() => holding(STREAM).length === 2, "two fresh connections hold the stream");
    expect(holding(STREAM).some((c) => before.has(c.id))).toBe(false);
    console.log(
      `stall: last frame ${lastDataAt - stalledAt} ms after the stall began; stale ${staleAt - lastDataAt} ms ` +
        `after the last frame; data again ${resumedAt - staleAt} ms after stale`,
    );
    ws.close();
  }, 40_000);

  it("replaces each connection at most once when a steady market falls quiet, not every RELAY_STALE_MS", async () => {
    const { client, ws } = await timedClient(`/ws/ethusdt@aggTrade?relayEvents=1`);
    await waitFor(() => holding("ethusdt@aggTrade").length === 2, "both connections hold the stream");
    const stop = worker.fake.streams.startTicker(["ethusdt@aggTrade"], 20);
    tickers.push(stop);
    await client.waitForCount(isData, 40);
    // The market falls quiet (nothing is published), and stays so for four times RELAY_STALE_MS.
    stop();
    await new Promise((resolve) => setTimeout(resolve, 4 * STALE_MS + 1000));
    // Indistinguishable from a stall at first, so each connection is replaced once; their successors have no
    // steady record, so the quiet goes on without more replacements.
    expect(replaced("ethusdt@aggTrade").length).toBeLessThanOrEqual(2);
    expect(client.messages.filter((text) => text.startsWith('{"relay":"stale"')).length).toBeLessThanOrEqual(
      1,
    );
    const settled = replaced("ethusdt@aggTrade").length;
    await new Promise((resolve) => setTimeout(resolve, 2 * STALE_MS));
    expect(replaced("ethusdt@aggTrade").length).toBe(settled);
    // Trading resumes: frames flow again.
    const seen = client.messages.filter(isData).length;
    worker.fake.streams.publish("ethusdt@aggTrade", 3);
    await client.waitForCount(isData, seen + 3);
    ws.close();
  }, 40_000);
});
