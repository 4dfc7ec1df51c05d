// The transport under the stream client: one socket at a time, opened again after every loss with back-off
// (backoff.ts), and watched by the heartbeat (heartbeat.ts) so a silent socket counts as lost. It knows
// nothing of the protocol; the client hears when the socket opens, what it receives and when it is lost.
// Events from a socket that has already been replaced are ignored, so a late close cannot undo a reconnect.

import type { ClientSocket, StreamRuntime } from "../runtime.ts";
import { type BackoffOptions, Reconnector, resolveBackoff } from "./backoff.ts";
import { Heartbeat, type HeartbeatOptions } from "./heartbeat.ts";
import type { ConnectionStatus } from "./options.ts";

export interface ConnectionOptions {
  readonly url: string;
  readonly protocols: readonly string[];
  readonly backoff: BackoffOptions | undefined;
  readonly heartbeat: HeartbeatOptions | undefined;
}

export interface ConnectionHooks {
  opened(): void;
  received(text: string): void;
  /** The socket was lost; a reconnect is scheduled. */
  lost(): void;
  /** A ping is due (sent by the client, which paces every message). */
  ping(): void;
  status(status: ConnectionStatus): void;
}

export class Connection {
  readonly #runtime: StreamRuntime;
  readonly #options: ConnectionOptions;
  readonly #hooks: ConnectionHooks;
  readonly #reconnector: Reconnector;
  readonly #heartbeat: Heartbeat;
  #socket: ClientSocket | null = null;
  #status: ConnectionStatus = "connecting";

  constructor(runtime: StreamRuntime, options: ConnectionOptions, hooks: ConnectionHooks) {
    this.#runtime = runtime;
    this.#options = options;
    this.#hooks = hooks;
    this.#reconnector = new Reconnector(runtime, resolveBackoff(options.backoff));
    this.#heartbeat = new Heartbeat(runtime, options.heartbeat, {
      ping: () => hooks.ping(),
      dead: () => this.#lose(this.#socket, 4000, "heartbeat timeout"),
    });
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  /** Opens the first socket. */
  start(): void {
    const socket = this.#runtime.createSocket(this.#options.url, this.#options.protocols);
    this.#socket = socket;
    this.#heartbeat.watch();
    socket.listen({
      open: () => {
        if (socket !== this.#socket) return;
        this.#reconnector.opened();
        this.#heartbeat.open();
        this.#setStatus("open");
        this.#hooks.opened();
      },
      message: (text) => {
        if (socket !== this.#socket) return;
        this.#heartbeat.heard();
        this.#hooks.received(text);
      },
      close: () => this.#lose(socket),
      error: () => this.#lose(socket, 1000, "socket error"),
    });
  }

  /** False when there is no open socket or sending failed (the socket is then treated as lost). */
  send(text: string): boolean {
    const socket = this.#socket;
    if (socket === null || this.#status !== "open") return false;
    try {
      socket.send(text);
      return true;
    } catch {
      this.#lose(socket, 1000, "send failed");
      return false;
    }
  }

  close(): void {
    if (this.#status === "closed") return;
    const socket = this.#socket;
    this.#socket = null;
    this.#heartbeat.stop();
    this.#reconnector.cancel();
    socket?.close(1000, "client closed");
    this.#setStatus("closed");
  }

  #lose(socket: ClientSocket | null, code?: number, reason?: string): void {
    if (socket === null || socket !== this.#socket) return;
    this.#socket = null;
    this.#heartbeat.stop();
    // A close event means it is closed already; otherwise (error, silence) it is closed here, not awaited.
    if (code !== undefined) socket.close(code, reason);
    this.#reconnector.schedule(() => this.start());
    this.#setStatus("reconnecting");
    this.#hooks.lost();
  }

  #setStatus(status: ConnectionStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    this.#hooks.status(status);
  }
}
