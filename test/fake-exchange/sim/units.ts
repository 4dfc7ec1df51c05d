// The simulated market counts in whole ticks (prices) and whole steps (quantities), so every price it shows is
// tick-aligned and every quantity step-aligned by construction; these turn counts into Binance's decimal text.

import type { SymbolInfo } from "../rest/symbols.ts";
import type { Market } from "../types.ts";

export interface Instrument {
  readonly market: Market;
  readonly info: SymbolInfo;
  /** Price units (10^-pricePrecision) in one tick. */
  readonly tickUnits: number;
  /** Quantity units (10^-quantityPrecision) in one step. */
  readonly stepUnits: number;
}

function unitsOf(decimal: string, scale: number): number {
  const [whole = "0", fraction = ""] = decimal.split(".");
  return Number(`${whole}${fraction.padEnd(scale, "0").slice(0, scale)}`);
}

export function instrumentOf(market: Market, info: SymbolInfo): Instrument {
  return {
    market,
    info,
    tickUnits: unitsOf(info.tickSize, info.pricePrecision),
    stepUnits: unitsOf(info.stepSize, info.quantityPrecision),
  };
}

/** An integer count of 10^-scale as decimal text with exactly `scale` places ("-0.50"). */
export function formatScaled(units: number, scale: number): string {
  const sign = units < 0 ? "-" : "";
  const digits = String(Math.abs(units)).padStart(scale + 1, "0");
  return scale === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

export function formatPrice(instrument: Instrument, ticks: number): string {
  return formatScaled(ticks * instrument.tickUnits, instrument.info.pricePrecision);
}

export function formatQty(instrument: Instrument, steps: number): string {
  return formatScaled(steps * instrument.stepUnits, instrument.info.quantityPrecision);
}

/** The nearest whole tick to a decimal price. */
export function ticksOf(instrument: Instrument, price: string): number {
  return Math.round(Number(price) / Number(instrument.info.tickSize));
}

/** A price in ticks as a plain number (for statistics, never for payload prices). */
export function priceValue(instrument: Instrument, ticks: number): number {
  return (ticks * instrument.tickUnits) / 10 ** instrument.info.pricePrecision;
}

/** USD value of one quantity step at a price: base quantity on USDⓈ-M, contracts of fixed USD size on COIN-M. */
export function stepNotional(instrument: Instrument, ticks: number): number {
  const step = Number(instrument.info.stepSize);
  return instrument.market === "um"
    ? step * priceValue(instrument, ticks)
    : step * instrument.info.contractSize;
}

/**
 * The "quote" volume of a fill as Binance reports it: quote asset on USDⓈ-M (price × quantity), base asset on
 * COIN-M (contracts × contract size ÷ price).
 */
export function fillQuote(instrument: Instrument, ticks: number, steps: number): number {
  const notional = steps * stepNotional(instrument, ticks);
  return instrument.market === "um" ? notional : notional / priceValue(instrument, ticks);
}
