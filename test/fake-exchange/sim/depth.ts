// Diff depth windows of a simulated symbol, one per speed: the levels touched and the first update id since the
// last event of that speed. An event reports each touched level with its quantity now (0: gone), U = the first
// id in the window, u = the current id and pu = the u of the previous event of the same speed, so a client
// that follows Binance's procedure from a REST snapshot (lastUpdateId = current id) rebuilds the book exactly.

import { levelQty, type OrderBook, type Side, sortedTicks } from "./book.ts";

/** Diff depth speeds (ms): @depth@100ms, @depth (250 ms), @depth@500ms. */
export const DEPTH_SPEEDS = [100, 250, 500] as const;

interface DepthWindow {
  /** The first update id in the window (null: nothing changed since the last event of this speed). */
  first: bigint | null;
  /** The last update id sent at this speed (the next event's pu). */
  lastSent: bigint;
  readonly bid: Set<number>;
  readonly ask: Set<number>;
}

export type DepthWindows = Map<number, DepthWindow>;

/** Levels as [ticks, steps], best first (or, in a diff event, in book order). */
export type Levels = [number, number][];

export interface DepthEvent {
  readonly first: bigint;
  readonly last: bigint;
  readonly previous: bigint;
  readonly bid: Levels;
  readonly ask: Levels;
}

/** Starts every speed's window at update id `current` (the first events' pu). */
export function openWindows(windows: DepthWindows, current: bigint): void {
  for (const speed of DEPTH_SPEEDS)
    windows.set(speed, { first: null, lastSent: current, bid: new Set(), ask: new Set() });
}

/** Adds one update (id `update`) that touched these levels to every window. */
export function recordTouched(
  windows: DepthWindows,
  update: bigint,
  touched: { readonly bid: readonly number[]; readonly ask: readonly number[] },
): void {
  for (const window of windows.values()) {
    window.first ??= update;
    for (const ticks of touched.bid) window.bid.add(ticks);
    for (const ticks of touched.ask) window.ask.add(ticks);
  }
}

/** The diff event of one speed now (null when nothing changed since its last event); starts a new window. */
export function takeDepthEvent(
  windows: DepthWindows,
  book: OrderBook,
  speed: number,
  current: bigint,
): DepthEvent | null {
  const window = windows.get(speed);
  if (window === undefined || window.first === null) return null;
  const level =
    (side: Side) =>
    (ticks: number): [number, number] => [ticks, levelQty(book, side, ticks)];
  const event: DepthEvent = {
    first: window.first,
    last: current,
    previous: window.lastSent,
    bid: [...window.bid].sort((a, b) => b - a).map(level("bid")),
    ask: [...window.ask].sort((a, b) => a - b).map(level("ask")),
  };
  window.first = null;
  window.lastSent = current;
  window.bid.clear();
  window.ask.clear();
  return event;
}

/** The best `limit` levels of each side. */
export function topLevels(book: OrderBook, limit: number): { bid: Levels; ask: Levels } {
  const side = (name: Side): Levels =>
    sortedTicks(book, name)
      .slice(0, limit)
      .map((ticks): [number, number] => [ticks, levelQty(book, name, ticks)]);
  return { bid: side("bid"), ask: side("ask") };
}
