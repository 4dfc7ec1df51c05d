// Requests other than subscriptions (LIST_SUBSCRIPTIONS, GET_PROPERTY, ...) wait here while the socket is
// down or the send pace is used up, then await their reply by id. The queue is bounded. Policy
// "drop-oldest" (the default) rejects the oldest waiting request to make room: requests made during an
// outage ask about the state the caller wants now, so the newest matter most. Policy "reject" refuses the new
// request instead and keeps the order of those already accepted. Either way the loser's promise is rejected
// with code "queue-full", never dropped silently. Requests in flight when the socket drops are rejected
// with "disconnected": the relay may or may not have acted on them, and its reply is gone.

import { StreamClientError } from "./errors.ts";
import type { Incoming } from "./incoming.ts";

export type QueuePolicy = "drop-oldest" | "reject";

interface Request {
  readonly method: string;
  readonly params: readonly unknown[] | undefined;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: StreamClientError) => void;
}

type Reply = Extract<Incoming, { kind: "result" | "error" }>;

export class RequestQueue {
  readonly #limit: number;
  readonly #policy: QueuePolicy;
  readonly #waiting: Request[] = [];
  readonly #inflight = new Map<number, Request>();

  constructor(limit: number, policy: QueuePolicy) {
    this.#limit = limit;
    this.#policy = policy;
  }

  get size(): number {
    return this.#waiting.length;
  }

  enqueue(method: string, params: readonly unknown[] | undefined): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.#waiting.length >= this.#limit) {
        const full = new StreamClientError("queue-full", `the send queue holds ${this.#limit} requests`);
        if (this.#policy === "reject" || this.#limit === 0) {
          reject(full);
          return;
        }
        this.#waiting.shift()?.reject(full);
      }
      this.#waiting.push({ method, params, resolve, reject });
    });
  }

  /** The next waiting request as a message with `id`, now awaiting its reply; null when none waits. */
  take(id: number): string | null {
    const request = this.#waiting.shift();
    if (request === undefined) return null;
    this.#inflight.set(id, request);
    const { method, params } = request;
    return JSON.stringify(params === undefined ? { method, id } : { method, params, id });
  }

  /** Settles the request the reply answers; false when it answers none of them. */
  settle(reply: Reply): boolean {
    const request = reply.id === null ? undefined : this.#inflight.get(reply.id);
    if (request === undefined || reply.id === null) return false;
    this.#inflight.delete(reply.id);
    if (reply.kind === "result") request.resolve(reply.result);
    else request.reject(new StreamClientError("refused", reply.error.msg, reply.error));
    return true;
  }

  failInflight(error: StreamClientError): void {
    for (const request of this.#inflight.values()) request.reject(error);
    this.#inflight.clear();
  }

  failAll(error: StreamClientError): void {
    this.failInflight(error);
    for (const request of this.#waiting.splice(0)) request.reject(error);
  }
}
