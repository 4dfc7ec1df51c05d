// One side of a local order book: price levels keyed by their canonical decimal (so "10.0" and "10.00" are
// one level), holding Binance's strings untouched. Sorting is done on read, and only after a change: depth
// events touch a few levels each while readers ask for the top N, so a cached sorted copy is cheaper than
// keeping a sorted structure up to date on every write.

import type { PriceLevel } from "../stream/events.ts";
import { canonicalDecimal, compareDecimals, isZeroDecimal } from "./decimal.ts";

export class BookSide {
  readonly #best: "highest" | "lowest";
  readonly #levels = new Map<string, PriceLevel>();
  #sorted: PriceLevel[] | null = null;

  constructor(best: "highest" | "lowest") {
    this.#best = best;
  }

  get size(): number {
    return this.#levels.size;
  }

  /** Binance sends absolute quantities; zero removes the level (which may not exist: that is normal). */
  set(price: string, quantity: string): void {
    const key = canonicalDecimal(price);
    if (isZeroDecimal(quantity)) this.#levels.delete(key);
    else this.#levels.set(key, [price, quantity]);
    this.#sorted = null;
  }

  clear(): void {
    this.#levels.clear();
    this.#sorted = null;
  }

  /** The best `n` levels, best first (all of them when n is omitted). */
  top(n?: number): PriceLevel[] {
    if (this.#sorted === null) {
      const sign = this.#best === "highest" ? -1 : 1;
      this.#sorted = [...this.#levels.values()].sort(([a], [b]) => sign * compareDecimals(a, b));
    }
    return this.#sorted.slice(0, n);
  }
}
