// Server pings with distinct payloads, pong bookkeeping and the pong timeout of one stream connection.

import type { WebSocket } from "ws";
import type { PongRecord } from "./types.ts";

export class Heartbeat {
  private readonly socket: WebSocket;
  private readonly pongs: PongRecord[];
  private readonly onTimeout: (payload: string, timeoutMs: number) => void;
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private timer: NodeJS.Timeout | null = null;
  private lastPayload = 0;

  constructor(
    socket: WebSocket,
    pongs: PongRecord[],
    onTimeout: (payload: string, timeoutMs: number) => void,
  ) {
    this.socket = socket;
    this.pongs = pongs;
    this.onTimeout = onTimeout;
    socket.on("pong", (data) => this.onPong(data.toString("utf8")));
  }

  /** (Re)starts pinging every `intervalMs`; each ping must be answered within `timeoutMs`. */
  start(intervalMs: number, timeoutMs: () => number): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = setInterval(() => this.ping(timeoutMs()), intervalMs);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private ping(timeoutMs: number): void {
    // The current time as text, kept strictly increasing so that no two pings share a payload.
    this.lastPayload = Math.max(Date.now(), this.lastPayload + 1);
    const payload = String(this.lastPayload);
    this.pending.set(
      payload,
      setTimeout(() => this.onTimeout(payload, timeoutMs), timeoutMs),
    );
    this.socket.ping(payload);
  }

  /** A matching pong also settles every older ping still waiting (the peer is alive). */
  private onPong(payload: string): void {
    const matched = this.pending.has(payload);
    this.pongs.push({ payload, matched, at: Date.now() });
    if (!matched) return;
    for (const [sent, timer] of this.pending) {
      clearTimeout(timer);
      this.pending.delete(sent);
      if (sent === payload) break;
    }
  }
}
