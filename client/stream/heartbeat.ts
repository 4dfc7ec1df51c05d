// Client-side liveness. A socket can stay "open" while nothing arrives (a dead NAT mapping, a half-closed TCP
// connection), and browsers cannot send ping frames, so the client sends the text "ping", which the relay
// answers with "pong" (without waking its Durable Object). Any frame counts as a sign of life; silence longer
// than timeoutMs means the socket is dead. The same deadline bounds a connection attempt that never opens.
// Checking a timestamp on a timer costs nothing per message, unlike re-arming a timer on every frame.

import type { StreamRuntime } from "../runtime.ts";

export interface HeartbeatOptions {
  /** How often "ping" is sent while open (default 20 s). */
  readonly intervalMs?: number;
  /** Silence after which the socket is treated as dead (default 30 s); must exceed intervalMs. */
  readonly timeoutMs?: number;
}

export interface HeartbeatHooks {
  ping(): void;
  dead(): void;
}

export class Heartbeat {
  readonly #runtime: StreamRuntime;
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #hooks: HeartbeatHooks;
  #heardAt = 0;
  #pingTimer: unknown = null;
  #deadlineTimer: unknown = null;

  constructor(runtime: StreamRuntime, options: HeartbeatOptions | undefined, hooks: HeartbeatHooks) {
    this.#runtime = runtime;
    this.#intervalMs = options?.intervalMs ?? 20_000;
    this.#timeoutMs = options?.timeoutMs ?? 30_000;
    // On a quiet stream the pong is the only frame, so a shorter timeout would kill healthy sockets.
    if (!(this.#timeoutMs > this.#intervalMs && this.#intervalMs > 0)) {
      throw new RangeError("heartbeat: need 0 < intervalMs < timeoutMs");
    }
    this.#hooks = hooks;
  }

  /** A socket is being opened: starts the silence deadline. */
  watch(): void {
    this.stop();
    this.heard();
    this.#armDeadline(this.#timeoutMs);
  }

  /** The socket opened: starts pinging. */
  open(): void {
    this.heard();
    this.#armPing();
  }

  heard(): void {
    this.#heardAt = this.#runtime.now();
  }

  stop(): void {
    if (this.#pingTimer !== null) this.#runtime.clearTimeout(this.#pingTimer);
    if (this.#deadlineTimer !== null) this.#runtime.clearTimeout(this.#deadlineTimer);
    this.#pingTimer = null;
    this.#deadlineTimer = null;
  }

  #armPing(): void {
    this.#pingTimer = this.#runtime.setTimeout(() => {
      this.#armPing();
      this.#hooks.ping();
    }, this.#intervalMs);
  }

  #armDeadline(ms: number): void {
    this.#deadlineTimer = this.#runtime.setTimeout(() => {
      const silentMs = this.#runtime.now() - this.#heardAt;
      if (silentMs < this.#timeoutMs) {
        this.#armDeadline(this.#timeoutMs - silentMs);
        return;
      }
      this.stop();
      this.#hooks.dead();
    }, ms);
  }
}
