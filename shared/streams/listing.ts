// What a market lists, as the relay checks stream names against it: the symbols and pairs of exchangeInfo, and
// the assets whose index the multi-assets streams carry. Every listed symbol counts whatever its status
// (trading, settling, delivered): the point is to refuse names the exchange has never heard of, which Binance
// itself acknowledges and then serves nothing for, so a caller cannot make up an unbounded set of them.
// Symbols and pairs are one set: COIN-M's `<pair>@markPrice` has the shape of `<symbol>@markPrice`, and a UM
// perpetual's pair is its symbol, so keeping them apart would refuse real streams for no gain.

import type { Market } from "../catalog/types.ts";
import { streamSubject } from "./names.ts";

export interface Listing {
  /** Lower-case symbols and pairs (stream names carry them lower-case). */
  readonly instruments: ReadonlySet<string>;
  /** Lower-case assets: `<asset>usd@assetIndex` is about one of them. */
  readonly assets: ReadonlySet<string>;
}

interface ListedSymbol {
  symbol?: unknown;
  pair?: unknown;
  baseAsset?: unknown;
  quoteAsset?: unknown;
  marginAsset?: unknown;
}

/** The listing in an exchangeInfo body, or null when the body is not one (no symbols at all). */
export function parseListing(body: unknown): Listing | null {
  if (body === null || typeof body !== "object") return null;
  const { symbols, assets } = body as { symbols?: unknown; assets?: unknown };
  if (!Array.isArray(symbols) || symbols.length === 0) return null;
  const instruments = new Set<string>();
  const assetNames = new Set<string>();
  const add = (set: Set<string>, value: unknown) => {
    if (typeof value === "string" && value !== "") set.add(value.toLowerCase());
  };
  for (const entry of symbols as ListedSymbol[]) {
    if (entry === null || typeof entry !== "object") continue;
    add(instruments, entry.symbol);
    add(instruments, entry.pair);
    add(assetNames, entry.baseAsset);
    add(assetNames, entry.quoteAsset);
    add(assetNames, entry.marginAsset);
  }
  if (Array.isArray(assets))
    for (const entry of assets) add(assetNames, (entry as { asset?: unknown })?.asset);
  return instruments.size === 0 ? null : { instruments, assets: assetNames };
}

/** Whether a valid stream name is about something the listing has (or about no one instrument). */
export function isListed(listing: Listing, market: Market, stream: string): boolean {
  const subject = streamSubject(market, stream);
  if (subject === null) return true;
  if (subject.kind !== "assetIndex") return listing.instruments.has(subject.name);
  // An asset index symbol is the asset quoted in USD (ADAUSD, USDTUSD).
  return subject.name.endsWith("usd") && listing.assets.has(subject.name.slice(0, -3));
}

/** Whether the stream names an instrument at all, i.e. whether the listing has a say about it. */
export function namesInstrument(market: Market, stream: string): boolean {
  return streamSubject(market, stream) !== null;
}
