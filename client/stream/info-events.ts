// Payloads of the streams about instruments and indices rather than trading (composite index, asset index,
// contract info, trading sessions), and the relay's own gap notice. Split from events.ts only to keep
// files short; the same conventions apply: Binance's field names, strings where Binance sends strings.

/** USDⓈ-M `<symbol>@compositeIndex`. */
export interface CompositeIndexEvent {
  readonly e: "compositeIndex";
  readonly E: number;
  readonly s: string;
  readonly p: string;
  /** Base asset category, e.g. "baseAsset". */
  readonly C: string;
  readonly c: readonly {
    readonly b: string;
    readonly q: string;
    readonly w: string;
    readonly W: string;
    readonly i: string;
  }[];
}

/** USDⓈ-M multi-assets mode asset index (`<assetSymbol>@assetIndex`, or an array on `!assetIndex@arr`). */
export interface AssetIndexEvent {
  readonly e: "assetIndexUpdate";
  readonly E: number;
  readonly s: string;
  readonly i: string;
  readonly b: string;
  readonly a: string;
  readonly B: string;
  readonly A: string;
  readonly q: string;
  readonly g: string;
  readonly Q: string;
  readonly G: string;
}

/** `!contractInfo`. `bks` only when brackets changed; `mmr` is a JSON number. */
export interface ContractInfoEvent {
  readonly e: "contractInfo";
  readonly E: number;
  readonly s: string;
  readonly ps: string;
  /** Upper case, e.g. PERPETUAL. */
  readonly ct: string;
  readonly dt: number;
  readonly ot: number;
  readonly cs: string;
  readonly bks?: readonly {
    readonly bs: number;
    readonly bnf: number;
    readonly bnc: number;
    readonly mmr: number;
    readonly cf: number;
    readonly mi: number;
    readonly ma: number;
  }[];
  readonly st?: number;
}

/** USDⓈ-M `tradingSession`. `e` names the market: EquityUpdate, CommodityUpdate, FXUpdate, ... */
export interface TradingSessionEvent {
  readonly e: string;
  readonly E: number;
  readonly t: number;
  readonly T: number;
  /** Session type. */
  readonly S: string;
}

export type RelayNoticeKind = "reconnecting" | "reconnected" | "stale";

/**
 * The relay's gap notice, sent to clients that connected with `?relayEvents=1`: its upstream for these
 * streams dropped (reconnecting), came back (reconnected), or stopped delivering with no healthy connection
 * to take over (stale: events were probably missed). `time` is the relay's clock, in ms.
 */
export interface RelayNotice {
  readonly relay: RelayNoticeKind;
  readonly streams: readonly string[];
  readonly time: number;
}
