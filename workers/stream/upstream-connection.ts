// One WebSocket to a Binance stream server (always combined mode, so every data frame names its stream).
// What it owes the server in control messages (coalesced, batched, ordered, refused batches split) is the pure
// queue in shared/streams/control-queue.ts; this shell opens the socket, paces the queue's messages under
// Binance's 10-messages-per-second limit, records each stream's frames, and turns replies into events.
// Liveness is judged by the pool from the timestamps kept here: Workers cannot send ping frames (workerd
// answers Binance's pings by itself).

import { ControlQueue } from "../../shared/streams/control-queue.ts";
import { readUpstreamFrame } from "../../shared/streams/frames.ts";
import { SendWindow } from "../../shared/streams/send-window.ts";
import {
  type FrameRecord,
  type LinkStats,
  patternOf,
  recordFrame,
} from "../../shared/streams/upstream-health.ts";
import type { Link } from "../../shared/streams/upstream-slots.ts";
import { answerClose } from "./socket-close.ts";

export interface ConnectionHandlers {
  onData(connection: UpstreamConnection, stream: string, text: string, receivedAt: number): void;
  /**
   * The server acknowledged these streams. `again`: they had been acknowledged before and the server lost them
   * (a probe found them missing), so this connection's copy of them has a gap.
   */
  onAcked(connection: UpstreamConnection, streams: readonly string[], again: boolean): void;
  /** The server refused to subscribe this one stream; the connection no longer wants it. */
  onRefused(connection: UpstreamConnection, stream: string, reason: string): void;
  onReady(connection: UpstreamConnection): void;
  onClosed(connection: UpstreamConnection, why: string): void;
}

/** An upgrade not answered within this is abandoned (and the lane reconnects with back-off). */
const HANDSHAKE_TIMEOUT_MS = 10_000;

export class UpstreamConnection implements Link {
  readonly id: number;
  readonly url: string;
  readonly openedAt: number;
  state: "connecting" | "open" | "closed" = "connecting";
  /** When the latest data frame arrived (0 before any). */
  lastDataAt = 0;
  /** Each wanted stream's frames: the patterns health is judged by (see patternOf). */
  readonly #frames = new Map<string, FrameRecord>();
  readonly #queue = new ControlQueue();
  #ws: WebSocket | null = null;
  readonly #window: SendWindow;
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  readonly #handlers: ConnectionHandlers;

  constructor(id: number, url: string, messagesPerSecond: number, handlers: ConnectionHandlers) {
    this.id = id;
    this.url = url;
    this.openedAt = Date.now();
    this.#window = new SendWindow(messagesPerSecond);
    this.#handlers = handlers;
  }

  /** Opens the socket; failures (a refused handshake such as 451, a timeout) end in onClosed. */
  async open(): Promise<void> {
    const abort = new AbortController();
    const deadline = setTimeout(() => abort.abort(), HANDSHAKE_TIMEOUT_MS);
    try {
      const response = await fetch(this.url.replace(/^ws/, "http"), {
        headers: { Upgrade: "websocket" },
        signal: abort.signal,
      });
      const ws = response.webSocket;
      if (ws === null) {
        await response.body?.cancel();
        return this.#closed(`handshake answered ${response.status}`);
      }
      ws.accept();
      if (this.state === "closed") {
        ws.close(1000, "closed while opening");
        return;
      }
      this.#ws = ws;
      this.state = "open";
      ws.addEventListener("message", (event) => this.#onMessage(event.data));
      ws.addEventListener("close", (event) => {
        answerClose(ws, event.code, event.reason);
        this.#closed(`closed by server (${event.code})`);
      });
      ws.addEventListener("error", () => this.#closed("socket error"));
      this.#flush();
    } catch {
      this.#closed(abort.signal.aborted ? "handshake timed out" : "connect failed");
    } finally {
      clearTimeout(deadline);
    }
  }

  /** What the pool judges health by (see unhealthyReason). */
  get stats(): LinkStats {
    return {
      probeSentAt: this.#queue.probeSentAt,
      lastDataAt: this.lastDataAt,
      ...patternOf(this.#frames.values()),
    };
  }

  /** Streams the server acknowledged, with the time of the acknowledgement. */
  get subscribed(): ReadonlyMap<string, number> {
    return this.#queue.subscribed;
  }

  get wanted(): ReadonlySet<string> {
    return this.#queue.wanted;
  }

  get lastProbeAnsweredAt(): number {
    return this.#queue.lastProbeAnsweredAt;
  }

  /** True when every wanted stream is acknowledged by the server. */
  get ready(): boolean {
    return this.state === "open" && this.#queue.allAcked;
  }

  /** Streams the server may still hold although they are no longer wanted (unsubscribes not yet answered). */
  get pendingRemovals(): number {
    return this.#queue.pendingRemovals;
  }

  add(stream: string): void {
    this.#queue.add(stream, Date.now());
    this.#flush();
  }

  remove(stream: string): void {
    if (!this.#queue.remove(stream)) return;
    this.#frames.delete(stream);
    this.#flush();
  }

  probe(now: number): void {
    if (this.state !== "open" || !this.#queue.probe(now)) return;
    this.#flush();
  }

  close(code: number, reason: string): void {
    if (this.state === "closed") return;
    try {
      this.#ws?.close(code, reason);
    } catch {
      // Already closing.
    }
    this.#closed(reason);
  }

  #closed(why: string): void {
    if (this.state === "closed") return;
    this.state = "closed";
    if (this.#flushTimer !== null) clearTimeout(this.#flushTimer);
    this.#handlers.onClosed(this, why);
  }

  #onMessage(data: unknown): void {
    // workerd keeps delivering frames after a local close() until the server's close frame arrives.
    if (typeof data !== "string" || this.state === "closed") return;
    const now = Date.now();
    const frame = readUpstreamFrame(data);
    if (frame.kind === "data") {
      // Frames of a stream being unsubscribed may still arrive; they are not this connection's data any more.
      if (!this.#queue.wanted.has(frame.stream)) return;
      let record = this.#frames.get(frame.stream);
      if (record === undefined) {
        record = { dataFrames: 0, longestGapMs: 0, lastDataAt: 0 };
        this.#frames.set(frame.stream, record);
      }
      recordFrame(record, now);
      this.lastDataAt = now;
      this.#handlers.onData(this, frame.stream, data, now);
      return;
    }
    if (frame.kind !== "reply" || frame.id === null) return;
    const outcome = this.#queue.reply(frame.id, frame, now);
    switch (outcome.kind) {
      case "none":
        return;
      case "probe-refused":
        this.close(1011, `server refused probe: ${outcome.reason}`);
        return;
      case "split":
        this.#flush();
        return;
      case "refused":
        this.#handlers.onRefused(this, outcome.stream, outcome.reason);
        break;
      case "acked":
        if (outcome.fresh.length > 0) this.#handlers.onAcked(this, outcome.fresh, false);
        if (outcome.again.length > 0) this.#handlers.onAcked(this, outcome.again, true);
        break;
      case "probed":
        this.#flush();
        break;
      case "unsubscribed":
        break;
    }
    if (this.#queue.takeReady(this.state === "open")) this.#handlers.onReady(this);
  }

  #flush(): void {
    if (this.state !== "open" || this.#ws === null || this.#flushTimer !== null) return;
    while (this.#queue.hasQueued) {
      const wait = this.#window.waitMs(Date.now());
      if (wait > 0) {
        this.#flushTimer = setTimeout(() => {
          this.#flushTimer = null;
          this.#flush();
        }, wait);
        return;
      }
      const message = this.#queue.next();
      if (message === null) return;
      try {
        this.#ws.send(message);
      } catch {
        this.#closed("send failed");
        return;
      }
      this.#window.record(Date.now());
    }
  }
}
