// The relays' feeds into a user stream object: one hibernatable socket per relay and relay key, tagged with the
// key, so an event reaches the relays of every live key and a key that ends closes exactly its own feeds.

import { combinedFrame } from "../../shared/streams/frames.ts";
import { KEY_ENDED, listenKeyExpiredEvent } from "../../shared/streams/user-data.ts";
import { sendQuietly } from "./socket-send.ts";

export class FeedSockets {
  readonly #ctx: DurableObjectState;

  constructor(ctx: DurableObjectState) {
    this.#ctx = ctx;
  }

  accept(ws: WebSocket, key: string): void {
    this.#ctx.acceptWebSocket(ws, [tagOf(key)]);
  }

  /** Sends a frame to the feeds of one relay key. */
  send(key: string, frame: string): void {
    for (const ws of this.#ctx.getWebSockets(tagOf(key))) sendQuietly(ws, frame);
  }

  /** Sends a frame to every feed (a notice: the gap is the same for every key). */
  broadcast(frame: string): void {
    for (const ws of this.#ctx.getWebSockets()) sendQuietly(ws, frame);
  }

  /** Tells the relays holding a relay key that it ended (Binance's listenKeyExpired), and closes their feeds. */
  end(key: string, now: number, why: string): void {
    const frame = combinedFrame(key, listenKeyExpiredEvent(key, now));
    for (const ws of this.#ctx.getWebSockets(tagOf(key))) {
      try {
        ws.send(frame);
        ws.close(KEY_ENDED, why);
      } catch {
        // Already closing.
      }
    }
  }
}

function tagOf(key: string): string {
  return `key:${key}`;
}
