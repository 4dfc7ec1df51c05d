// Batched frames, opt-in: a client that asks (`?batch=<ms>` or SET_PROPERTY "batch") gets several messages per
// WebSocket frame, joined by "\n". Binance's JSON never holds a raw newline (inside strings it is escaped), so
// the messages are joined as they are, never re-serialised, and the client's split is exact. Each client's
// messages wait at most its window; the relay flushes those due at the end of each upstream frame and on one
// timer per object armed for the earliest deadline, so no client has a timer of its own. Pure: time is passed in.

/** Windows a client may ask for, in ms; 0 (or absent) is Binance's framing, one message per frame. */
export const MIN_BATCH_MS = 1;
export const MAX_BATCH_MS = 100;

/** The separator between messages in a batched frame. */
export const BATCH_SEPARATOR = "\n";

/** The window asked for in `?batch=`: null when absent, 0 for off, or undefined when it is not 0 or 1 to 100. */
export function readBatchWindow(value: string | null): number | null | undefined {
  if (value === null) return null;
  if (!/^\d{1,3}$/.test(value)) return undefined;
  const ms = Number(value);
  return ms === 0 || (ms >= MIN_BATCH_MS && ms <= MAX_BATCH_MS) ? ms : undefined;
}

interface Pending {
  readonly parts: string[];
  /** Characters held, separators included: what the client would be sent now. */
  chars: number;
  readonly due: number;
}

/** Each batched client's messages not yet sent, keyed by client, oldest first. */
export class FrameBatches<K> {
  readonly #pending = new Map<K, Pending>();

  /**
   * Holds a message for `key`, whose window is `ms`: it is due `ms` after the first message it holds. Returns
   * when it is due if this message starts its batch, else null (so a caller keeps the earliest deadline
   * without looking at every client on every message).
   */
  add(key: K, ms: number, message: string, now: number): number | null {
    const pending = this.#pending.get(key);
    if (pending === undefined) {
      this.#pending.set(key, { parts: [message], chars: message.length, due: now + ms });
      return now + ms;
    }
    pending.parts.push(message);
    pending.chars += BATCH_SEPARATOR.length + message.length;
    return null;
  }

  /** Characters held for `key` (0 if none): they count against its backlog like bytes the socket holds. */
  held(key: K): number {
    return this.#pending.get(key)?.chars ?? 0;
  }

  /** The frame holding everything kept for `key`, which is forgotten; null if nothing is held. */
  take(key: K): string | null {
    const pending = this.#pending.get(key);
    if (pending === undefined) return null;
    this.#pending.delete(key);
    return pending.parts.join(BATCH_SEPARATOR);
  }

  /** Forgets what is held for `key` (its socket is gone). */
  drop(key: K): void {
    this.#pending.delete(key);
  }

  /** The clients whose window has run out at `now`, in the order their first message came. */
  due(now: number): K[] {
    const keys: K[] = [];
    for (const [key, pending] of this.#pending) if (pending.due <= now) keys.push(key);
    return keys;
  }

  /** When the next client is due, or null if nothing is held. */
  nextDue(): number | null {
    let next: number | null = null;
    for (const pending of this.#pending.values()) if (next === null || pending.due < next) next = pending.due;
    return next;
  }

  get size(): number {
    return this.#pending.size;
  }
}

/** The messages of a frame from the relay: one, or several in a batched frame. */
export function splitBatch(frame: string): string[] {
  return frame.split(BATCH_SEPARATOR);
}
