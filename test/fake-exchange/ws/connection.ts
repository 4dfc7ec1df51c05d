// One market-stream connection: control frames, the incoming-message limit, server pings and pong checks,
// the lifetime cut-off, and event delivery in raw or combined framing.

import type { RawData, WebSocket } from "ws";
import type { Market } from "../types.ts";
import { Heartbeat } from "./heartbeat.ts";
import { type ControlAction, errorReply, frameText, interpretControl, resultReply } from "./protocol.ts";
import { routeDelivers } from "./routes.ts";
import type { StreamConnectionInfo, StreamOptions, StreamRoute } from "./types.ts";

/** How long a close handshake may take before the socket is destroyed. */
const CLOSE_GRACE_MS = 1_000;

export interface ConnectionSetup {
  id: number;
  market: Market;
  route: StreamRoute;
  path: string;
  combined: boolean;
  streams: readonly string[];
  options: () => Readonly<StreamOptions>;
}

export class StreamConnection {
  readonly id: number;
  readonly route: StreamRoute;
  private readonly info: StreamConnectionInfo;
  private readonly socket: WebSocket;
  private readonly options: () => Readonly<StreamOptions>;
  private readonly subscriptions: Set<string>;
  private readonly recent: number[] = [];
  private readonly heartbeat: Heartbeat;
  private lifetimeTimer: NodeJS.Timeout | null = null;
  private graceTimer: NodeJS.Timeout | null = null;
  private closing = false;
  private delayMs = 0;

  constructor(socket: WebSocket, setup: ConnectionSetup) {
    this.socket = socket;
    this.options = setup.options;
    this.subscriptions = new Set(setup.streams);
    const { id, market, route, path, combined } = setup;
    this.id = id;
    this.route = route;
    const opened = { openedAt: Date.now(), closedAt: null, closeCode: null };
    const records = { incoming: [], pongs: [], violations: [] };
    this.info = {
      id,
      market,
      route,
      path,
      ...opened,
      subscriptions: [],
      combined,
      stalled: false,
      ...records,
    };
    socket.on("message", (data, isBinary) => this.onMessage(data, isBinary));
    socket.on("error", () => undefined);
    socket.on("close", (code) => this.onClose(code));
    this.heartbeat = new Heartbeat(socket, this.info.pongs, (payload, timeoutMs) => {
      this.info.violations.push(`no pong for ping "${payload}" within ${timeoutMs} ms`);
      this.closeWith(1008, "Pong timeout");
    });
    this.schedule();
  }

  /** While stalled the connection gets no events; pings and control replies go on. */
  setStalled(on: boolean): void {
    this.info.stalled = on;
  }

  /** Events reach this connection `ms` late (a slow path), still in order. */
  setDelay(ms: number): void {
    this.delayMs = ms;
  }

  get isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN && !this.closing;
  }

  isSubscribed(stream: string): boolean {
    return this.subscriptions.has(stream);
  }

  get market(): Market {
    return this.info.market;
  }

  /** The streams this connection holds now (live view; copy before changing subscriptions). */
  get streams(): ReadonlySet<string> {
    return this.subscriptions;
  }

  snapshot(): StreamConnectionInfo {
    const { info } = this;
    return {
      ...info,
      subscriptions: [...this.subscriptions],
      incoming: info.incoming.map((frame) => ({ ...frame })),
      pongs: info.pongs.map((pong) => ({ ...pong })),
      violations: [...info.violations],
    };
  }

  /** (Re)starts the ping and lifetime timers from the current options. */
  schedule(): void {
    if (this.info.closedAt !== null) return;
    const options = this.options();
    this.heartbeat.start(options.pingIntervalMs, () => this.options().pongTimeoutMs);
    if (this.lifetimeTimer !== null) clearTimeout(this.lifetimeTimer);
    const left = Math.max(0, this.info.openedAt + options.maxConnectionMs - Date.now());
    this.lifetimeTimer = setTimeout(() => this.closeWith(1000, "Connection lifetime exceeded"), left);
  }

  /** Sends one event if this connection is open, not stalled, subscribed and on a route serving `stream`. */
  deliver(stream: string, payload: string): boolean {
    if (!this.isOpen || this.info.stalled) return false;
    if (!this.subscriptions.has(stream) || !routeDelivers(this.info.route, stream)) return false;
    const frame = this.info.combined ? `{"stream":${JSON.stringify(stream)},"data":${payload}}` : payload;
    if (this.delayMs === 0) this.socket.send(frame);
    else setTimeout(() => this.isOpen && this.socket.send(frame), this.delayMs);
    return true;
  }

  /** A clean close frame; the socket is destroyed if the peer does not complete the handshake in time. */
  closeWith(code: number, reason: string): void {
    if (this.closing || this.info.closedAt !== null) return;
    this.closing = true;
    this.info.closeCode = code;
    this.socket.close(code, reason);
    this.graceTimer = setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS);
  }

  /** Ends the TCP connection without a close frame. */
  terminate(): void {
    if (this.info.closedAt === null) {
      this.info.closedAt = Date.now();
      this.info.closeCode = 1006;
    }
    this.closing = true;
    this.socket.terminate();
    this.stopTimers();
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    const now = Date.now();
    const text = frameText(data);
    this.info.incoming.push({ at: now, text: isBinary ? `(binary) ${text}` : text });
    if (this.closing) return;
    while (this.recent.length > 0 && (this.recent[0] ?? 0) <= now - 1_000) this.recent.shift();
    this.recent.push(now);
    const limit = this.options().maxIncomingPerSecond;
    if (this.recent.length > limit) {
      this.info.violations.push(
        `too many requests: ${this.recent.length} messages within 1 s (limit ${limit})`,
      );
      this.closeWith(1008, "Too many requests");
      return;
    }
    this.answer(interpretControl(text));
  }

  private answer(action: ControlAction): void {
    switch (action.kind) {
      case "subscribe": {
        const union = new Set([...this.subscriptions, ...action.streams]);
        const limit = this.options().maxStreamsPerConnection;
        const refused = action.streams.find((stream) => this.options().refusedStreams.includes(stream));
        if (refused !== undefined) {
          this.fail(2, "Invalid request: invalid stream", action.id, refused);
          return;
        }
        if (union.size > limit) {
          this.fail(2, "Invalid request: too many streams", action.id, `${union.size} streams > ${limit}`);
          return;
        }
        for (const stream of action.streams) this.subscriptions.add(stream);
        this.socket.send(resultReply(null, action.id));
        return;
      }
      case "unsubscribe":
        for (const stream of action.streams) this.subscriptions.delete(stream);
        this.socket.send(resultReply(null, action.id));
        return;
      case "list":
        this.socket.send(resultReply([...this.subscriptions], action.id));
        return;
      case "set-combined":
        this.info.combined = action.value;
        this.socket.send(resultReply(null, action.id));
        return;
      case "get-combined":
        this.socket.send(resultReply(this.info.combined, action.id));
        return;
      case "error":
        this.fail(action.code, action.msg, action.id, "");
        return;
    }
  }

  private fail(code: number, msg: string, id: string | null, detail: string): void {
    this.info.violations.push(`error ${code}: ${msg}${detail === "" ? "" : ` (${detail})`}`);
    this.socket.send(errorReply(code, msg, id));
  }

  private onClose(code: number): void {
    this.info.closedAt ??= Date.now();
    this.info.closeCode ??= code;
    this.closing = true;
    this.stopTimers();
  }

  private stopTimers(): void {
    this.heartbeat.stop();
    if (this.lifetimeTimer !== null) clearTimeout(this.lifetimeTimer);
    if (this.graceTimer !== null) clearTimeout(this.graceTimer);
    this.lifetimeTimer = null;
    this.graceTimer = null;
  }
}
