// What one upstream connection owes the Binance stream server in control messages, and what the server holds.
// Pure: the connection (workers/stream/upstream-connection.ts) sends what next() gives it when its send window
// allows, and hands each reply to reply(); time is passed in.
// Control messages are coalesced (a subscribe and an unsubscribe of the same stream cancel out) and batched (up
// to 200 streams per message). The pool counts unsubscribes not yet answered against a connection's 1024
// streams, so the order of the queue is free: a probe goes first (its answer time must measure the server, not
// this queue), then unsubscribes, but never two running while a subscribe waits, so one caller letting go of its
// streams one by one cannot hold up everyone's subscribes and probes (the pool would take the connection for
// dead). Acknowledgements mark streams live; a refused batch is split until the one refused stream is found and
// reported; LIST_SUBSCRIPTIONS probes check that the server still holds what the relay thinks it holds.

const MAX_PARAMS_PER_MESSAGE = 200;

type Request = { readonly kind: "subscribe" | "unsubscribe" | "probe"; readonly streams: readonly string[] };

/** What a reply from the server meant. */
export type ReplyOutcome =
  /** Not an answer to anything asked (or a refused unsubscribe: nothing to undo). */
  | { readonly kind: "none" }
  /** Streams acknowledged; `again`: ones the server had lost (a probe found them missing), so with a gap. */
  | { readonly kind: "acked"; readonly fresh: readonly string[]; readonly again: readonly string[] }
  /** The server refused this one stream: it is no longer wanted. */
  | { readonly kind: "refused"; readonly stream: string; readonly reason: string }
  /** A refused batch of several streams was split in halves, queued to be sent again. */
  | { readonly kind: "split" }
  /** The server confirmed an unsubscribe. */
  | { readonly kind: "unsubscribed" }
  /** The probe was answered; streams it found missing are queued again. */
  | { readonly kind: "probed" }
  /** The server refused a probe: it misunderstands us, and the connection is to be replaced. */
  | { readonly kind: "probe-refused"; readonly reason: string };

export class ControlQueue {
  /** Streams the server acknowledged, with the time of the acknowledgement. */
  readonly subscribed = new Map<string, number>();
  #probeSentAt: number | null = null;
  lastProbeAnsweredAt = 0;
  readonly #wanted = new Set<string>();
  /** Streams found missing by a probe and subscribed again. */
  readonly #lost = new Set<string>();
  readonly #toSubscribe = new Set<string>();
  readonly #toUnsubscribe = new Set<string>();
  /** Halves of a refused batch waiting to be resent, each kept whole so the refusal can be narrowed down. */
  readonly #batches: Request[] = [];
  #probeQueued = false;
  readonly #inFlight = new Map<string, Request>();
  #nextId = 1;
  #lastSent: Request["kind"] | null = null;
  #readyAnnounced = false;

  get wanted(): ReadonlySet<string> {
    return this.#wanted;
  }

  get probeSentAt(): number | null {
    return this.#probeSentAt;
  }

  /** True when every wanted stream is acknowledged by the server. */
  get allAcked(): boolean {
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

  get hasQueued(): boolean {
    return (
      this.#toUnsubscribe.size > 0 ||
      this.#batches.length > 0 ||
      this.#toSubscribe.size > 0 ||
      this.#probeQueued
    );
  }

  add(stream: string, now: number): void {
    if (this.#wanted.has(stream)) return;
    this.#wanted.add(stream);
    this.#readyAnnounced = false;
    // An unsubscribe not sent yet is simply cancelled: the server still holds the stream.
    if (this.#toUnsubscribe.delete(stream)) this.subscribed.set(stream, now);
    else if (!this.subscribed.has(stream)) this.#toSubscribe.add(stream);
  }

  /** False if the stream was not wanted. */
  remove(stream: string): boolean {
    if (!this.#wanted.delete(stream)) return false;
    if (!this.#toSubscribe.delete(stream)) this.#toUnsubscribe.add(stream);
    this.subscribed.delete(stream);
    return true;
  }

  /** Queues a LIST_SUBSCRIPTIONS probe unless one is out; false if one is. */
  probe(now: number): boolean {
    if (this.#probeSentAt !== null) return false;
    this.#probeSentAt = now;
    this.#probeQueued = true;
    return true;
  }

  /** The next control message to send (recorded as in flight), or null when nothing waits. */
  next(): string | null {
    const request = this.#nextRequest();
    if (request === null) return null;
    const id = String(this.#nextId++);
    this.#inFlight.set(id, request);
    this.#lastSent = request.kind;
    if (request.kind === "probe") return `{"method":"LIST_SUBSCRIPTIONS","id":${id}}`;
    const method = request.kind === "subscribe" ? "SUBSCRIBE" : "UNSUBSCRIBE";
    return JSON.stringify({ method, params: request.streams, id: Number(id) });
  }

  /** A reply frame: to which request (`id`), accepted or refused, and the streams a probe's answer lists. */
  reply(
    id: string,
    answer: {
      readonly ok: boolean;
      readonly error: string | null;
      readonly streams: readonly string[] | null;
    },
    now: number,
  ): ReplyOutcome {
    const request = this.#inFlight.get(id);
    if (request === undefined) return { kind: "none" };
    this.#inFlight.delete(id);
    if (!answer.ok) return this.#refused(request, answer.error ?? "refused");
    if (request.kind === "subscribe") {
      const acked = request.streams.filter((stream) => this.#wanted.has(stream));
      for (const stream of acked) this.subscribed.set(stream, now);
      const again = acked.filter((stream) => this.#lost.delete(stream));
      return { kind: "acked", fresh: acked.filter((stream) => !again.includes(stream)), again };
    }
    if (request.kind === "probe") {
      this.#probeSentAt = null;
      this.lastProbeAnsweredAt = now;
      this.#repairFrom(answer.streams ?? []);
      return { kind: "probed" };
    }
    return { kind: "unsubscribed" };
  }

  /** Whether the connection just became ready (`open`, every wanted stream acknowledged): true once per time. */
  takeReady(open: boolean): boolean {
    if (!open || !this.allAcked || this.#readyAnnounced) return false;
    this.#readyAnnounced = true;
    return true;
  }

  /**
   * A refused SUBSCRIBE names no culprit, so a batch is split in halves and resent until the refused stream is
   * alone; it is then given up and the rest of the connection carries on. A refused UNSUBSCRIBE leaves nothing
   * to undo; a refused probe means the server misunderstands us.
   */
  #refused(request: Request, reason: string): ReplyOutcome {
    if (request.kind === "probe") return { kind: "probe-refused", reason };
    if (request.kind === "unsubscribe") return { kind: "none" };
    const streams = request.streams.filter((stream) => this.#wanted.has(stream));
    if (streams.length === 1 && request.streams.length === 1) {
      const [stream = ""] = streams;
      this.#wanted.delete(stream);
      return { kind: "refused", stream, reason };
    }
    const half = Math.ceil(streams.length / 2);
    for (const part of [streams.slice(0, half), streams.slice(half)])
      if (part.length > 0) this.#batches.push({ kind: "subscribe", streams: part });
    return { kind: "split" };
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
  }

  /** The next request: the probe, then unsubscribes and subscribes in turn (see the header). */
  #nextRequest(): Request | null {
    if (this.#probeQueued) {
      this.#probeQueued = false;
      return { kind: "probe", streams: [] };
    }
    const unsubscribe = (): Request => ({ kind: "unsubscribe", streams: take(this.#toUnsubscribe) });
    if (this.#toUnsubscribe.size > 0 && this.#lastSent !== "unsubscribe") return unsubscribe();
    while (this.#batches.length > 0) {
      const batch = this.#batches.shift();
      const streams = batch?.streams.filter((stream) => this.#wanted.has(stream)) ?? [];
      if (streams.length > 0) return { kind: "subscribe", streams };
    }
    if (this.#toSubscribe.size > 0) return { kind: "subscribe", streams: take(this.#toSubscribe) };
    return this.#toUnsubscribe.size > 0 ? unsubscribe() : null;
  }
}

/** Removes and returns up to one message's worth of streams from a queue. */
function take(queue: Set<string>): string[] {
  const streams = [...queue].slice(0, MAX_PARAMS_PER_MESSAGE);
  for (const stream of streams) queue.delete(stream);
  return streams;
}
