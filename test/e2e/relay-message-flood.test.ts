// Red-team probe: each socket may send RELAY_MAX_CLIENT_MESSAGES_PER_SECOND messages (10; closed at three
// times that), but one caller holds up to RELAY_MAX_CLIENTS_PER_CALLER sockets (1000). Every message is an event
// on the one relay object that fans out everyone's data, so a caller sending from many sockets at once must not
// take the relay's time from everyone else: another caller's reader keeps getting its events on time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { CLIENTS } from "../support/credentials.ts";
import { cpuTicks, openSocket, workerdProcesses } from "../support/runtime-probe.ts";
import { waitFor } from "../support/wait-for.ts";
import { startWorkerProcess, type WorkerProcess } from "../support/worker-process.ts";

const STREAM = "btcusdt@aggTrade";
const CHURNED = "ethusdt@kline_1m";
const SOCKETS = Number(process.env.FLOOD_SOCKETS ?? 200);
/** Per socket: twice the budget, under the three times that closes a socket. */
const PER_SOCKET = 20;
const SECONDS = 6;

let worker: WorkerProcess;
let others = new Set<number>();
beforeAll(async () => {
  others = new Set(workerdProcesses());
  worker = await startWorkerProcess();
});
afterAll(async () => {
  await worker?.close();
});

describe("one caller sending from many sockets", () => {
  it(
    "does not take the relay's time from another caller's reader",
    async () => {
      const reader = await openSocket(`${worker.directWsUrl}/k/${CLIENTS.hook.token}/ws/${STREAM}`);
      const latencies: number[] = [];
      reader.on("message", (data) => {
        const stamped = /"E":(\d+)/.exec(data.toString())?.[1];
        if (stamped !== undefined) latencies.push(Date.now() - Number(stamped));
      });
      await waitFor(
        () =>
          worker.fake.streams
            .connections()
            .some((c) => c.closedAt === null && c.subscriptions.includes(STREAM)),
        `${STREAM} is subscribed upstream`,
      );
      const stop = worker.fake.streams.startTicker([STREAM], 100);
      const quiet = await measure(latencies);

      const flooders = await Promise.all(
        Array.from({ length: SOCKETS }, () =>
          openSocket(`${worker.directWsUrl}/k/${CLIENTS.trader.apiKey}/ws`),
        ),
      );
      let sent = 0;
      let closed = 0;
      for (const ws of flooders) ws.on("close", () => closed++);
      const timers = flooders.map((ws, i) => {
        let id = 0;
        return setInterval(() => {
          if (ws.readyState !== WebSocket.OPEN) return;
          const method = id % 2 === 0 ? "SUBSCRIBE" : "UNSUBSCRIBE";
          ws.send(JSON.stringify({ method, params: [CHURNED], id: ++id + i * 1e6 }));
          sent++;
        }, 1000 / PER_SOCKET);
      });
      const flooded = await measure(latencies);
      for (const timer of timers) clearInterval(timer);
      stop();
      for (const ws of flooders) ws.terminate();
      console.log(
        JSON.stringify({ sockets: SOCKETS, sentPerSecond: sent / SECONDS, closed, quiet, flooded }),
      );
      // Measured before the caller's budget (200 sockets, 3,900 messages a second): p50 393 ms, p99 4.6 s, the
      // runtime 80% busy. With it, the flood's sockets are closed within its first second: p50 0, p99 about 200 ms.
      expect(flooded.p50Ms).toBeLessThan(50);
      expect(flooded.p99Ms).toBeLessThan(1000);
      expect(flooded.relayCpuPercent).toBeLessThan(40);
      reader.close();
    },
    SECONDS * 2000 + 60_000,
  );
});

/** The reader's latencies and the runtime's CPU use over SECONDS. */
async function measure(
  latencies: number[],
): Promise<{ p50Ms: number; p99Ms: number; relayCpuPercent: number }> {
  latencies.splice(0);
  const cpuBefore = cpuTicks(others);
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  const cpu = ((cpuTicks(others) - cpuBefore) * 10) / (Date.now() - started);
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    p50Ms: sorted[Math.floor(sorted.length / 2)] ?? Number.POSITIVE_INFINITY,
    p99Ms: sorted[Math.floor(sorted.length * 0.99)] ?? Number.POSITIVE_INFINITY,
    relayCpuPercent: Math.round(cpu * 100),
  };
}
