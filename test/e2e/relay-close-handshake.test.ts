// RFC 6455 §5.5.1 at the relay: a client's Close is answered with its code on every kind of relay socket, so
// clients that wait for the answer (Binance's Python connectors, through websocket-client; Node's `ws`) finish
// closing at once instead of hanging; through `wrangler dev`'s proxy and straight to the runtime alike.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { CLIENTS } from "../support/credentials.ts";
import { closeResults } from "../support/python-close.ts";
import { startWorkerProcess, type WorkerProcess } from "../support/worker-process.ts";

const TOKEN = CLIENTS.hook.token;
let worker: WorkerProcess;
beforeAll(async () => {
  worker = await startWorkerProcess();
});
afterAll(async () => {
  await worker?.close();
});

async function relayKey(): Promise<string> {
  const response = await fetch(`${worker.url}/fapi/v1/listenKey`, {
    method: "POST",
    headers: { "X-MBX-APIKEY": CLIENTS.trader.apiKey },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { listenKey: string }).listenKey;
}

/** Every kind of relay socket: market streams raw and combined, relay keys both ways, and one holding nothing. */
function relaySockets(base: string, key: string): { name: string; url: string }[] {
  return [
    { name: "/ws/<stream>", url: `${base}/k/${TOKEN}/ws/btcusdt@aggTrade` },
    { name: "/stream?streams=", url: `${base}/k/${TOKEN}/stream?streams=btcusdt@aggTrade/ethusdt@markPrice` },
    { name: "/private/ws?listenKey=", url: `${base}/private/ws?listenKey=${key}` },
    { name: "/ws/<relay key>", url: `${base}/ws/${key}` },
    { name: "bare /ws", url: `${base}/k/${TOKEN}/ws` },
  ];
}

/** Closes with `code` (none: an empty Close) and resolves with what Node's `ws` reports, and how long it took. */
function timedClose(url: string, code?: number, reason?: string): Promise<{ code: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once("error", reject);
    ws.once("open", () => {
      const started = Date.now();
      ws.once("close", (received) => resolve({ code: received, ms: Date.now() - started }));
      if (code === undefined) ws.close();
      else ws.close(code, reason);
    });
  });
}

describe("the relay answers a client's Close", () => {
  it("on every kind of socket, for websocket-client (Binance's Python connectors), within a second", async () => {
    const key = await relayKey();
    const targets = relaySockets(worker.wsUrl, key).flatMap((socket, i) => [
      { ...socket, name: `${socket.name} 1000`, code: 1000, reason: "" },
      // A code of the app's range with a reason: both come back.
      { ...socket, name: `${socket.name} 4000`, code: 4000 + i, reason: "bye from python" },
    ]);
    // close() waits up to 5 s for the server's Close: without an answer it would take all of it.
    const results = await closeResults({ mode: "close", timeout: 5, targets });
    expect(results.map((r) => r.name)).toEqual(targets.map((t) => t.name));
    for (const [i, result] of results.entries()) {
      const target = targets[i];
      expect({ name: result.name, code: result.code, reason: result.reason }).toEqual({
        name: target?.name,
        code: target?.code,
        reason: target?.reason,
      });
      expect(result.seconds, result.name).toBeLessThan(1);
    }
    const slowest = Math.max(...results.map((r) => Number(r.seconds)));
    console.log(`websocket-client close(): slowest ${Math.round(slowest * 1000)} ms of ${results.length}`);
  }, 60_000);

  it("through wrangler dev's proxy and straight to the runtime, echoing the code or 1000 for none", async () => {
    const key = await relayKey();
    let slowest = 0;
    for (const base of [worker.wsUrl, worker.directWsUrl]) {
      for (const socket of relaySockets(base, key)) {
        const echoed = await timedClose(socket.url, 4321, "bye");
        expect({ url: socket.url, code: echoed.code }).toEqual({ url: socket.url, code: 4321 });
        expect(echoed.ms, socket.url).toBeLessThan(1000);
        // An empty Close (no code) is answered with 1000: 1005 may not be sent on the wire.
        const empty = await timedClose(socket.url);
        expect({ url: socket.url, code: empty.code }).toEqual({ url: socket.url, code: 1000 });
        expect(empty.ms, socket.url).toBeLessThan(1000);
        slowest = Math.max(slowest, echoed.ms, empty.ms);
      }
    }
    console.log(`ws close: slowest ${slowest} ms`);
  }, 60_000);
});
