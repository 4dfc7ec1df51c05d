// Shared helpers for relay tests inside workerd.

import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { inject } from "vitest";
import { sequenceOf } from "../../fake-exchange/ws-payloads.ts";
import { fakeControl, type StreamConnection } from "../../support/fake-control.ts";
import { isData, type StreamClient } from "../../support/stream-client.ts";
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
