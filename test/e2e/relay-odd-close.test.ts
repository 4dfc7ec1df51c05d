// Red-team probe: Close frames that RFC 6455 forbids on the wire (1005, 1006, 1015, reserved and unassigned
// codes, a 1-byte payload, a reason past the 125-byte control frame limit, a reason that is not UTF-8). Whatever
// the runtime makes of them, the relay must end the socket promptly and let go of what it held: its streams are
// unsubscribed upstream, so a client cannot leave ghosts behind that hold its share or the relay's capacity.
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENTS } from "../support/credentials.ts";
import { startWorkerProcess, type WorkerProcess } from "../support/worker-process.ts";

const TOKEN = CLIENTS.hook.token;
let worker: WorkerProcess;
beforeAll(async () => {
  worker = await startWorkerProcess();
});
afterAll(async () => {
  await worker?.close();
});

const code = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const CASES: { name: string; payload: Buffer }[] = [
  { name: "1005 on the wire", payload: code(1005) },
  { name: "1006 on the wire", payload: code(1006) },
  { name: "1015 on the wire", payload: code(1015) },
  { name: "1004 (reserved)", payload: code(1004) },
  { name: "999", payload: code(999) },
  { name: "5000", payload: code(5000) },
  { name: "a 1-byte payload", payload: Buffer.from([0x03]) },
  { name: "a 124-byte reason", payload: Buffer.concat([code(1000), Buffer.alloc(124, 0x61)]) },
  {
    name: "a reason that is not UTF-8",
    payload: Buffer.concat([code(4000), Buffer.from([0xff, 0xfe, 0xc3])]),
  },
];
const INTERVALS = ["1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h"];

describe("odd Close frames from a client", () => {
  it("end the socket within a second and release its stream upstream", async () => {
    const results: Record<string, unknown>[] = [];
    for (const [i, { name, payload }] of CASES.entries()) {
      const stream = `btcusdt@kline_${INTERVALS[i]}`;
      const socket = await open(`${worker.directWsUrl}/k/${TOKEN}/ws/${stream}`);
      expect(await eventually(async () => (await holders(stream)) > 0)).toBe(true);
      const started = Date.now();
      const ended = closeAnswer(socket);
      socket.write(maskedFrame(0x8, payload));
      const answer = await Promise.race([ended, sleep(3000).then(() => ({ code: "none", ended: false }))]);
      const released = await eventually(async () => (await holders(stream)) === 0);
      results.push({ name, ...answer, ms: Date.now() - started, released });
      socket.destroy();
    }
    console.log(JSON.stringify(results));
    for (const result of results) {
      expect({ name: result.name, ended: result.ended, released: result.released }).toEqual({
        name: result.name,
        ended: true,
        released: true,
      });
    }
  }, 120_000);
});

/** Open upstream connections holding the stream. */
async function holders(stream: string): Promise<number> {
  const connections = await worker.fake.streams.connections();
  return connections.filter((c) => c.closedAt === null && c.subscriptions.includes(stream)).length;
}

/** Whether the check passes within 5 s. */
async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  for (const deadline = Date.now() + 5000; Date.now() < deadline; await sleep(50))
    if (await check()) return true;
  return false;
}

async function open(url: string): Promise<Socket> {
  const { hostname, port, pathname } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  socket.write(
    `GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const head = await new Promise<string>((resolve) => {
    let text = "";
    const onData = (chunk: Buffer) => {
      text += chunk.toString("latin1");
      if (!text.includes("\r\n\r\n")) return;
      socket.off("data", onData);
      resolve(text);
    };
    socket.on("data", onData);
  });
  if (!head.startsWith("HTTP/1.1 101")) throw new Error(`not upgraded: ${head.split("\r\n")[0]}`);
  return socket;
}

/** The server's Close code (null for an empty one) and whether the TCP connection ended within 3 s. */
function closeAnswer(socket: Socket): Promise<{ code: number | null | "none"; ended: boolean }> {
  return new Promise((resolve) => {
    let buffer = Buffer.alloc(0);
    let closeCode: number | null | "none" = "none";
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 2) {
        const opcode = (buffer[0] ?? 0) & 0x0f;
        let length = (buffer[1] ?? 0) & 0x7f;
        let offset = 2;
        if (length === 126) [length, offset] = [buffer.readUInt16BE(2), 4];
        else if (length === 127) [length, offset] = [Number(buffer.readBigUInt64BE(2)), 10];
        if (buffer.length < offset + length) return;
        if (opcode === 0x8) closeCode = length >= 2 ? buffer.readUInt16BE(offset) : null;
        buffer = buffer.subarray(offset + length);
      }
    });
    socket.once("close", () => resolve({ code: closeCode, ended: true }));
  });
}

function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] ?? 0)));
  const head =
    payload.length < 126
      ? Buffer.from([0x80 | opcode, 0x80 | payload.length])
      : Buffer.from([0x80 | opcode, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([head, mask, masked]);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
