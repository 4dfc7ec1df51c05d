// Shared helpers for relay tests inside workerd.

import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { inject } from "vitest";
import { sequenceOf } from "../../fake-exchange/ws/payloads.ts";
import { fakeControl, type StreamConnection } from "../fake-control.ts";
import { isData, type StreamClient } from "../stream-client.ts";
import { connectRelay, RefusedError } from "./workerd-stream.ts";

export const fake = fakeControl(inject("fakeExchangeUrl"));

export class Clients {
  readonly #open: StreamClient[] = [];

  async connect(path: string, headers: Record<string, string> = {}): Promise<StreamClient> {
    const { client } = await connectRelay(path, headers);
    this.#open.push(client);
    return client;
  }

  closeAll(): void {
    for (const client of this.#open.splice(0)) client.close();
  }
}

export async function statusOf(path: string, headers: Record<string, string> = {}): Promise<number> {
  try {
    const { client } = await connectRelay(path, headers);
    client.close();
    return 101;
  } catch (error) {
    if (error instanceof RefusedError) return error.status;
    throw error;
  }
}

export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function liveConnections(
  connections: readonly StreamConnection[],
  stream: string,
): StreamConnection[] {
  return connections.filter((c) => c.closedAt === null && c.subscriptions.includes(stream));
}

/** Waits until `count` open upstream connections hold the stream. */
export async function subscribedUpstream(stream: string, count = 1): Promise<void> {
  await waitUntil(
    async () => liveConnections(await fake.streams.connections(), stream).length >= count,
    `${stream} is subscribed upstream`,
  );
}

/** The sequence numbers of a client's data frames on one stream, in arrival order. */
export function sequencesOf(client: StreamClient, stream?: string): bigint[] {
  return client.messages
    .filter(isData)
    .filter(
      (text) =>
        stream === undefined || !text.startsWith('{"stream"') || text.startsWith(`{"stream":"${stream}"`),
    )
    .map((text) => sequenceOf(text))
    .filter((seq): seq is bigint => seq !== null);
}

/** Asserts a run of sequence numbers has no gap and no repeat; returns a description of what is wrong or null. */
export function continuityProblem(sequences: readonly bigint[]): string | null {
  for (let i = 1; i < sequences.length; i++) {
    const previous = sequences[i - 1] ?? 0n;
    const current = sequences[i] ?? 0n;
    if (current === previous) return `duplicate ${current} at ${i}`;
    if (current !== previous + 1n) return `gap from ${previous} to ${current} at ${i}`;
  }
  return null;
}

const LISTED = ["btcusdt", "ethusdt"];
const KLINES = ["1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1M"];
/** Served on /market upstream. */
const MARKET_SUFFIXES = [
  ...["aggTrade", "markPrice", "markPrice@1s", "miniTicker", "ticker", "forceOrder"],
  ...KLINES.map((interval) => `kline_${interval}`),
];
/** Served on /public upstream. */
const PUBLIC_SUFFIXES = [
  ...["trade", "bookTicker"],
  ...["", "5", "10", "20"].flatMap((levels) =>
    ["", "@500ms", "@100ms"].map((speed) => `depth${levels}${speed}`),
  ),
];
const LISTED_STREAMS = [MARKET_SUFFIXES, PUBLIC_SUFFIXES].flatMap((suffixes) =>
  LISTED.flatMap((symbol) => suffixes.map((suffix) => `${symbol}@${suffix}`)),
);

/**
 * `count` distinct valid USDⓈ-M stream names about symbols the fake lists (the relay refuses others), from the
 * `offset`th on: for tests that need many streams. The first 42 are all served on the same upstream route.
 */
export function listedStreams(count: number, offset = 0): string[] {
  if (offset + count > LISTED_STREAMS.length) throw new Error(`only ${LISTED_STREAMS.length} listed streams`);
  return LISTED_STREAMS.slice(offset, offset + count);
}

/** The USDⓈ-M relay object the tests connect to (no location hint). */
export function umRelay(): DurableObjectStub {
  return env.MARKET_RELAY.getByName("relay:um:default");
}

/** Waits until the relay holds no client sockets (closes are processed asynchronously). */
export async function relayDrained(): Promise<void> {
  await waitUntil(
    async () => (await runInDurableObject(umRelay(), (_relay, state) => state.getWebSockets().length)) === 0,
    "the relay has no clients left",
  );
}
