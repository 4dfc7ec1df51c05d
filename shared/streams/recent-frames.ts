// First-sighting filter for upstream frames. The relay keeps more than one upstream connection per set of
// streams (a hot standby, and a replacement overlapping the connection it renews), so every event can arrive
// more than once. Binance's frames for one event are byte-identical and distinct events differ (event time,
// update id), so the frame text is the event's identity: the first copy is forwarded, later copies dropped.
// Each connection delivers in order, so the merged first copies are in order too.

interface Window {
  readonly seen: Set<string>;
  order: { readonly text: string; readonly at: number }[];
  head: number;
}

export class RecentFrames {
  readonly #ttlMs: number;
  readonly #capPerStream: number;
  readonly #byStream = new Map<string, Window>();

  /** Frames are remembered for `ttlMs` and at most `capPerStream` per stream. */
  constructor(ttlMs: number, capPerStream: number) {
    this.#ttlMs = ttlMs;
    this.#capPerStream = capPerStream;
  }

  /** True the first time this frame is seen on this stream within the window. */
  firstSighting(stream: string, text: string, now: number): boolean {
    let window = this.#byStream.get(stream);
    if (window === undefined) {
      window = { seen: new Set(), order: [], head: 0 };
      this.#byStream.set(stream, window);
    }
    this.#expire(window, now);
    if (window.seen.has(text)) return false;
    window.seen.add(text);
    window.order.push({ text, at: now });
    this.#expire(window, now);
    return true;
  }

  forget(stream: string): void {
    this.#byStream.delete(stream);
  }

  #expire(window: Window, now: number): void {
    while (window.head < window.order.length) {
      const oldest = window.order[window.head];
      if (oldest === undefined) break;
      if (oldest.at >= now - this.#ttlMs && window.seen.size <= this.#capPerStream) break;
      window.seen.delete(oldest.text);
      window.head++;
    }
    // Compact the queue now and then instead of shifting on every eviction.
    if (window.head > 1024 && window.head * 2 > window.order.length) {
      window.order = window.order.slice(window.head);
      window.head = 0;
    }
  }
}
