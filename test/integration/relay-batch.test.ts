// Batched frames, opt-in: a client that asks (`?batch=<ms>` or SET_PROPERTY "batch") gets several messages per
// frame joined by "\n", the same messages in the same order as a client in Binance's framing, which stays
// one message per frame.
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { CLIENTS } from "../support/credentials.ts";
import { fakeControl } from "../support/fake-control.ts";
import { publishWhenSubscribed as publishOnceHeld } from "../support/publish-when-subscribed.ts";
import { isData, type StreamClient } from "../support/stream-client.ts";
import { connectRelay, RefusedError } from "../support/workerd/workerd-stream.ts";

const fake = fakeControl(inject("fakeExchangeUrl"));
const TOKEN = CLIENTS.hook.token;
const STREAM = "btcusdt@aggTrade";
const open: StreamClient[] = [];

async function connect(path: string): Promise<StreamClient> {
  const { client } = await connectRelay(path);
  open.push(client);
  return client;
}

/** Every message the client got, batched frames split. */
function messagesOf(client: StreamClient): string[] {
  return client.messages.flatMap((frame) => frame.split("\n"));
}

async function waitForMessages(client: StreamClient, count: number): Promise<string[]> {
  for (let i = 0; i < 250; i++) {
    const data = messagesOf(client).filter(isData);
    if (data.length >= count) return data;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`only ${messagesOf(client).filter(isData).length} of ${count} messages`);
}

const publishWhenSubscribed = (stream: string, count: number) => publishOnceHeld(fake, stream, count);

beforeEach(async () => {
  await fake.reset();
});
afterEach(() => {
  for (const client of open.splice(0)) client.close();
});

describe("batched frames", () => {
  it("gives a batched client the same messages in the same order as a drop-in client, in fewer frames", async () => {
    const plain = await connect(`/k/${TOKEN}/stream?streams=${STREAM}`);
    const batched = await connect(`/k/${TOKEN}/stream?streams=${STREAM}&batch=50`);
    await publishWhenSubscribed(STREAM, 30);
    const expected = await waitForMessages(plain, 30);
    expect(await waitForMessages(batched, 30)).toEqual(expected);
    expect(plain.messages.filter(isData)).toEqual(expected);
    expect(plain.messages.every((frame) => !frame.includes("\n"))).toBe(true);
    expect(batched.messages.length).toBeLessThan(expected.length);
  });

  it("turns batching on and off with SET_PROPERTY, reports it with GET_PROPERTY, and keeps replies in order", async () => {
    const client = await connect(`/k/${TOKEN}/ws/${STREAM}`);
    expect(await client.request("GET_PROPERTY", ["batch"])).toEqual({ result: 0, id: 1 });
    expect(await client.request("SET_PROPERTY", ["batch", 50])).toEqual({ result: null, id: 2 });
    await publishWhenSubscribed(STREAM, 20);
    await waitForMessages(client, 20);
    const batchedFrames = client.messages.length - 2;
    expect(batchedFrames).toBeLessThan(20);
    client.send({ method: "GET_PROPERTY", params: ["batch"], id: 3 });
    client.send({ method: "SET_PROPERTY", params: ["batch", 0], id: 4 });
    await client.waitFor((frame) => frame.endsWith('"id":4}'));
    const replies = messagesOf(client).filter((m) => m.startsWith('{"result"'));
    expect(replies.slice(-2)).toEqual(['{"result":50,"id":3}', '{"result":null,"id":4}']);
    const before = client.messages.length;
    await fake.streams.publish(STREAM, 5);
    await waitForMessages(client, 25);
    const after = client.messages.slice(before);
    expect(after).toHaveLength(5);
    expect(after.every((frame) => !frame.includes("\n"))).toBe(true);
  });

  it("refuses a window that is not 0 or 1 to 100 ms, and a SET_PROPERTY of one", async () => {
    const status = await connectRelay(`/k/${TOKEN}/ws/${STREAM}?batch=500`).then(
      () => 101,
      (error: unknown) => (error instanceof RefusedError ? error.status : 0),
    );
    expect(status).toBe(400);
    const client = await connect(`/k/${TOKEN}/ws/${STREAM}`);
    expect(await client.request("SET_PROPERTY", ["batch", 500])).toEqual({
      error: { code: 1, msg: "Invalid value type: expected 0 or 1 to 100 (ms)" },
      id: 1,
    });
  });
});
