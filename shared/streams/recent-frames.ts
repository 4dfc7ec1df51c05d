// The frames the relay forwarded, per stream, for a time window, numbered in the order they were forwarded.
// Binance's frames for one event are byte-identical on every connection and distinct events differ (event
// time, update id), so a frame's bytes are its identity. Only a 53-bit hash and the length are kept, never the
// frame (a `!ticker@arr` frame is ~150 KB), and the window is bounded both in time and in entries. A collision
// would need two different frames of one stream with the same length and hash inside the window: about 1 in
// 10^9 per window for a stream at 100 frames per second.

interface Window {
  /** Frame key -> its sequence number, for the frames still remembered. */
  readonly seen: Map<string, number>;
  /** Keys and first-seen times by sequence: entry i is sequence `base + i`; entries before `start` expired. */
  keys: string[];
  times: number[];
  base: number;
  start: number;
  /** When the most recently forgotten frame was forwarded (0: none forgotten). */
  forgottenUpTo: number;
}

export class RecentFrames {
  readonly #ttlMs: number;
  readonly #capPerStream: number;
  readonly #byStream = new Map<string, Window>();

  constructor(ttlMs: number, capPerStream: number) {
    this.#ttlMs = ttlMs;
    this.#capPerStream = capPerStream;
  }

  /** Records a forwarded frame; returns its sequence number (1 for a stream's first frame). */
  record(stream: string, text: string, now: number): number {
    let window = this.#byStream.get(stream);
    if (window === undefined) {
      window = { seen: new Map(), keys: [], times: [], base: 1, start: 0, forgottenUpTo: 0 };
      this.#byStream.set(stream, window);
    }
    const key = frameKey(text);
    const sequence = window.base + window.keys.length;
    window.seen.set(key, sequence);
    window.keys.push(key);
    window.times.push(now);
    this.#expire(window, now);
    return sequence;
  }

  /** The sequence number of a frame still remembered, or null. */
  find(stream: string, text: string): number | null {
    return this.#byStream.get(stream)?.seen.get(frameKey(text)) ?? null;
  }

  /** The sequence number of the latest frame forwarded on the stream (0 before the first). */
  last(stream: string): number {
    const window = this.#byStream.get(stream);
    return window === undefined ? 0 : window.base + window.keys.length - 1;
  }

  /** The sequence number of the oldest frame still remembered (1 before any). */
  oldest(stream: string): number {
    const window = this.#byStream.get(stream);
    return window === undefined ? 1 : window.base + window.start;
  }

  /** When the earliest remembered frame numbered above `sequence` was forwarded, or null if there is none. */
  forwardedAfterSequence(stream: string, sequence: number): number | null {
    const window = this.#byStream.get(stream);
    if (window === undefined) return null;
    const index = Math.max(sequence + 1 - window.base, window.start);
    return window.times[index] ?? null;
  }

  /** Whether a frame forwarded after `time` has already been forgotten. */
  forgotSince(stream: string, time: number): boolean {
    return (this.#byStream.get(stream)?.forgottenUpTo ?? 0) > time;
  }

  /** When the earliest remembered frame forwarded strictly after `time` was forwarded, or null. */
  forwardedAfterTime(stream: string, time: number): number | null {
    const window = this.#byStream.get(stream);
    if (window === undefined) return null;
    let low = window.start;
    let high = window.times.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((window.times[middle] ?? 0) <= time) low = middle + 1;
      else high = middle;
    }
    return window.times[low] ?? null;
  }

  forget(stream: string): void {
    this.#byStream.delete(stream);
  }

  #expire(window: Window, now: number): void {
    while (window.start < window.keys.length - 1) {
      const live = window.keys.length - window.start;
      if ((window.times[window.start] ?? 0) >= now - this.#ttlMs && live <= this.#capPerStream) break;
      const key = window.keys[window.start] ?? "";
      if (window.seen.get(key) === window.base + window.start) window.seen.delete(key);
      window.forgottenUpTo = window.times[window.start] ?? 0;
      window.start++;
    }
    if (window.start > 64 && window.start * 2 > window.keys.length) {
      window.keys = window.keys.slice(window.start);
      window.times = window.times.slice(window.start);
      window.base += window.start;
      window.start = 0;
    }
  }
}

/** A 53-bit hash of the frame (cyrb53) and its length. */
export function frameKey(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const hash = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return `${hash.toString(36)}:${text.length}`;
}
