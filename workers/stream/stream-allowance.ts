// Which new streams a client may have beyond the name checks: the market must list their symbols
// (listed-symbols.ts), and its caller must have room in its share (stream-shares.ts). The relay asks before a
// connect or a SUBSCRIBE takes effect.

import type { Market } from "../../shared/catalog/types.ts";
import { ListingCheck } from "../../shared/streams/listing-check.ts";
import type { Refusal } from "../../shared/streams/relay-admission.ts";
import { PUBLIC_SHARE, type ShareLedger, shareRefusal } from "../../shared/streams/stream-shares.ts";
import type { RelayOptions } from "../config/index.ts";
import type { GatewayEnv } from "../env.ts";
import type { Logger } from "../log.ts";
import { exchangeListing, ListedSymbols, listingRefusal } from "./listed-symbols.ts";

export class StreamAllowance {
  readonly #listed: ListedSymbols;
  readonly #shares: ShareLedger;
  readonly #options: RelayOptions;

  constructor(env: GatewayEnv, market: Market, options: RelayOptions, shares: ShareLedger, log: Logger) {
    this.#listed = new ListedSymbols(
      new ListingCheck(market, options.symbolsRefreshMs),
      exchangeListing(env, market, log),
    );
    this.#shares = shares;
    this.#options = options;
  }

  /**
   * Why these (valid) streams may not be had: a symbol the market does not list, or no listing to check them
   * against; null if they may. `carried` streams are known-good and pass whatever the listing says. May wait
   * for exchangeInfo.
   */
  async listing(streams: readonly string[], carried: (stream: string) => boolean): Promise<Refusal | null> {
    if (streams.length === 0) return null;
    return listingRefusal(await this.#listed.verdict(streams, carried, Date.now));
  }

  /** Why these streams would take the share past its limit (a connect gets 429), or null. */
  share(share: string, streams: readonly string[]): Refusal | null {
    const limit = share === PUBLIC_SHARE ? this.#options.maxPublicStreams : this.#options.maxStreamsPerCaller;
    const msg = shareRefusal(this.#shares, share, streams, limit);
    return msg === null ? null : { msg, status: 429 };
  }
}
