// With RELAY_PUBLIC=true, market streams are open to anonymous clients (a public price page); REST is not.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { RelayTestClient } from "../support/relay-client.ts";
import { isData } from "../support/stream-client.ts";
import { startWorkerProcess, type WorkerProcess } from "../support/worker-process.ts";

let worker: WorkerProcess;
beforeAll(async () => {
  worker = await startWorkerProcess({ vars: { RELAY_PUBLIC: "true" } });
});
afterAll(async () => {
  await worker?.close();
});

describe("a public relay", () => {
  it("serves market streams to anonymous clients", async () => {
    const client = await RelayTestClient.connect(`${worker.wsUrl}/stream?streams=ethusdt@markPrice`);
    const deadline = Date.now() + 10_000;
    while (
      !worker.fake.streams
        .connections()
        .some((c) => c.closedAt === null && c.subscriptions.includes("ethusdt@markPrice"))
    ) {
      if (Date.now() > deadline) throw new Error("never subscribed upstream");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    worker.fake.streams.publish("ethusdt@markPrice");
    expect(await client.waitFor(isData)).toMatch(
      /^\{"stream":"ethusdt@markPrice","data":\{"e":"markPriceUpdate"/,
    );
    await client.close();
  });

  it("still refuses a wrong credential rather than ignoring it", async () => {
    await expect(RelayTestClient.connect(`${worker.wsUrl}/k/not-a-credential-0000000/ws`)).rejects.toThrow(
      /refused 401/,
    );
  });

  it("accepts a subprotocol that is not a credential, and echoes it", async () => {
    const ws = new WebSocket(`${worker.wsUrl}/ws`, ["json", "v2"]);
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    expect(ws.protocol).toBe("json");
    ws.close();
  });

  it("keeps REST closed to anonymous callers", async () => {
    expect((await fetch(`${worker.url}/fapi/v1/time`)).status).toBe(401);
  });
});
