// The relay's copy of its market's listing: exchangeInfo, read through the egress object like every REST call
// (its weight budget and 429/418 back-off apply), parsed into the symbols, pairs and assets streams may name.
// When to fetch and what to answer meanwhile is decided in shared/streams/listing-check.ts; this only carries it
// out, one fetch at a time.

import { MAIN_ACCOUNT } from "../../shared/auth/accounts.ts";
import type { Market } from "../../shared/catalog/types.ts";
import { type Listing, parseListing } from "../../shared/streams/listing.ts";
import type { ListingCheck, ListingVerdict } from "../../shared/streams/listing-check.ts";
import type { Refusal } from "../../shared/streams/relay-admission.ts";
import { placementOf } from "../config/index.ts";
import type { GatewayEnv } from "../env.ts";
import type { Logger } from "../log.ts";
import { BinanceCalls } from "../webhooks/binance-calls.ts";

const PATHS: Readonly<Record<Market, string>> = { um: "/fapi/v1/exchangeInfo", cm: "/dapi/v1/exchangeInfo" };

export class ListedSymbols {
  readonly #check: ListingCheck;
  readonly #fetchListing: () => Promise<Listing | null>;
  #running: Promise<void> | null = null;

  constructor(check: ListingCheck, fetchListing: () => Promise<Listing | null>) {
    this.#check = check;
    this.#fetchListing = fetchListing;
  }

  /** The verdict on streams (valid names), fetching the listing first when the check says to wait for it. */
  async verdict(
    streams: readonly string[],
    carried: (stream: string) => boolean,
    now: () => number,
  ): Promise<ListingVerdict> {
    const first = this.#check.verdict(streams, carried);
    // A refusal waits for a fetch already under way (many clients connecting at once share one).
    const plan = first.kind !== "ok" && this.#running !== null ? "await" : this.#check.plan(first, now());
    if (plan === "none") return first;
    const fetching = this.#fetch(now);
    if (plan === "background") return first;
    await fetching;
    return this.#check.verdict(streams, carried);
  }

  #fetch(now: () => number): Promise<void> {
    if (this.#running !== null) return this.#running;
    this.#check.attempted(now());
    this.#running = (async () => {
      try {
        this.#check.fetched(await this.#fetchListing(), now());
      } finally {
        this.#running = null;
      }
    })();
    return this.#running;
  }
}

/** The listing of `market` from Binance, or null (logged) when it cannot be had just now. */
export function exchangeListing(env: GatewayEnv, market: Market, log: Logger): () => Promise<Listing | null> {
  return async () => {
    const calls = new BinanceCalls(env, MAIN_ACCOUNT, market, placementOf(env), {
      kind: "relay",
      name: market,
    });
    try {
      const listing = parseListing(await calls.read(PATHS[market], []));
      if (listing === null) log.log("warn", "exchangeInfo listed no symbols", { market });
      return listing;
    } catch (error) {
      log.log("warn", "exchangeInfo unavailable", { market, error: (error as Error).message });
      return null;
    }
  };
}

/** The words after "Invalid request: " for a refusal, with the HTTP status a connect gets; null for "ok". */
export function listingRefusal(verdict: ListingVerdict): Refusal | null {
  switch (verdict.kind) {
    case "ok":
      return null;
    case "unlisted":
      return { msg: `invalid stream: ${verdict.stream} names no symbol this market lists`, status: 400 };
    case "unavailable":
      return {
        msg: "the exchange's symbol list cannot be read just now, so new symbols cannot be checked: try again shortly",
        status: 503,
      };
  }
}
