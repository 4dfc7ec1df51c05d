// Red-team probe: RELAY_MAX_CLIENT_BACKLOG_BYTES bounds each socket, but one caller holds up to
// RELAY_MAX_CLIENTS_PER_CALLER sockets (1000 by default), and what was queued for a socket closed with 4008 stays
// in the runtime until its peer reads or goes away. A caller whose many sockets never read must not make the
// relay hold more than its own bound in total: the relay's memory is everyone's (one Durable Object, 128 MB).
// The Worker on a real port, the default per-socket bound (4 MiB), 40 stalled readers of one anonymous caller.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { openSocket, rssMb, sleep, workerdProcesses } from "../support/runtime-probe.ts";
import { StalledReader } from "../support/stalled-reader.ts";
import { waitFor } from "../support/wait-for.ts";
import { startWorkerProcess, type WorkerProcess } from "../support/worker-process.ts";

const STREAM = "!ticker@arr";
const STALLED = 40;
const PER_SECOND = 1000;
const SECONDS = Number(process.env.CALLER_BACKLOG_SECONDS ?? 20);
const WARMUP_MS = 4000;

let worker: WorkerProcess;
let others = new Set<number>();

beforeAll(async () => {
  others = new Set(workerdProcesses());
  worker = await startWorkerProcess({ vars: { RELAY_PUBLIC: "true" } });
});
afterAll(async () => {
  await worker?.close();
});

describe("one caller's sockets that never read", () => {
  it(
    "cannot make the relay hold more than a caller's bound of unread data in total",
    async () => {
      const url = `${worker.directWsUrl}/ws/${STREAM}`;
      const reader = await openSocket(url);
      let received = 0;
      reader.on("message", () => received++);
      const stalled = await Promise.all(Array.from({ length: STALLED }, () => StalledReader.open(url)));
      await waitFor(
        () =>
          worker.fake.streams
            .connections()
            .some((c) => c.closedAt === null && c.subscriptions.includes(STREAM)),
        `${STREAM} is subscribed upstream`,
      );
      const stop = worker.fake.streams.startTicker([STREAM], PER_SECOND);
      await sleep(WARMUP_MS);
      const rssBefore = rssMb(others);
      const samples: number[] = [];
      for (let second = 0; second < SECONDS; second++) {
        await sleep(1000);
        samples.push(rssMb(others));
      }
      stop();
      const codes = await Promise.race([
        Promise.all(stalled.map((r) => r.resume())),
        sleep(30_000).then(() => []),
      ]);
      console.log(
        JSON.stringify({
          seconds: SECONDS,
          rssBeforeMb: rssBefore,
          rssPeakMb: Math.max(...samples),
          samplesMb: samples,
          readerFrames: received,
          closeCodes: codes,
        }),
      );
      // Measured: +517 MB without a bound per caller (40 sockets each 4 MiB behind, about 13 MB of the runtime's
      // memory apiece), +110 MB with the default 8 MiB bound, most of it the relay's own growth in its first
      // minute (it remembers 60 s of frames; see relay-slow-readers.test.ts).
      expect(Math.max(...samples) - rssBefore).toBeLessThan(200);
      expect(reader.readyState).toBe(WebSocket.OPEN);
      reader.close();
    },
    SECONDS * 1000 + 90_000,
  );
});
