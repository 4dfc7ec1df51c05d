// Reconnect delays: exponential (base · 2^attempt, capped) with jitter, so that every client of a relay that
// restarts does not come back in the same instant. "full" jitter picks uniformly in [0, ceiling) and spreads
// clients most; "equal" jitter picks in [ceiling/2, ceiling) and never retries at once. The attempt count
// goes back to 0 once a connection has stayed open for resetAfterMs, so a blip after hours of service is
// retried quickly, while a connection that drops right after opening keeps backing off.

import type { StreamRuntime } from "../runtime.ts";

export type Jitter = "full" | "equal";

export interface BackoffOptions {
  /** Ceiling of the first delay (default 500 ms). */
  readonly baseMs?: number;
  /** Largest ceiling (default 30 s). */
  readonly capMs?: number;
  /** Default "full". */
  readonly jitter?: Jitter;
  /** How long a connection must stay open for the next drop to count as a first failure (default 60 s). */
  readonly resetAfterMs?: number;
}

export type Backoff = Required<BackoffOptions>;

export const DEFAULT_BACKOFF: Backoff = { baseMs: 500, capMs: 30_000, jitter: "full", resetAfterMs: 60_000 };

export function resolveBackoff(options: BackoffOptions | undefined): Backoff {
  return { ...DEFAULT_BACKOFF, ...options };
}

/**
 * Delay before reconnect attempt `attempt` (0-based) for `random` in [0, 1):
 * ceiling = min(capMs, baseMs · 2^attempt); full: random · ceiling; equal: ceiling/2 + random · ceiling/2.
 */
export function backoffDelayMs(attempt: number, backoff: Backoff, random: number): number {
  // 2^31 already exceeds any sensible cap; stopping there keeps the product finite.
  const ceiling = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.min(attempt, 31));
  const delay = backoff.jitter === "full" ? random * ceiling : ceiling / 2 + (random * ceiling) / 2;
  return Math.floor(delay);
}

/** Counts failed attempts and schedules the next one; a connection that stayed open long enough resets it. */
export class Reconnector {
  readonly #runtime: StreamRuntime;
  readonly #backoff: Backoff;
  #failures = 0;
  #openedAt: number | null = null;
  #timer: unknown = null;

  constructor(runtime: StreamRuntime, backoff: Backoff) {
    this.#runtime = runtime;
    this.#backoff = backoff;
  }

  opened(): void {
    this.#openedAt = this.#runtime.now();
  }

  /** Runs `connect` after the next delay. */
  schedule(connect: () => void): void {
    const stableMs = this.#openedAt === null ? 0 : this.#runtime.now() - this.#openedAt;
    if (stableMs >= this.#backoff.resetAfterMs) this.#failures = 0;
    this.#openedAt = null;
    const delay = backoffDelayMs(this.#failures, this.#backoff, this.#runtime.random());
    this.#failures++;
    this.#timer = this.#runtime.setTimeout(() => {
      this.#timer = null;
      connect();
    }, delay);
  }

  cancel(): void {
    if (this.#timer !== null) this.#runtime.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
