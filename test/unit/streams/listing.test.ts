// Which streams a market's listing allows, and when the relay rereads exchangeInfo (time passed in).
import { describe, expect, it } from "vitest";
import { isListed, type Listing, parseListing } from "../../../shared/streams/listing.ts";
import { ListingCheck } from "../../../shared/streams/listing-check.ts";
import { streamSubject } from "../../../shared/streams/names.ts";

const UM_INFO = {
  symbols: [
    { symbol: "BTCUSDT", pair: "BTCUSDT", status: "TRADING", baseAsset: "BTC", quoteAsset: "USDT" },
    { symbol: "BTCUSDT_260925", pair: "BTCUSDT", status: "TRADING", baseAsset: "BTC", quoteAsset: "USDT" },
    { symbol: "币安人生USDT", pair: "币安人生USDT", status: "PENDING_TRADING", baseAsset: "币安人生" },
    { symbol: "OLDUSDT", pair: "OLDUSDT", status: "SETTLING", baseAsset: "OLD", quoteAsset: "USDT" },
  ],
  assets: [{ asset: "BNB" }],
};
const CM_INFO = {
  symbols: [{ symbol: "BTCUSD_PERP", pair: "BTCUSD", contractStatus: "TRADING", baseAsset: "BTC" }],
};

function listing(body: unknown): Listing {
  const parsed = parseListing(body);
  if (parsed === null) throw new Error("no listing");
  return parsed;
}

describe("stream subjects", () => {
  it("names the symbol, the pair or the asset index a stream is about, and nothing for market-wide streams", () => {
    expect(streamSubject("um", "btcusdt@aggTrade")).toEqual({ kind: "symbol", name: "btcusdt" });
    expect(streamSubject("um", "btcusdt_perpetual@continuousKline_1m")).toEqual({
      kind: "pair",
      name: "btcusdt",
    });
    expect(streamSubject("cm", "btcusd@indexPriceKline_1m")).toEqual({ kind: "pair", name: "btcusd" });
    expect(streamSubject("um", "adausd@assetIndex")).toEqual({ kind: "assetIndex", name: "adausd" });
    expect(streamSubject("um", "!bookTicker")).toBeNull();
    expect(streamSubject("um", "tradingSession")).toBeNull();
    expect(streamSubject("um", "BTCUSDT@aggTrade")).toBeNull();
  });
});

describe("the listing", () => {
  const um = listing(UM_INFO);
  const cm = listing(CM_INFO);

  it("allows streams on any listed symbol or pair, whatever its status, non-ASCII ones included", () => {
    for (const name of [
      "btcusdt@aggTrade",
      "btcusdt_260925@depth@100ms",
      "btcusdt_perpetual@continuousKline_5m",
      "币安人生usdt@aggTrade",
      "oldusdt@markPrice",
    ])
      expect(isListed(um, "um", name), name).toBe(true);
    expect(isListed(cm, "cm", "btcusd_perp@aggTrade")).toBe(true);
    expect(isListed(cm, "cm", "btcusd@markPrice")).toBe(true);
    expect(isListed(cm, "cm", "btcusd@indexPrice")).toBe(true);
  });

  it("refuses made-up symbols and pairs, and symbols of the other market", () => {
    for (const name of [
      "fakeusdt@aggTrade",
      "s0usdt@trade",
      "xyz_perpetual@continuousKline_1m",
      "btcusd@trade",
    ])
      expect(isListed(um, "um", name), name).toBe(false);
    expect(isListed(cm, "cm", "btcusdt@aggTrade")).toBe(false);
  });

  it("allows asset indexes of listed assets quoted in USD only", () => {
    expect(isListed(um, "um", "btcusd@assetIndex")).toBe(true);
    expect(isListed(um, "um", "usdtusd@assetIndex")).toBe(true);
    expect(isListed(um, "um", "bnbusd@assetIndex")).toBe(true);
    expect(isListed(um, "um", "nopeusd@assetIndex")).toBe(false);
    expect(isListed(um, "um", "btcusdt@assetIndex")).toBe(false);
  });

  it("lets market-wide streams through", () => {
    expect(isListed(um, "um", "!markPrice@arr@1s")).toBe(true);
    expect(isListed(cm, "cm", "!contractInfo")).toBe(true);
  });

  it("is no listing when exchangeInfo has no symbols (an error body, an empty answer)", () => {
    expect(parseListing({ code: -1003, msg: "Too many requests" })).toBeNull();
    expect(parseListing({ symbols: [] })).toBeNull();
    expect(parseListing(null)).toBeNull();
  });
});

describe("when the listing is read", () => {
  const REFRESH = 600_000;
  const nothingCarried = () => false;

  function loaded(at: number): ListingCheck {
    const check = new ListingCheck("um", REFRESH);
    check.attempted(at);
    check.fetched(listing(UM_INFO), at);
    return check;
  }

  it("waits for a first listing, and refuses symbol streams as unavailable while there is none", () => {
    const check = new ListingCheck("um", REFRESH);
    const verdict = check.verdict(["btcusdt@aggTrade"], nothingCarried);
    expect(verdict).toEqual({ kind: "unavailable" });
    expect(check.plan(verdict, 0)).toBe("await");
    check.attempted(0);
    check.fetched(null, 100);
    // Failed: retried after five seconds, not on every request.
    expect(check.plan(verdict, 4_000)).toBe("none");
    expect(check.plan(verdict, 5_000)).toBe("await");
    expect(check.verdict(["!bookTicker"], nothingCarried)).toEqual({ kind: "ok" });
  });

  it("lets streams the relay already carries through during an outage, with or without a listing", () => {
    const carried = (stream: string) => stream === "btcusdt@aggTrade";
    expect(new ListingCheck("um", REFRESH).verdict(["btcusdt@aggTrade"], carried)).toEqual({ kind: "ok" });
    const check = loaded(0);
    expect(check.verdict(["delistedusdt@aggTrade"], (s) => s === "delistedusdt@aggTrade")).toEqual({
      kind: "ok",
    });
  });

  it("rereads at once for an unknown name, but at most once a minute however many arrive", () => {
    const check = loaded(0);
    const unknown = check.verdict(["newusdt@aggTrade"], nothingCarried);
    expect(unknown).toEqual({ kind: "unlisted", stream: "newusdt@aggTrade" });
    expect(check.plan(unknown, 59_999)).toBe("none");
    expect(check.plan(unknown, 60_000)).toBe("await");
    check.attempted(60_000);
    check.fetched({ ...listing(UM_INFO), instruments: new Set(["btcusdt", "newusdt"]) }, 60_200);
    expect(check.verdict(["newusdt@aggTrade"], nothingCarried)).toEqual({ kind: "ok" });
    expect(check.plan(check.verdict(["madeupusdt@aggTrade"], nothingCarried), 61_000)).toBe("none");
  });

  it("refreshes a known listing in the background once it is old, and keeps the old one when that fails", () => {
    const check = loaded(0);
    const ok = check.verdict(["btcusdt@aggTrade"], nothingCarried);
    expect(check.plan(ok, REFRESH - 1)).toBe("none");
    expect(check.plan(ok, REFRESH)).toBe("background");
    check.attempted(REFRESH);
    check.fetched(null, REFRESH + 10);
    expect(check.verdict(["btcusdt@aggTrade"], nothingCarried)).toEqual({ kind: "ok" });
    // A failed refresh is retried a minute later, not on every request.
    expect(check.plan(ok, REFRESH + 59_000)).toBe("none");
    expect(check.plan(ok, REFRESH + 60_000)).toBe("background");
  });

  it("shortens the gaps with a short refresh interval", () => {
    const check = new ListingCheck("um", 1000);
    check.attempted(0);
    check.fetched(listing(UM_INFO), 0);
    const unknown = check.verdict(["newusdt@aggTrade"], nothingCarried);
    expect(check.plan(unknown, 999)).toBe("none");
    expect(check.plan(unknown, 1000)).toBe("await");
  });
});
