// One WebSocket to a Binance stream server (always combined mode, so every data frame names its stream).
// It owns what Binance holds against a connection: control messages are coalesced (a subscribe and an
// unsubscribe of the same stream cancel out), batched (up to 200 streams per message) and paced under Binance's
// 10-messages-per-second limit. The pool counts unsubscribes not yet answered against a connection's 1024
// streams, so the order of the queue is free: a probe goes first (its answer time must measure the server, not
// this queue), then unsubscribes, but never two running while a subscribe waits, so one caller letting go of its
// streams one by one cannot hold up everyone's subscribes and probes (the pool would take the connection for
// dead). Acknowledgements mark streams live; a refused batch is split until the one refused stream is found and
// reported; LIST_SUBSCRIPTIONS probes check that the server still holds what the relay thinks it holds.
// Liveness is judged by the pool from the timestamps kept here: Workers cannot send ping frames (workerd
// answers Binance's pings by itself).

import { readUpstreamFrame } from "./frames.ts";
import { SendWindow } from "./send-window.ts";
import {
  type FrameRecord,
  type LinkStats,
  patternOf,
  recordFrame,
} from "./upstream-health.ts";
import { answerClose } from "../../workers/stream/socket-close.ts";

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

const MAX_PARAMS_PER_MESSAGE = 200;
/** An upgrade not answered within this is abandoned (and the lane reconnects with back-off). */
const HANDSHAKE_TIMEOUT_MS = 10_000;

type InFlight = { readonly kind: "subscribe" | "unsubscribe" | "probe"; readonly streams: readonly string[] };

export class UpstreamConnection {
  readonly id: number;
  readonly url: string;
  readonly openedAt: number;
  state: "connecting" | "open" | "closed" = "connecting";
  /** Streams the server acknowledged, with the time of the acknowledgement. */
  readonly subscribed = new Map<string, number>();
  #probeSentAt: number | null = null;
  /** When the latest data frame arrived (0 before any). */
  lastDataAt = 0;
  /** Each wanted stream's frames: the patterns health is judged by (see patternOf). */
  readonly #frames = new Map<string, FrameRecord>();
  /** Streams found missing by a probe and subscribed again. */
  readonly #lost = new Set<string>();
  lastProbeAnsweredAt = 0;
  #ws: WebSocket | null = null;
  readonly #wanted = new Set<string>();
  readonly #toSubscribe = new Set<string>();
  readonly #toUnsubscribe = new Set<string>();
  /** Halves of a refused batch waiting to be resent, each kept whole so the refusal can be narrowed down. */
  readonly #batches: InFlight[] = [];
  #probeQueued = false;
  readonly #inFlight = new Map<string, InFlight>();
  #nextId = 1;
  readonly #window: SendWindow;
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  #readyAnnounced = false;
  #lastSent: InFlight["kind"] | null = null;
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
      probeSentAt: this.#probeSentAt,
      lastDataAt: this.lastDataAt,
      ...patternOf(this.#frames.values()),
    };
  }

  get wanted(): ReadonlySet<string> {
    return this.#wanted;
  }

  /** True when every wanted stream is acknowledged by the server. */
  get ready(): boolean {
    if (this.state !== "open") return false;
    for (const stream of this.#wanted) if (!this.subscribed.has(stream)) return false;
    return true;
  }

  /** Streams the server may still hold although they are no longer wanted (unsubscribes not yet answered). */
  get pendingRemovals(): number {
    let count = this.#toUnsubscribe.size;
    for (const request of this.#inFlight.values())
      if (request.kind === "unsubscribe") count += request.streams.length;
    return count;
  }

  add(stream: string): void {
    if (this.#wanted.has(stream)) return;
    this.#wanted.add(stream);
    this.#readyAnnounced = false;
    // An unsubscribe not sent yet is simply cancelled: the server still holds the stream.
    if (this.#toUnsubscribe.delete(stream)) this.subscribed.set(stream, Date.now());
    else if (!this.subscribed.has(stream)) this.#toSubscribe.add(stream);
    this.#flush();
  }

  remove(stream: string): void {
    if (!this.#wanted.delete(stream)) return;
    this.#frames.delete(stream);
    if (!this.#toSubscribe.delete(stream)) this.#toUnsubscribe.add(stream);
    this.subscribed.delete(stream);
    this.#flush();
  }

  probe(now: number): void {
    if (this.#probeSentAt !== null || this.state !== "open") return;
    this.#probeSentAt = now;
    this.#probeQueued = true;
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
      if (!this.#wanted.has(frame.stream)) return;
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
    const request = this.#inFlight.get(frame.id);
    if (request === undefined) return;
    this.#inFlight.delete(frame.id);
    if (!frame.ok) {
      this.#onRefused(request, frame.error ?? "refused");
      return;
    }
    if (request.kind === "subscribe") {
      const acked = request.streams.filter((stream) => this.#wanted.has(stream));
      for (const stream of acked) this.subscribed.set(stream, now);
      const again = acked.filter((stream) => this.#lost.delete(stream));
      const fresh = acked.filter((stream) => !again.includes(stream));
      if (fresh.length > 0) this.#handlers.onAcked(this, fresh, false);
      if (again.length > 0) this.#handlers.onAcked(this, again, true);
    } else if (request.kind === "probe") {
      this.#probeSentAt = null;
      this.lastProbeAnsweredAt = now;
      this.#repairFrom(frame.streams ?? []);
    }
    this.#announceReady();
  }

  /**
   * A refused SUBSCRIBE names no culprit, so a batch is split in halves and resent until the refused stream is
   * alone; it is then given up (the pool tells its clients) and the rest of the connection carries on.
   * A refused UNSUBSCRIBE leaves nothing to undo; a refused probe means the server misunderstands us: replaced.
   */
  #onRefused(request: InFlight, reason: string): void {
    if (request.kind === "probe") {
      this.close(1011, `server refused probe: ${reason}`);
      return;
    }
    if (request.kind === "unsubscribe") return;
    const streams = request.streams.filter((stream) => this.#wanted.has(stream));
    if (streams.length === 1 && request.streams.length === 1) {
      const [stream = ""] = streams;
      this.#wanted.delete(stream);
      this.#handlers.onRefused(this, stream, reason);
      this.#announceReady();
      return;
    }
    const half = Math.ceil(streams.length / 2);
    for (const part of [streams.slice(0, half), streams.slice(half)])
      if (part.length > 0) this.#batches.push({ kind: "subscribe", streams: part });
    this.#flush();
  }

  #announceReady(): void {
    if (this.ready && !this.#readyAnnounced) {
      this.#readyAnnounced = true;
      this.#handlers.onReady(this);
    }
  }

  /** Streams the server no longer lists are subscribed again. */
  #repairFrom(listed: readonly string[]): void {
    const held = new Set(listed);
    for (const stream of [...this.subscribed.keys()]) {
      if (held.has(stream)) continue;
      this.subscribed.delete(stream);
      this.#lost.add(stream);
      this.#toSubscribe.add(stream);
      this.#readyAnnounced = false;
    }
    this.#flush();
  }

  /** The next control message: the probe, then unsubscribes and subscribes in turn (see the header). */
  #next(): InFlight | null {
    if (this.#probeQueued) {
      this.#probeQueued = false;
      return { kind: "probe", streams: [] };
    }
    const unsubscribe = (): InFlight => ({ kind: "unsubscribe", streams: take(this.#toUnsubscribe) });
    if (this.#toUnsubscribe.size > 0 && this.#lastSent !== "unsubscribe") return unsubscribe();
    while (this.#batches.length > 0) {
      const batch = this.#batches.shift();
      const streams = batch?.streams.filter((stream) => this.#wanted.has(stream)) ?? [];
      if (streams.length > 0) return { kind: "subscribe", streams };
    }
    if (this.#toSubscribe.size > 0) return { kind: "subscribe", streams: take(this.#toSubscribe) };
    return this.#toUnsubscribe.size > 0 ? unsubscribe() : null;
  }

  #flush(): void {
    if (this.state !== "open" || this.#ws === null || this.#flushTimer !== null) return;
    for (;;) {
      if (!this.#hasQueued()) return;
      const wait = this.#window.waitMs(Date.now());
      if (wait > 0) {
        this.#flushTimer = setTimeout(() => {
          this.#flushTimer = null;
          this.#flush();
        }, wait);
        return;
      }
      const request = this.#next();
      if (request === null) return;
      const id = String(this.#nextId++);
      this.#inFlight.set(id, request);
      this.#lastSent = request.kind;
      const message =
        request.kind === "probe"
          ? `{"method":"LIST_SUBSCRIPTIONS","id":${id}}`
          : JSON.stringify({
              method: request.kind === "subscribe" ? "SUBSCRIBE" : "UNSUBSCRIBE",
              params: request.streams,
              id: Number(id),
            });
      try {
        this.#ws.send(message);
      } catch {
        this.#closed("send failed");
        return;
      }
      this.#window.record(Date.now());
    }
  }

  #hasQueued(): boolean {
    return (
      this.#toUnsubscribe.size > 0 ||
      this.#batches.length > 0 ||
      this.#toSubscribe.size > 0 ||
      this.#probeQueued
    );
  }
}

/** Removes and returns up to one message's worth of streams from a queue. */
function take(queue: Set<string>): string[] {
  const streams = [...queue].slice(0, MAX_PARAMS_PER_MESSAGE);
  for (const stream of streams) queue.delete(stream);
  return streams;
}
