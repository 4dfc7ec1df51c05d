// Messages per second per caller, across all its sockets. Each socket has its own budget (Binance's 10 a second),
// but a caller may hold hundreds of sockets, and every message is an event on the one relay object that fans
// out everyone's data: measured, 200 sockets of one credential at 20 messages a second each kept the relay busy
// enough to put another caller's reader seconds behind. A sliding window approximated from two fixed one-second
// windows (the last one weighted by how much of it still overlaps), so a caller costs O(1) however fast it sends.

const WINDOW_MS = 1000;

interface Window {
  start: number;
  count: number;
  previous: number;
}

export class CallerMeter {
  readonly #windows = new Map<string, Window>();

  /** Counts a message from `caller` at `now`; returns its messages in the second up to now, this one included. */
  count(caller: string, now: number): number {
    let window = this.#windows.get(caller);
    if (window === undefined) {
      if (this.#windows.size >= 4096) this.#prune(now);
      window = { start: now, count: 0, previous: 0 };
      this.#windows.set(caller, window);
    }
    const elapsed = now - window.start;
    if (elapsed >= 2 * WINDOW_MS) Object.assign(window, { start: now, count: 0, previous: 0 });
    else if (elapsed >= WINDOW_MS)
      Object.assign(window, { start: window.start + WINDOW_MS, count: 0, previous: window.count });
    window.count++;
    const overlap = 1 - (now - window.start) / WINDOW_MS;
    return window.count + Math.floor(window.previous * overlap);
  }

  /** Forgets callers quiet for two windows (anonymous callers are addresses: there is no end to them). */
  #prune(now: number): void {
    for (const [caller, window] of this.#windows)
      if (now - window.start >= 2 * WINDOW_MS) this.#windows.delete(caller);
  }
}
