// Which streams the caller wants (with their handlers) and which ones the current socket has been asked for.
// Subscriptions are state, not queued messages: whenever it may send, the client asks next() for the message
// that brings the socket closer to the wanted set (UNSUBSCRIBE first, to free room on the relay, then
// SUBSCRIBE in batches). So a reconnect resubscribes everything exactly once, a subscribe undone before it
// was sent costs nothing, and no subscription is ever dropped by the bounded request queue.
// The relay refuses a whole SUBSCRIBE when one name in it is bad. The streams of a refused batch are sent
// again one per message, so only the bad one is reported and dropped.

import type { StreamClientError } from "./errors.ts";

export interface StreamHandler {
  readonly onEvent: (data: unknown, raw: string) => void;
  readonly onError: ((error: StreamClientError) => void) | undefined;
}

export interface Change {
  readonly method: "SUBSCRIBE" | "UNSUBSCRIBE";
  readonly streams: readonly string[];
}

export class Subscriptions {
  readonly #wanted = new Map<string, Set<StreamHandler>>();
  /** Stream -> id of the SUBSCRIBE that asked the current socket for it. */
  readonly #asked = new Map<string, number>();
  /** Streams of a refused batch, to be sent one per message. */
  readonly #alone = new Set<string>();
  readonly #inflight = new Map<number, Change>();

  get streams(): string[] {
    return [...this.#wanted.keys()];
  }

  handlers(stream: string): StreamHandler[] {
    return [...(this.#wanted.get(stream) ?? [])];
  }

  add(stream: string, handler: StreamHandler): void {
    const handlers = this.#wanted.get(stream) ?? new Set();
    handlers.add(handler);
    this.#wanted.set(stream, handlers);
  }

  /** True when the last handler of the stream left. */
  remove(stream: string, handler: StreamHandler): boolean {
    const handlers = this.#wanted.get(stream);
    if (handlers === undefined || !handlers.delete(handler) || handlers.size > 0) return false;
    this.#wanted.delete(stream);
    this.#alone.delete(stream);
    return true;
  }

  /** Forgets a stream the relay refused; returns the handlers to tell. */
  drop(stream: string): StreamHandler[] {
    const handlers = this.handlers(stream);
    this.#wanted.delete(stream);
    this.#alone.delete(stream);
    return handlers;
  }

  /** The next message to send, or null when the socket holds what is wanted. */
  next(batchSize: number): Change | null {
    const dropped = [...this.#asked.keys()].filter((stream) => !this.#wanted.has(stream));
    if (dropped.length > 0) return { method: "UNSUBSCRIBE", streams: dropped.slice(0, batchSize) };
    const missing = this.streams.filter((stream) => !this.#asked.has(stream));
    const alone = missing.find((stream) => this.#alone.has(stream));
    if (alone !== undefined) return { method: "SUBSCRIBE", streams: [alone] };
    return missing.length > 0 ? { method: "SUBSCRIBE", streams: missing.slice(0, batchSize) } : null;
  }

  sent(change: Change, id: number): void {
    this.#inflight.set(id, change);
    for (const stream of change.streams) {
      if (change.method === "SUBSCRIBE") {
        this.#asked.set(stream, id);
        this.#alone.delete(stream);
      } else {
        this.#asked.delete(stream);
      }
    }
  }

  /** A success reply; the streams it confirmed (none for an UNSUBSCRIBE or an unknown id). */
  confirm(id: number): string[] {
    return this.#answered(id);
  }

  /** An error reply; the streams refused for good (a batch's streams are retried alone instead). */
  refuse(id: number): string[] {
    const batch = this.#inflight.get(id)?.streams.length ?? 0;
    const streams = this.#answered(id);
    for (const stream of streams) this.#asked.delete(stream);
    // Whether the refusal names one stream depends on what was sent, not on what is still wanted of it.
    if (batch === 1) return streams;
    for (const stream of streams) this.#alone.add(stream);
    return [];
  }

  /** The relay dropped the stream on its own: it no longer holds it (no UNSUBSCRIBE is due). */
  forgetAsked(stream: string): void {
    this.#asked.delete(stream);
  }

  /** The socket is gone: nothing is asked for any more. */
  reset(): void {
    this.#asked.clear();
    this.#inflight.clear();
  }

  /** The SUBSCRIBE's streams that this id still stands for (not since unsubscribed or asked for again). */
  #answered(id: number): string[] {
    const change = this.#inflight.get(id);
    this.#inflight.delete(id);
    if (change === undefined || change.method !== "SUBSCRIBE") return [];
    return change.streams.filter((stream) => this.#asked.get(stream) === id && this.#wanted.has(stream));
  }
}
