// The fake exchange's simulated market for the simulation tests: one seeded simulating fake per test file, extra
// fakes a test starts (all closed after the file), WebSocket listeners that record every event (terminated after
// each test), and small REST and polling helpers.

import { afterAll, afterEach, beforeAll } from "vitest";
import { WebSocket } from "ws";
import { type FakeExchange, startFakeExchange } from "../fake-exchange/index.ts";

export type Event = Record<string, unknown>;
export type Level = [string, string];

export interface Listener {
  socket: WebSocket;
  /** Events per stream, in arrival order (combined framing unwrapped). */
  events(stream: string): Event[];
  count(): number;
}

export const HMAC = { apiKey: "sim-test-key", secret: "sim-test-secret" };
const fakes: FakeExchange[] = [];
const sockets: WebSocket[] = [];
export let fake: FakeExchange;

export async function startFake(
  options: Parameters<typeof startFakeExchange>[0] = {},
): Promise<FakeExchange> {
  const started = await startFakeExchange(options);
  fakes.push(started);
  return started;
}

/** Starts the file's simulating fake with the HMAC key, and cleans up sockets and every started fake. */
export function useSimulatedExchange(): void {
  beforeAll(async () => {
    fake = await startFake({ simulate: { seed: 11, tradesPerSecond: 4 } });
    fake.registerKey({ ...HMAC, type: "hmac" });
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.terminate();
  });

  afterAll(async () => {
    await Promise.all(fakes.map((item) => item.close()));
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitUntil(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for a condition");
    await sleep(10);
  }
}

/** A combined-stream connection to `path` (e.g. "/public/stream?streams=a/b") that records every event. */
export async function listen(on: FakeExchange, path: string): Promise<Listener> {
  const socket = new WebSocket(`${on.wsUrl}${path}`);
  sockets.push(socket);
  const byStream = new Map<string, Event[]>();
  let count = 0;
  socket.on("message", (data) => {
    const frame = JSON.parse(String(data)) as { stream?: string; data?: Event };
    if (frame.stream === undefined || frame.data === undefined) return;
    count++;
    const list = byStream.get(frame.stream) ?? [];
    list.push(frame.data);
    byStream.set(frame.stream, list);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return { socket, events: (stream) => byStream.get(stream) ?? [], count: () => count };
}

export async function getJson<T>(on: FakeExchange, pathAndQuery: string): Promise<T> {
  return (await (await fetch(`${on.url}${pathAndQuery}`)).json()) as T;
}

export const id = (event: Event, name: string): number => {
  const value = event[name];
  if (typeof value !== "number" || !Number.isSafeInteger(value))
    throw new Error(`${name} is no safe integer`);
  return value;
};

export interface Snapshot {
  lastUpdateId: number;
  bids: Level[];
  asks: Level[];
}
