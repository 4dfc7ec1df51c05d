// When the relay (re)reads a market's listing, and what it says about requested streams meanwhile. No clock and
// no I/O here: the caller passes the time and does the fetching.
//
// - The listing is refreshed once it is `refreshMs` old, in the background (a name it already knows waits for
//   nothing).
// - A name it does not know refetches at once, and the caller waits for the answer, so a symbol listed since is
//   accepted on the first try; but not more than once a minute, so made-up names cannot turn the relay into an
//   exchangeInfo pump (it weighs on the egress's shared request budget).
// - While exchangeInfo cannot be had (a REST outage, a ban), the last listing keeps being used, and streams the
//   relay already carries pass whatever the listing says: they are known-good, and an outage of Binance's REST
//   side must not cost anyone a live stream. With no listing at all yet (a relay that started during the
//   outage), other streams naming a symbol are refused as "unavailable" and retried every few seconds: failing
//   closed keeps a hog from filling the relay with made-up names exactly when nobody can check them.

import type { Market } from "../catalog/types.ts";
import { isListed, type Listing, namesInstrument } from "./listing.ts";

const UNKNOWN_REFETCH_MS = 60_000;
const COLD_RETRY_MS = 5_000;

export type ListingVerdict =
  | { readonly kind: "ok" }
  | { readonly kind: "unlisted"; readonly stream: string }
  | { readonly kind: "unavailable" };

/** What to do about the listing now: fetch and wait for it, fetch without waiting, or nothing. */
export type FetchPlan = "await" | "background" | "none";

export class ListingCheck {
  readonly #market: Market;
  readonly #refreshMs: number;
  #listing: Listing | null = null;
  #fetchedAt = Number.NEGATIVE_INFINITY;
  #attemptedAt = Number.NEGATIVE_INFINITY;

  constructor(market: Market, refreshMs: number) {
    this.#market = market;
    this.#refreshMs = refreshMs;
  }

  get listing(): Listing | null {
    return this.#listing;
  }

  /** The verdict on streams (valid names); `carried` ones are known-good and pass. */
  verdict(streams: readonly string[], carried: (stream: string) => boolean): ListingVerdict {
    const listing = this.#listing;
    for (const stream of streams) {
      if (carried(stream) || !namesInstrument(this.#market, stream)) continue;
      if (listing === null) return { kind: "unavailable" };
      if (!isListed(listing, this.#market, stream)) return { kind: "unlisted", stream };
    }
    return { kind: "ok" };
  }

  plan(verdict: ListingVerdict, now: number): FetchPlan {
    const sinceAttempt = now - this.#attemptedAt;
    if (verdict.kind === "ok") {
      const stale = now - this.#fetchedAt >= this.#refreshMs;
      return stale && sinceAttempt >= this.#gap(UNKNOWN_REFETCH_MS) ? "background" : "none";
    }
    const gap = this.#listing === null ? COLD_RETRY_MS : UNKNOWN_REFETCH_MS;
    return sinceAttempt >= this.#gap(gap) ? "await" : "none";
  }

  attempted(now: number): void {
    this.#attemptedAt = now;
  }

  /** A fetch ended: with the new listing, or null when it failed (the old one stays). */
  fetched(listing: Listing | null, now: number): void {
    if (listing === null) return;
    this.#listing = listing;
    this.#fetchedAt = now;
  }

  /** A short refresh interval (tests, or an operator who wants it) shortens the retry gaps with it. */
  #gap(ms: number): number {
    return Math.min(ms, this.#refreshMs);
  }
}
