// Admission under load, for `npm run bench`: while K clients receive R events per second, new clients connect one
// after another; each is timed from connect to its 101 (the handshake answered) and to its first event. A client
// that gets no event within the timeout counts as the timeout (the table marks it ">"), and ends the sampling:
// under that load the next would wait as long.

import WebSocket from "ws";
import type { FakeExchange } from "../test/fake-exchange/index.ts";
import { openSocket, sleep } from "../test/support/runtime-probe.ts";
import { waitForSubscription } from "./fanout.ts";

export interface Spread {
  readonly p50: number;
  readonly max: number;
}

export interface AdmissionResult {
  /** Connect to the handshake's 101, ms. */
  readonly upgrade: Spread;
  /** Connect to the first event, ms. */
  readonly firstEvent: Spread;
  /** What a sample that saw no 101 or no event counts as, ms. */
  readonly timeoutMs: number;
}

export interface AdmissionOptions {
  readonly clients: number;
  readonly perSecond: number;
  readonly samples: number;
  readonly timeoutMs: number;
}

export async function measureAdmission(
  fake: FakeExchange,
  clientUrl: string,
  stream: string,
  options: AdmissionOptions,
): Promise<AdmissionResult> {
  const load = await Promise.all(Array.from({ length: options.clients }, () => openSocket(clientUrl)));
  await waitForSubscription(fake, stream);
  const stop = fake.streams.startTicker([stream], options.perSecond);
  const upgrades: number[] = [];
  const firsts: number[] = [];
  try {
    await sleep(500);
    for (let i = 0; i < options.samples; i++) {
      const sample = await admitOne(clientUrl, options.timeoutMs);
      upgrades.push(sample.upgradeMs);
      firsts.push(sample.firstEventMs);
      if (sample.firstEventMs >= options.timeoutMs) break;
      await sleep(100);
    }
  } finally {
    stop();
    for (const socket of load) socket.terminate();
  }
  return {
    upgrade: spread(upgrades),
    firstEvent: spread(firsts),
    timeoutMs: options.timeoutMs,
  };
}

/** Median and maximum of a few samples. */
export function spread(samples: readonly number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

function admitOne(url: string, timeoutMs: number): Promise<{ upgradeMs: number; firstEventMs: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    let upgradeMs = timeoutMs;
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const done = (firstEventMs: number) => {
      clearTimeout(timer);
      socket.terminate();
      resolve({ upgradeMs, firstEventMs });
    };
    const timer = setTimeout(() => done(timeoutMs), timeoutMs);
    socket.once("upgrade", () => {
      upgradeMs = performance.now() - started;
    });
    socket.once("message", () => done(performance.now() - started));
    socket.once("error", () => done(timeoutMs));
  });
}
