// Test doubles for the stream client (client/stream/client.ts): a fake socket that records what is sent and
// lets a test open, feed and drop it, and a fake runtime whose clock only moves when the test says so. No real
// timers.

import {
  type ClientSocket,
  type ConnectionStatus,
  type GapEvent,
  type SocketListener,
  StreamClient,
  type StreamClientOptions,
  type StreamRuntime,
} from "../../client/index.ts";

export class FakeSocket implements ClientSocket {
  readonly url: string;
  readonly protocols: readonly string[];
  readonly sent: { text: string; at: number }[] = [];
  closed: { code: number | undefined; reason: string | undefined } | null = null;
  readonly #clock: FakeRuntime;
  #listener: SocketListener | null = null;

  constructor(url: string, protocols: readonly string[], clock: FakeRuntime) {
    this.url = url;
    this.protocols = protocols;
    this.#clock = clock;
  }

  listen(listener: SocketListener): void {
    this.#listener = listener;
  }

  send(text: string): void {
    this.sent.push({ text, at: this.#clock.now() });
  }

  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
  }

  open(): void {
    this.#listener?.open();
  }

  receive(text: string): void {
    this.#listener?.message(text);
  }

  drop(code = 1006): void {
    this.#listener?.close(code, "");
  }

  /** The JSON requests sent, pings left out. */
  requests(): { method: string; params?: string[]; id: number }[] {
    return this.sent.filter((m) => m.text !== "ping").map((m) => JSON.parse(m.text));
  }

  subscribed(): string[][] {
    return this.requests().flatMap((r) => (r.method === "SUBSCRIBE" ? [r.params ?? []] : []));
  }

  /** Answers every request sent so far with success. */
  ackAll(): void {
    for (const { id } of this.requests()) this.receive(`{"result":null,"id":${id}}`);
  }
}

export class FakeRuntime implements StreamRuntime {
  time = 0;
  randomValue = 0.5;
  readonly sockets: FakeSocket[] = [];
  #timers: { at: number; id: number; callback: () => void }[] = [];
  #nextTimer = 1;

  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#nextTimer++;
    this.#timers.push({ at: this.time + Math.max(0, ms), id, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((timer) => timer.id !== handle);
  }
  random(): number {
    return this.randomValue;
  }
  createSocket(url: string, protocols: readonly string[]): ClientSocket {
    const socket = new FakeSocket(url, protocols, this);
    this.sockets.push(socket);
    return socket;
  }

  /** Moves the clock, running due timers in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    // A timer that keeps re-arming itself at the same instant would hang the test instead of failing it.
    for (let runs = 0; ; runs++) {
      if (runs > 10_000) throw new Error("timers keep firing without the clock moving on");
      const due = this.#timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.time = due.at;
      due.callback();
    }
    this.time = end;
  }

  get socket(): FakeSocket {
    const socket = this.sockets.at(-1);
    if (socket === undefined) throw new Error("no socket yet");
    return socket;
  }
}

export const RELAY_URL = "wss://relay.example/stream";
const QUIET = { intervalMs: 1e9, timeoutMs: 2e9 };

export function setup(options: Partial<StreamClientOptions> = {}) {
  const runtime = new FakeRuntime();
  const client = new StreamClient({ url: RELAY_URL, runtime, heartbeat: QUIET, ...options });
  const statuses: ConnectionStatus[] = [];
  const gaps: GapEvent[] = [];
  client.onStatus((status) => statuses.push(status));
  client.onGap((gap) => gaps.push(gap));
  return { client, runtime, statuses, gaps };
}

export const frame = (stream: string, data: unknown) => JSON.stringify({ stream, data });

/** Times at which sockets were created after each immediate failure, as delays between attempts. */
export function failureDelays(runtime: FakeRuntime, attempts: number): number[] {
  const delays: number[] = [];
  for (let i = 0; i < attempts; i++) {
    const before = runtime.sockets.length;
    const start = runtime.time;
    runtime.socket.drop();
    while (runtime.sockets.length === before) runtime.advance(1);
    delays.push(runtime.time - start);
  }
  return delays;
}
