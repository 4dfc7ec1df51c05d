// Merges copies of one stream arriving over several upstream connections ("sources") into one ordered stream
// with each event once. Each source delivers its copy in order, but sources start at different points (a new
// connection, a renewal, a resubscription) and run at different speeds, so forwarding every first sighting is
// not enough: a source that starts ahead of a lagging one would let the lagging one's older events through
// after newer ones ([1, 3, 2]). Forwarded frames are numbered, and each source's place is the number of the
// last forwarded frame it delivered:
// - a frame already forwarded is dropped and moves its source's place up to it;
// - a new frame from a source at the head (its place is the last forwarded frame) is the next event: forwarded;
// - a new frame from a source behind the head is inside a hole of the forwarded history (events nobody
//   delivered while clients got later ones): older than what clients have, so dropped, never sent late;
// - a source with no place yet (it has delivered nothing forwarded) has its new frames held while another
//   source is placed, or owes frames: it was subscribed before frames that it has not delivered yet were
//   forwarded (a lagging connection, whose events are still on their way). It is placed when it delivers a forwarded frame (what it held before is older: dropped), or
//   when a placed source forwards a frame it holds (it is ahead: what it held after that frame is forwarded at
//   once, in its order);
// - a holding source takes over (what it holds is forwarded) when no placed source is left, or when nothing has
//   been forwarded for holdMs since it started holding: the placed sources are stuck or far behind, and will
//   rejoin on their own once they reach the head. Of several holders, the one that is furthest behind (it
//   holds the others' first frames) takes over, so the others can line up with it.
// A placed source never skips ahead by itself: a contiguous one always reaches the head. One that cannot (its
// subscription was lost and renewed, so it has a gap of its own) starts over as unplaced (resubscribed); one
// that lags for good is the watchdog's to replace (lagMs).
// Pure: time is passed in.

import { frameKey, RecentFrames } from "./recent-frames.ts";

export interface MergeOptions {
  /** How long forwarded frames are remembered (and how far behind a source may be and still catch up). */
  readonly windowMs: number;
  readonly maxRememberedPerStream: number;
  /** How long a holding source waits while nothing is forwarded before it takes over. */
  readonly holdMs: number;
  readonly maxHeldFrames: number;
}

interface Held {
  readonly key: string;
  readonly text: string;
  readonly at: number;
}

interface Source {
  /** The number of the last forwarded frame this source delivered; null until it delivers one. */
  place: number | null;
  /** The number of the last forwarded frame when the source's subscription was acknowledged, if known. */
  subscribedAt: number | null;
  held: Held[];
}

interface Merged {
  readonly sources: Map<number, Source>;
  lastForwardedAt: number;
}

export class StreamMerge {
  readonly #options: MergeOptions;
  readonly #forward: (stream: string, text: string) => void;
  readonly #recent: RecentFrames;
  readonly #streams = new Map<string, Merged>();

  constructor(options: MergeOptions, forward: (stream: string, text: string) => void) {
    this.#options = options;
    this.#forward = forward;
    this.#recent = new RecentFrames(options.windowMs, options.maxRememberedPerStream);
  }

  /** The source's subscription to the stream was acknowledged: every frame forwarded from now on, it owes. */
  subscribed(stream: string, source: number): void {
    const merged = this.#merged(stream);
    if (!merged.sources.has(source)) merged.sources.set(source, this.#source(this.#recent.last(stream)));
  }

  /** The source subscribed again (after the server lost its subscription): it starts over, maybe past a gap. */
  resubscribed(stream: string, source: number, now: number): void {
    this.leave(stream, source, now);
    this.subscribed(stream, source);
  }

  get holdMs(): number {
    return this.#options.holdMs;
  }

  /** Whether frames of the stream were forwarded within the last holdMs. */
  isFlowing(stream: string, now: number): boolean {
    const merged = this.#streams.get(stream);
    return merged !== undefined && now - merged.lastForwardedAt < this.#options.holdMs;
  }

  /** Whether the source has lined up with the forwarded stream (delivered something clients got). */
  isPlaced(stream: string, source: number): boolean {
    return (this.#streams.get(stream)?.sources.get(source)?.place ?? null) !== null;
  }

  /** One frame of `stream` from `source`, received at `now`. */
  frame(stream: string, source: number, text: string, now: number): void {
    const merged = this.#merged(stream);
    let state = merged.sources.get(source);
    if (state === undefined) {
      state = this.#source(null);
      merged.sources.set(source, state);
    }
    const sequence = this.#recent.find(stream, text);
    if (sequence !== null) {
      state.place = Math.max(state.place ?? 0, sequence);
      state.held = [];
      return;
    }
    if (state.place === null) {
      if (this.#anotherIsPlaced(stream, merged, state)) {
        state.held.push({ key: frameKey(text), text, at: now });
        if (state.held.length > this.#options.maxHeldFrames) state.held.shift();
        return;
      }
      this.#takeOver(stream, merged, state, now);
    } else if (state.place !== this.#recent.last(stream)) {
      return;
    }
    state.place = this.#emit(stream, merged, text, now);
  }

  /** The source no longer carries the stream (closed, or unsubscribed). */
  leave(stream: string, source: number, now: number): void {
    const merged = this.#streams.get(stream);
    if (merged === undefined) return;
    merged.sources.delete(source);
    if (this.#anotherIsPlaced(stream, merged, null)) return;
    const next = earliestHolder(merged);
    if (next !== null) this.#takeOver(stream, merged, next, now);
  }

  /** Hands a stream to a holding source when nothing was forwarded for holdMs while it kept receiving. */
  tick(now: number): void {
    for (const [stream, merged] of this.#streams) {
      const next = earliestHolder(merged);
      const since = next?.held[0]?.at;
      if (next === null || since === undefined) continue;
      if (now - since >= this.#options.holdMs && merged.lastForwardedAt <= since)
        this.#takeOver(stream, merged, next, now);
    }
  }

  /**
   * How far behind the source is on this stream: the age of the oldest forwarded frame it has not delivered,
   * 0 when it has all of them. A source that never delivered anything counts from `since` (its subscription).
   */
  lagMs(stream: string, source: number, since: number, now: number): number {
    const state = this.#streams.get(stream)?.sources.get(source);
    const place = state?.place ?? state?.subscribedAt ?? null;
    // Behind everything still remembered: frames it would deliver can no longer be recognised as copies.
    if (place !== null && place < this.#recent.oldest(stream) - 1) return Number.POSITIVE_INFINITY;
    if (place === null && this.#recent.forgotSince(stream, since)) return Number.POSITIVE_INFINITY;
    const missed =
      place === null
        ? this.#recent.forwardedAfterTime(stream, since)
        : this.#recent.forwardedAfterSequence(stream, place);
    return missed === null ? 0 : Math.max(0, now - missed);
  }

  /** Forgets everything about a stream nobody wants any more. */
  forget(stream: string): void {
    this.#streams.delete(stream);
    this.#recent.forget(stream);
  }

  #source(subscribedAt: number | null): Source {
    return { place: null, subscribedAt, held: [] };
  }

  #merged(stream: string): Merged {
    let merged = this.#streams.get(stream);
    if (merged === undefined) {
      merged = { sources: new Map(), lastForwardedAt: 0 };
      this.#streams.set(stream, merged);
    }
    return merged;
  }

  /** Whether another source is placed, or owes frames forwarded since it was subscribed (and holds none). */
  #anotherIsPlaced(stream: string, merged: Merged, except: Source | null): boolean {
    const last = this.#recent.last(stream);
    for (const source of merged.sources.values()) {
      if (source === except) continue;
      if (source.place !== null) return true;
      if (source.subscribedAt !== null && source.subscribedAt < last && source.held.length === 0) return true;
    }
    return false;
  }

  /**
   * Forwards a new frame and returns its number. A holding source that holds it is placed, and what it holds
   * after it is forwarded at once.
   */
  #emit(stream: string, merged: Merged, text: string, now: number): number {
    const sequence = this.#recent.record(stream, text, now);
    merged.lastForwardedAt = now;
    this.#forward(stream, text);
    let key: string | null = null;
    for (const other of merged.sources.values()) {
      if (other.place !== null || other.held.length === 0) continue;
      key ??= frameKey(text);
      const index = other.held.findIndex((held) => held.key === key && held.text === text);
      if (index === -1) continue;
      const rest = other.held.slice(index + 1);
      other.held = [];
      other.place = sequence;
      for (const held of rest) other.place = this.#emitHeld(stream, merged, held.text, now) ?? other.place;
    }
    return sequence;
  }

  #emitHeld(stream: string, merged: Merged, text: string, now: number): number | null {
    if (this.#recent.find(stream, text) !== null) return null;
    return this.#emit(stream, merged, text, now);
  }

  #takeOver(stream: string, merged: Merged, next: Source, now: number): void {
    const held = next.held;
    next.held = [];
    next.place = this.#recent.last(stream);
    for (const frame of held) next.place = this.#emitHeld(stream, merged, frame.text, now) ?? next.place;
  }
}

/**
 * The holding source furthest behind: one that holds the first frame another holds comes before it in event
 * order; otherwise the one that started holding first.
 */
function earliestHolder(merged: Merged): Source | null {
  const holders = [...merged.sources.values()].filter((s) => s.place === null && s.held.length > 0);
  let best: Source | null = null;
  for (const source of holders) {
    if (best === null) {
      best = source;
      continue;
    }
    const first = source.held[0];
    const bestFirst = best.held[0];
    if (first === undefined || bestFirst === undefined) continue;
    const bestHoldsIt = best.held.some((held) => held.key === first.key && held.text === first.text);
    const itHoldsBest = source.held.some(
      (held) => held.key === bestFirst.key && held.text === bestFirst.text,
    );
    if (itHoldsBest || (!bestHoldsIt && first.at < bestFirst.at)) best = source;
  }
  return best;
}
