// Binance-shaped payloads of the simulated market, written as text so ids above 2^53 stay raw digits.
// COIN-M adds the pair as "ps" where its docs show it (depth, bookTicker, tickers); COIN-M "v" counts contracts
// and "q" is base-asset volume.

import { fixedDecimal } from "../decimal.ts";
import type { Candle, Kline } from "./candles.ts";
import type { DepthEvent } from "./depth.ts";
import type { SimSymbol, Step } from "./symbol.ts";
import { formatPrice, formatQty, type Instrument } from "./units.ts";

const EIGHT_HOURS = 8 * 3_600_000;
export const FUNDING_RATE = "0.00010000";

function pairMember(instrument: Instrument): string {
  return instrument.market === "cm" ? `"ps":"${instrument.info.pair}",` : "";
}

function levelsText(instrument: Instrument, levels: readonly [number, number][]): string {
  const items = levels.map(
    ([ticks, steps]) => `["${formatPrice(instrument, ticks)}","${formatQty(instrument, steps)}"]`,
  );
  return `[${items.join(",")}]`;
}

/** Quote volume as Binance writes it: USDⓈ-M in quote units to price × quantity places, COIN-M base to 8. */
export function formatQuote(instrument: Instrument, value: number): string {
  const { market, info } = instrument;
  return value.toFixed(market === "um" ? info.pricePrecision + info.quantityPrecision : 8);
}

/** Average price of a candle's volume; its close when it has none. */
export function weightedAverage(instrument: Instrument, candle: Candle): string {
  if (candle.v === 0 || candle.q === 0) return formatPrice(instrument, candle.c);
  const volume = candle.v * Number(instrument.info.stepSize);
  const average =
    instrument.market === "um" ? candle.q / volume : (volume * instrument.info.contractSize) / candle.q;
  return average.toFixed(instrument.info.pricePrecision);
}

/** Mark and index price: the last price with 8 places, as GET premiumIndex writes it. */
export function markText(symbol: SimSymbol): string {
  return fixedDecimal(formatPrice(symbol.instrument, symbol.last.ticks), 8);
}

function idText(id: bigint | null): string {
  return id === null ? "-1" : id.toString();
}

export function aggTradePayload(symbol: SimSymbol, step: Step): string {
  const { instrument } = symbol;
  const first = step.fills[0]?.id ?? null;
  const last = step.fills.at(-1)?.id ?? null;
  const steps = step.fills.reduce((sum, fill) => sum + fill.steps, 0);
  const price = formatPrice(instrument, step.ticks);
  return `{"e":"aggTrade","E":${step.at},"s":"${instrument.info.symbol}","a":${step.aggId},"p":"${price}","q":"${formatQty(instrument, steps)}","f":${idText(first)},"l":${idText(last)},"T":${step.at},"m":${!step.takerBuy}}`;
}

export function tradePayloads(symbol: SimSymbol, step: Step): string[] {
  const { instrument } = symbol;
  const price = formatPrice(instrument, step.ticks);
  return step.fills.map(
    (fill) =>
      `{"e":"trade","E":${step.at},"T":${step.at},"s":"${instrument.info.symbol}","t":${fill.id},"p":"${price}","q":"${formatQty(instrument, fill.steps)}","X":"MARKET","m":${!step.takerBuy}}`,
  );
}

export function bookTickerPayload(symbol: SimSymbol, top: ReturnType<typeof topOf>, at: number): string {
  const { instrument } = symbol;
  const [bid, bidQty] = top.bid;
  const [ask, askQty] = top.ask;
  return `{"e":"bookTicker","u":${symbol.ids.update},"s":"${instrument.info.symbol}",${pairMember(instrument)}"b":"${formatPrice(instrument, bid)}","B":"${formatQty(instrument, bidQty)}","a":"${formatPrice(instrument, ask)}","A":"${formatQty(instrument, askQty)}","T":${at},"E":${at}}`;
}

/** The best level of each side as [ticks, steps] ([0, 0] for an empty side). */
export function topOf(levels: { bid: [number, number][]; ask: [number, number][] }): {
  bid: [number, number];
  ask: [number, number];
} {
  return { bid: levels.bid[0] ?? [0, 0], ask: levels.ask[0] ?? [0, 0] };
}

/** A diff depth event, or a partial depth event when `event` carries the top levels instead of changes. */
export function depthPayload(symbol: SimSymbol, event: DepthEvent, at: number): string {
  const { instrument } = symbol;
  return `{"e":"depthUpdate","E":${at},"T":${at},"s":"${instrument.info.symbol}",${pairMember(instrument)}"U":${event.first},"u":${event.last},"pu":${event.previous},"b":${levelsText(instrument, event.bid)},"a":${levelsText(instrument, event.ask)}}`;
}

export function markPricePayload(symbol: SimSymbol, at: number): string {
  const mark = markText(symbol);
  const nextFunding = Math.ceil((at + 1) / EIGHT_HOURS) * EIGHT_HOURS;
  return `{"e":"markPriceUpdate","E":${at},"s":"${symbol.instrument.info.symbol}","p":"${mark}","ap":"${mark}","P":"${mark}","i":"${mark}","r":"${FUNDING_RATE}","T":${nextFunding}}`;
}

/** Binance leaves ", " between the members of "k" (see ws-payloads.ts); kept. */
export function klinePayload(
  symbol: SimSymbol,
  interval: string,
  kline: Kline,
  at: number,
  closed: boolean,
): string {
  const { instrument } = symbol;
  const { candle } = kline;
  const s = instrument.info.symbol;
  const price = (ticks: number) => formatPrice(instrument, ticks);
  const body = `{"t":${candle.open}, "T":${kline.closeTime}, "s":"${s}", "i":"${interval}", "f":${idText(candle.f)}, "L":${idText(candle.L)}, "o":"${price(candle.o)}", "c":"${price(candle.c)}", "h":"${price(candle.h)}", "l":"${price(candle.l)}", "v":"${formatQty(instrument, candle.v)}", "n":${candle.n}, "x":${closed}, "q":"${formatQuote(instrument, candle.q)}", "V":"${formatQty(instrument, candle.V)}", "Q":"${formatQuote(instrument, candle.Q)}", "B":"0"}`;
  return `{"e":"kline","E":${at},"s":"${s}","k":${body}}`;
}

export function tickerPayload(symbol: SimSymbol, day: Candle, at: number): string {
  const { instrument } = symbol;
  const price = (ticks: number) => formatPrice(instrument, ticks);
  const percent = (((day.c - day.o) / day.o) * 100).toFixed(3);
  return `{"e":"24hrTicker","E":${at},"s":"${instrument.info.symbol}",${pairMember(instrument)}"p":"${price(day.c - day.o)}","P":"${percent}","w":"${weightedAverage(instrument, day)}","c":"${price(day.c)}","Q":"${formatQty(instrument, symbol.last.steps)}","o":"${price(day.o)}","h":"${price(day.h)}","l":"${price(day.l)}","v":"${formatQty(instrument, day.v)}","q":"${formatQuote(instrument, day.q)}","O":${day.open},"C":${at},"F":${idText(day.f)},"L":${idText(day.L)},"n":${day.n}}`;
}

export function miniTickerPayload(symbol: SimSymbol, day: Candle, at: number): string {
  const { instrument } = symbol;
  const price = (ticks: number) => formatPrice(instrument, ticks);
  return `{"e":"24hrMiniTicker","E":${at},"s":"${instrument.info.symbol}",${pairMember(instrument)}"c":"${price(day.c)}","o":"${price(day.o)}","h":"${price(day.h)}","l":"${price(day.l)}","v":"${formatQty(instrument, day.v)}","q":"${formatQuote(instrument, day.q)}"}`;
}
