// One WebSocket to a Binance stream server (always combined mode, so every data frame names its stream).
// It owns what Binance holds against a connection: control messages are coalesced (a subscribe and an
// unsubscribe of the same stream cancel out), batched (up to 200 streams per message) and paced under
// Binance's 10-messages-per-second limit; acknowledgements mark streams live; LIST_SUBSCRIPTIONS probes check
// that the server still holds what the relay thinks it holds. Liveness is judged by the pool from the
// timestamps kept here: Workers cannot send ping frames (workerd answers Binance's pings by itself).

import { readUpstreamFrame } from "../../shared/streams/frames.ts";
import { SendWindow } from "../../shared/streams/send-window.ts";

export interface ConnectionHandlers {
  /** `receivedAt` is the same instant recorded in lastDataAt, so the pool can compare them exactly. */
  onData(connection: UpstreamConnection, stream: string, text: string, receivedAt: number): void;
  onReady(connection: UpstreamConnection): void;
  onClosed(connection: UpstreamConnection, why: string): void;
}

const MAX_PARAMS_PER_MESSAGE = 200;

type InFlight = { readonly kind: "subscribe" | "unsubscribe" | "probe"; readonly streams: readonly string[] };

export class UpstreamConnection {
  readonly id: number;
  readonly url: string;
  readonly openedAt: number;
  state: "connecting" | "open" | "closed" = "connecting";
  /** Streams the server acknowledged, with the time of the acknowledgement. */
  readonly subscribed = new Map<string, number>();
  readonly lastDataAt = new Map<string, number>();
  lastAnyDataAt = 0;
  probeSentAt: number | null = null;
  lastProbeAnsweredAt = 0;
  #ws: WebSocket | null = null;
  readonly #wanted = new Set<string>();
  readonly #toSubscribe = new Set<string>();
  readonly #toUnsubscribe = new Set<string>();
  #probeQueued = false;
  readonly #inFlight = new Map<string, InFlight>();
  #nextId = 1;
  readonly #window: SendWindow;
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  #readyAnnounced = false;
  readonly #handlers: ConnectionHandlers;

  constructor(id: number, url: string, messagesPerSecond: number, handlers: ConnectionHandlers) {
    this.id = id;
    this.url = url;
    this.openedAt = Date.now();
    this.#window = new SendWindow(messagesPerSecond);
    this.#handlers = handlers;
  }

  /** Opens the socket; failures (including a refused handshake, e.g. 451) end in onClosed. */
  async open(): Promise<void> {
    try {
      const response = await fetch(this.url.replace(/^ws/, "http"), { headers: { Upgrade: "websocket" } });
      const ws = response.webSocket;
      if (ws === null) {
        await response.body?.cancel();
        return this.#closed(`handshake answered ${response.status}`);
      }
      ws.accept();
      this.#ws = ws;
      if (this.state === "closed") return this.close(1000, "closed while opening");
      this.state = "open";
      ws.addEventListener("message", (event) => this.#onMessage(event.data));
      ws.addEventListener("close", (event) => this.#closed(`closed by server (${event.code})`));
      ws.addEventListener("error", () => this.#closed("socket error"));
      this.#flush();
    } catch {
      this.#closed("connect failed");
    }
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
    this.lastDataAt.delete(stream);
    if (!this.#toSubscribe.delete(stream)) this.#toUnsubscribe.add(stream);
    this.subscribed.delete(stream);
    this.#flush();
  }

  probe(now: number): void {
    if (this.probeSentAt !== null || this.state !== "open") return;
    this.probeSentAt = now;
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
    if (typeof data !== "string") return;
    const now = Date.now();
    const frame = readUpstreamFrame(data);
    if (frame.kind === "data") {
      this.lastAnyDataAt = now;
      this.lastDataAt.set(frame.stream, now);
      this.#handlers.onData(this, frame.stream, data, now);
      return;
    }
    if (frame.kind !== "reply" || frame.id === null) return;
    const request = this.#inFlight.get(frame.id);
    if (request === undefined) return;
    this.#inFlight.delete(frame.id);
    if (!frame.ok) {
      this.close(1011, `server refused ${request.kind}`);
      return;
    }
    if (request.kind === "subscribe") {
      for (const stream of request.streams) if (this.#wanted.has(stream)) this.subscribed.set(stream, now);
    } else if (request.kind === "probe") {
      this.probeSentAt = null;
      this.lastProbeAnsweredAt = now;
      this.#repairFrom(frame.streams ?? []);
    }
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
      this.#toSubscribe.add(stream);
      this.#readyAnnounced = false;
    }
    this.#flush();
  }

  #flush(): void {
    if (this.state !== "open" || this.#ws === null || this.#flushTimer !== null) return;
    while (this.#toSubscribe.size > 0 || this.#toUnsubscribe.size > 0 || this.#probeQueued) {
      const wait = this.#window.waitMs(Date.now());
      if (wait > 0) {
        this.#flushTimer = setTimeout(() => {
          this.#flushTimer = null;
          this.#flush();
        }, wait);
        return;
      }
      const [kind, method, pool] =
        this.#toSubscribe.size > 0
          ? (["subscribe", "SUBSCRIBE", this.#toSubscribe] as const)
          : this.#toUnsubscribe.size > 0
            ? (["unsubscribe", "UNSUBSCRIBE", this.#toUnsubscribe] as const)
            : (["probe", "LIST_SUBSCRIPTIONS", null] as const);
      const streams = pool === null ? [] : [...pool].slice(0, MAX_PARAMS_PER_MESSAGE);
      for (const stream of streams) pool?.delete(stream);
      if (kind === "probe") this.#probeQueued = false;
      const id = String(this.#nextId++);
      this.#inFlight.set(id, { kind, streams });
      const message =
        kind === "probe"
          ? `{"method":"${method}","id":${id}}`
          : JSON.stringify({ method, params: streams, id: Number(id) });
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
