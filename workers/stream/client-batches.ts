// Batched frames on the relay's sockets (shared/streams/frame-batches.ts holds the pure part): a client that
// asked for a window gets its messages held and sent together, one frame joined by "\n". Held messages are
// flushed when the client's window runs out, checked at the end of every upstream frame the relay forwards and
// by one timer per object armed for the earliest deadline (no timer per client). The timer only runs while
// something is held, which is only while frames flow from an upstream that keeps the object awake anyway.

import { FrameBatches } from "../../shared/streams/frame-batches.ts";
import { sendQuietly } from "./socket-send.ts";

export class ClientBatches {
  readonly #batches = new FrameBatches<WebSocket>();
  readonly #now: () => number;
  /** The earliest deadline held, and the timer armed for it. */
  #next: number | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Sends a message in Binance's framing (`ms` 0), or holds it for the client's window of `ms`. */
  send(ws: WebSocket, ms: number, message: string): void {
    if (ms <= 0) {
      sendQuietly(ws, message);
      return;
    }
    const due = this.#batches.add(ws, ms, message, this.#now());
    if (due !== null && (this.#next === null || due < this.#next)) this.#arm(due);
  }

  /** Sends at once what is held for the socket (a reply goes out with what came before it, not after). */
  flush(ws: WebSocket): void {
    const frame = this.#batches.take(ws);
    if (frame !== null) sendQuietly(ws, frame);
  }

  /** Sends what is held for every client whose window has run out. */
  flushDue(): void {
    this.#flushAt(this.#now());
  }

  #flushAt(now: number): void {
    if (this.#next === null || now < this.#next) return;
    for (const ws of this.#batches.due(now)) this.flush(ws);
    this.#arm(this.#batches.nextDue());
  }

  /** Characters held for the socket: they count against its backlog like bytes the socket holds. */
  held(ws: WebSocket): number {
    return this.#batches.held(ws);
  }

  /** The socket is gone: what is held for it is dropped. */
  drop(ws: WebSocket): void {
    this.#batches.drop(ws);
  }

  #arm(at: number | null): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#next = at;
    if (at === null) return;
    // A timer may fire on a clock that reads a little early: it flushes what it was armed for regardless.
    this.#timer = setTimeout(
      () => {
        this.#timer = null;
        this.#flushAt(Math.max(this.#now(), at));
      },
      Math.max(0, at - this.#now()),
    );
  }
}
