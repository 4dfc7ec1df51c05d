// A local order book kept the way Binance documents for futures ("How to manage a local order book
// correctly", USDⓈ-M and COIN-M): buffer `<symbol>@depth@100ms` events, take a REST snapshot, drop events with
// u < lastUpdateId, apply first the event with U <= lastUpdateId <= u, then require each event's pu to equal
// the previous event's u, and start over from a new snapshot when it does not. Quantities are absolute and
// 0 removes a level. The snapshot is fetched when the first buffered event arrives, so it cannot predate
// the stream; a snapshot older than the stream (first event's U > lastUpdateId) is fetched again, no sooner
// than retryDelayMs, as is one that failed. Snapshots that resolve after a newer resync are ignored.

import { Listeners } from "../listeners.ts";
import { defaultRuntime, type StreamRuntime } from "../runtime.ts";
import type { DepthUpdateEvent, PriceLevel } from "../stream/events.ts";
import { BookSide } from "./side.ts";

/**
 * GET /fapi/v1/depth (or /dapi/v1/depth) as Binance answers it; limit=1000 is what the procedure asks for.
 * Update ids are compared as numbers (futures ids are far below 2^53): a parser must not turn them into bigints.
 */
export interface DepthSnapshot {
  readonly lastUpdateId: number;
  readonly bids: readonly PriceLevel[];
  readonly asks: readonly PriceLevel[];
}

export type DepthDiff = Pick<DepthUpdateEvent, "U" | "u" | "pu" | "b" | "a">;

export type OrderBookStatus = "syncing" | "live";

/** sequence: an event's pu did not match; stale-snapshot: the snapshot predates the stream; gap: gap(). */
export type ResyncReason = "sequence" | "stale-snapshot" | "gap";

export interface OrderBookOptions {
  readonly getSnapshot: () => Promise<DepthSnapshot>;
  readonly runtime?: Pick<StreamRuntime, "now" | "setTimeout">;
  /** Least time between a failed or stale snapshot and the next fetch (default 1000 ms). */
  readonly retryDelayMs?: number;
  /** Most events buffered while syncing (default 1000; the oldest go first). */
  readonly maxBuffered?: number;
  /** A snapshot fetch failed (it is retried on a later event). */
  readonly onError?: (error: unknown) => void;
}

type Phase = "buffering" | "bridging" | "live";

export class OrderBook {
  readonly #options: OrderBookOptions;
  readonly #runtime: Pick<StreamRuntime, "now" | "setTimeout">;
  readonly #bids = new BookSide("highest");
  readonly #asks = new BookSide("lowest");
  readonly #resyncListeners: Listeners<ResyncReason>;
  #phase: Phase = "buffering";
  #buffer: DepthDiff[] = [];
  /** The snapshot's id while bridging, the last applied event's u while live. */
  #lastUpdateId: number | null = null;
  /** Bumped by every resync, so that a snapshot fetched for an earlier attempt is ignored. */
  #epoch = 0;
  #fetching: number | null = null;
  #retryAt = 0;

  constructor(options: OrderBookOptions) {
    this.#options = options;
    const runtime = options.runtime ?? defaultRuntime();
    this.#runtime = runtime;
    this.#resyncListeners = new Listeners((error) =>
      runtime.setTimeout(() => {
        throw error;
      }, 0),
    );
  }

  get status(): OrderBookStatus {
    return this.#phase === "live" ? "live" : "syncing";
  }

  /** The last update id the book reflects, or null before a snapshot. */
  get lastUpdateId(): number | null {
    return this.#lastUpdateId;
  }

  /** The best `n` bids, highest first; meaningful while status is "live". */
  bids(n?: number): PriceLevel[] {
    return this.#bids.top(n);
  }

  /** The best `n` asks, lowest first; meaningful while status is "live". */
  asks(n?: number): PriceLevel[] {
    return this.#asks.top(n);
  }

  onResync(listener: (reason: ResyncReason) => void): () => void {
    return this.#resyncListeners.add(listener);
  }

  apply(event: DepthDiff): void {
    if (this.#phase === "live") {
      if (event.pu === this.#lastUpdateId) this.#update(event);
      else this.#resync("sequence", [event]);
    } else if (this.#phase === "bridging") {
      this.#bridge(event, this.#lastUpdateId ?? 0);
    } else {
      this.#buffer.push(event);
      if (this.#buffer.length > (this.#options.maxBuffered ?? 1000)) this.#buffer.shift();
      this.#fetch();
    }
  }

  /** Events were (or may have been) missed, e.g. the stream client reported a gap: start over. */
  gap(): void {
    this.#resync("gap", []);
  }

  #bridge(event: DepthDiff, snapshotId: number): void {
    if (event.u < snapshotId) return;
    if (event.U > snapshotId) {
      this.#retryAt = this.#runtime.now() + (this.#options.retryDelayMs ?? 1000);
      this.#resync("stale-snapshot", [event]);
      return;
    }
    this.#update(event);
    this.#phase = "live";
  }

  #update(event: DepthDiff): void {
    for (const [price, quantity] of event.b) this.#bids.set(price, quantity);
    for (const [price, quantity] of event.a) this.#asks.set(price, quantity);
    this.#lastUpdateId = event.u;
  }

  #resync(reason: ResyncReason, buffer: DepthDiff[]): void {
    this.#epoch++;
    this.#phase = "buffering";
    this.#buffer = buffer;
    this.#lastUpdateId = null;
    this.#bids.clear();
    this.#asks.clear();
    this.#resyncListeners.emit(reason);
    if (this.#buffer.length > 0) this.#fetch();
  }

  #fetch(): void {
    if (this.#fetching === this.#epoch || this.#runtime.now() < this.#retryAt) return;
    const epoch = this.#epoch;
    this.#fetching = epoch;
    let snapshot: Promise<DepthSnapshot>;
    try {
      snapshot = this.#options.getSnapshot();
    } catch (error) {
      snapshot = Promise.reject(error);
    }
    void snapshot.then(
      (loaded) => this.#loaded(epoch, loaded),
      (error: unknown) => this.#failed(epoch, error),
    );
  }

  #loaded(epoch: number, snapshot: DepthSnapshot): void {
    if (this.#fetching === epoch) this.#fetching = null;
    if (epoch !== this.#epoch) return;
    for (const [price, quantity] of snapshot.bids) this.#bids.set(price, quantity);
    for (const [price, quantity] of snapshot.asks) this.#asks.set(price, quantity);
    this.#lastUpdateId = snapshot.lastUpdateId;
    this.#phase = "bridging";
    const buffered = this.#buffer;
    this.#buffer = [];
    for (const event of buffered) this.apply(event);
  }

  #failed(epoch: number, error: unknown): void {
    if (this.#fetching === epoch) this.#fetching = null;
    if (epoch !== this.#epoch) return;
    this.#retryAt = this.#runtime.now() + (this.#options.retryDelayMs ?? 1000);
    this.#options.onError?.(error);
  }
}
