// The simulated order book: price levels in whole ticks with quantities in whole steps, and the set of levels
// touched since the changes were last taken (what a diff depth event reports, with each level's quantity now).

import type { Random } from "./random.ts";

export type Side = "bid" | "ask";

export interface OrderBook {
  readonly bids: Map<number, number>;
  readonly asks: Map<number, number>;
  readonly touched: { readonly bid: Set<number>; readonly ask: Set<number> };
}

/** How a side is kept filled: `levels` levels, neighbours at most `maxGap` ticks apart. */
export interface BookShape {
  readonly levels: number;
  readonly maxGap: number;
  /** Quantity (steps) of a newly quoted level. */
  readonly newQty: () => number;
}

export function createBook(): OrderBook {
  return { bids: new Map(), asks: new Map(), touched: { bid: new Set(), ask: new Set() } };
}

function levelsOf(book: OrderBook, side: Side): Map<number, number> {
  return side === "bid" ? book.bids : book.asks;
}

/** Quantity at a level, 0 when there is none. */
export function levelQty(book: OrderBook, side: Side, ticks: number): number {
  return levelsOf(book, side).get(ticks) ?? 0;
}

/** Sets a level's quantity; 0 or less removes it. */
export function setLevel(book: OrderBook, side: Side, ticks: number, steps: number): void {
  const levels = levelsOf(book, side);
  if (steps > 0) {
    if (levels.get(ticks) === steps) return;
    levels.set(ticks, steps);
  } else if (!levels.delete(ticks)) {
    return;
  }
  book.touched[side].add(ticks);
}

/** The side's prices, best first (bids high to low, asks low to high). */
export function sortedTicks(book: OrderBook, side: Side): number[] {
  const ticks = [...levelsOf(book, side).keys()];
  return side === "bid" ? ticks.sort((a, b) => b - a) : ticks.sort((a, b) => a - b);
}

export function bestTicks(book: OrderBook, side: Side): number | undefined {
  let best: number | undefined;
  for (const ticks of levelsOf(book, side).keys()) {
    if (best === undefined || (side === "bid" ? ticks > best : ticks < best)) best = ticks;
  }
  return best;
}

/** Removes the side's levels better than `best` (bids above it, asks below it): swept or cancelled. */
export function clearBetterThan(book: OrderBook, side: Side, best: number): void {
  for (const ticks of [...levelsOf(book, side).keys()]) {
    if (side === "bid" ? ticks > best : ticks < best) setLevel(book, side, ticks, 0);
  }
}

/**
 * Keeps a side at `shape.levels` levels from its best outward: holes wider than maxGap are quoted into, the far
 * end is extended, and levels beyond the count are withdrawn.
 */
export function fillSide(book: OrderBook, side: Side, shape: BookShape, random: Random): void {
  const outward = side === "bid" ? -1 : 1;
  const existing = sortedTicks(book, side);
  const best = existing[0];
  if (best === undefined) return;
  let previous: number = best;
  let kept = 1;
  let index = 1;
  while (kept < shape.levels) {
    const next = existing[index];
    if (next !== undefined && Math.abs(next - previous) <= shape.maxGap) {
      previous = next;
      index++;
    } else {
      const candidate = previous + outward * random.int(1, shape.maxGap);
      if (candidate < 1) break;
      if (next !== undefined && outward * (candidate - next) >= 0) {
        previous = next;
        index++;
      } else {
        setLevel(book, side, candidate, shape.newQty());
        previous = candidate;
      }
    }
    kept++;
  }
  for (const ticks of existing.slice(index)) setLevel(book, side, ticks, 0);
}

/** The levels touched since the last call, with their current quantities (0: removed); clears the record. */
export function takeTouched(book: OrderBook): { bid: number[]; ask: number[] } {
  const taken = { bid: [...book.touched.bid], ask: [...book.touched.ask] };
  book.touched.bid.clear();
  book.touched.ask.clear();
  return taken;
}
