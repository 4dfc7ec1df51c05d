// Binance disconnects a stream connection that receives more than 10 messages a second, and the relay meters
// its clients the same way (answering "too many messages" and then closing). Every message the client sends,
// pings included, passes this pacer, which uses the relay's own sliding window (shared/streams/send-window.ts,
// 1.1 s per message so jitter cannot bunch too many into one server second) and waits on a timer when the
// budget is used up. Work is pulled, not pushed: the caller says whether something is due and sends it.
// Both limits are per connection, so a new socket starts with a fresh window (reset()).

import { SendWindow } from "../../shared/streams/send-window.ts";
import type { StreamRuntime } from "../runtime.ts";

export class Pacer {
  readonly #runtime: StreamRuntime;
  readonly #maxPerSecond: number;
  #window: SendWindow;
  #timer: unknown = null;

  constructor(runtime: StreamRuntime, maxPerSecond: number) {
    this.#runtime = runtime;
    this.#maxPerSecond = maxPerSecond;
    this.#window = new SendWindow(maxPerSecond);
  }

  /** While `due()`, calls `sendNext()` as the window allows; stops early when it returns false. */
  drain(due: () => boolean, sendNext: () => boolean): void {
    if (this.#timer !== null) return;
    while (due()) {
      const now = this.#runtime.now();
      const waitMs = this.#window.waitMs(now);
      if (waitMs > 0) {
        this.#timer = this.#runtime.setTimeout(() => {
          this.#timer = null;
          this.drain(due, sendNext);
        }, waitMs);
        return;
      }
      this.#window.record(now);
      if (!sendNext()) return;
    }
  }

  /** Stops waiting and forgets what was sent: the connection it counted for is gone. */
  reset(): void {
    if (this.#timer !== null) this.#runtime.clearTimeout(this.#timer);
    this.#timer = null;
    this.#window = new SendWindow(this.#maxPerSecond);
  }
}
