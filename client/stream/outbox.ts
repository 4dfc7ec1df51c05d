// What the client sends next, in order of priority: a due "ping" (liveness must not wait behind a long
// resubscription), then subscription changes (the state every handler depends on), then queued requests.
// Request ids are numbered here, per client, as the unsigned integers Binance's docs require.

import type { RequestQueue } from "./request-queue.ts";
import type { Subscriptions } from "./subscriptions.ts";

export class Outbox {
  readonly #subs: Subscriptions;
  readonly #requests: RequestQueue;
  readonly #batchSize: number;
  #pingDue = false;
  #nextId = 1;

  constructor(subs: Subscriptions, requests: RequestQueue, batchSize: number) {
    this.#subs = subs;
    this.#requests = requests;
    this.#batchSize = batchSize;
  }

  ping(): void {
    this.#pingDue = true;
  }

  /** The socket is gone: a ping due on it is moot. */
  clear(): void {
    this.#pingDue = false;
  }

  due(): boolean {
    return this.#pingDue || this.#subs.next(this.#batchSize) !== null || this.#requests.size > 0;
  }

  /** The next message, or null when nothing is due. */
  next(): string | null {
    if (this.#pingDue) {
      this.#pingDue = false;
      return "ping";
    }
    const id = this.#nextId++;
    const change = this.#subs.next(this.#batchSize);
    if (change === null) return this.#requests.take(id);
    this.#subs.sent(change, id);
    return JSON.stringify({ method: change.method, params: change.streams, id });
  }
}
