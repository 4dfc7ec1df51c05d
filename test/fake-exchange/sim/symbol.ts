// One simulated symbol: a bounded, mean-reverting random walk in whole ticks, one aggressive order per step
// that trades against the book (1-3 fills at one price: one aggTrade), market makers requoting around the new
// price, and a few levels changing at random. Every step that changes the book takes a new update id (1-3
// higher, as Binance's futures ids are not contiguous) and records the touched levels (sim-depth.ts).

import {
  type BookShape,
  bestTicks,
  clearBetterThan,
  createBook,
  fillSide,
  levelQty,
  type OrderBook,
  type Side,
  setLevel,
  sortedTicks,
  takeTouched,
} from "./book.ts";
import { addFill, type CandleSeries, createSeries } from "./candles.ts";
import { type DepthWindows, openWindows, recordTouched } from "./depth.ts";
import { generateHistory } from "./history.ts";
import { createRandom, hashText, type Random } from "./random.ts";
import { fillQuote, type Instrument, stepNotional, ticksOf } from "./units.ts";

/** Annualised volatility of the walk: lively for a chart, ordinary for crypto. */
const VOLATILITY = 0.5;
const SECONDS_PER_YEAR = 365 * 86_400;
/** Mean reversion towards the anchor price, per second of simulated time. */
const REVERSION_PER_SECOND = 1 / 21_600;
/** The price stays within these factors of the anchor (the start price, or the last price set by a test). */
const BOUNDS = [0.8, 1.25] as const;
const BOOK_LEVELS = 50;
/** Median USD value of one fill and of one book level. */
const FILL_NOTIONAL = 2_500;
const LEVEL_NOTIONAL = 20_000;

/** Ids that only grow: kept across restarts of the simulation. */
export interface SymbolIds {
  /** The next trade id and the next aggregate trade id. */
  trade: bigint;
  agg: bigint;
  /** The current order book update id. */
  update: bigint;
}

export interface SimSymbol {
  readonly instrument: Instrument;
  readonly random: Random;
  readonly book: OrderBook;
  readonly shape: BookShape;
  readonly series: CandleSeries;
  readonly ids: SymbolIds;
  readonly windows: DepthWindows;
  /** Per-step standard deviation of the walk, in ticks. */
  readonly sigmaTicks: number;
  readonly stepSeconds: number;
  readonly medianFill: number;
  anchor: number;
  last: { ticks: number; steps: number; at: number };
  /** How far the simulation has run (ms): REST reads the candles as of this time. */
  clock: number;
}

export interface Step {
  readonly at: number;
  readonly aggId: bigint;
  readonly ticks: number;
  readonly takerBuy: boolean;
  readonly fills: readonly { id: bigint; steps: number }[];
}

export interface SymbolSetup {
  readonly instrument: Instrument;
  readonly seed: number;
  readonly tradesPerSecond: number;
  readonly ids: SymbolIds;
  readonly now: number;
  /** Hours of one-minute candles generated before `now`. */
  readonly historyHours: number;
}

export function createSymbol(setup: SymbolSetup): SimSymbol {
  const { instrument, ids, now, tradesPerSecond } = setup;
  const random = createRandom(setup.seed ^ hashText(instrument.info.symbol));
  const start = ticksOf(instrument, instrument.info.price);
  const stepSeconds = 1 / tradesPerSecond;
  const sigmaTicks = (VOLATILITY / Math.sqrt(SECONDS_PER_YEAR / stepSeconds)) * start;
  const medianLevel = Math.max(1, Math.round(LEVEL_NOTIONAL / stepNotional(instrument, start)));
  const shape: BookShape = {
    levels: BOOK_LEVELS,
    maxGap: Math.max(2, Math.round((2 * sigmaTicks) / 3)),
    newQty: () => Math.max(1, Math.round(random.logNormal(medianLevel, 0.8))),
  };
  const symbol: SimSymbol = {
    instrument,
    random,
    book: createBook(),
    shape,
    series: createSeries([], now, start),
    ids,
    windows: new Map(),
    sigmaTicks,
    stepSeconds,
    medianFill: Math.max(1, Math.round(FILL_NOTIONAL / stepNotional(instrument, start))),
    anchor: start,
    last: { ticks: start, steps: 1, at: now },
    clock: now,
  };
  const history = generateHistory(symbol, { now, hours: setup.historyHours, tradesPerSecond });
  symbol.series.minutes.push(...history.minutes);
  symbol.series.current = history.current;
  symbol.last.ticks = history.current.c;
  requote(symbol, "bid", symbol.last.ticks);
  settle(symbol);
  openWindows(symbol.windows, ids.update);
  return symbol;
}

/** The lowest and highest tick the walk may reach. */
export function bounds(symbol: SimSymbol): [number, number] {
  const { instrument, anchor } = symbol;
  const low = Math.max(Math.ceil(anchor * BOUNDS[0]), ticksOf(instrument, instrument.info.minPrice), 1);
  const high = Math.min(Math.floor(anchor * BOUNDS[1]), ticksOf(instrument, instrument.info.maxPrice));
  return [low, high];
}

/** One step of the walk, in ticks: N(0, σ) plus a pull towards the anchor, reflected at the bounds. */
export function walkDelta(symbol: SimSymbol, from: number, seconds: number): number {
  const scale = Math.sqrt(seconds / symbol.stepSeconds);
  const pull = -Math.log(from / symbol.anchor) * REVERSION_PER_SECOND * seconds * from;
  const delta = Math.round(symbol.sigmaTicks * scale * symbol.random.gauss() + pull);
  const [low, high] = bounds(symbol);
  const reflected = from + delta < low || from + delta > high ? from - delta : from + delta;
  return Math.min(high, Math.max(low, reflected)) - from;
}

/** Market makers quote both sides one tick apart around `best` on `side`, and keep the book filled. */
function requote(symbol: SimSymbol, side: Side, best: number): void {
  const { book, shape, random } = symbol;
  const bid = side === "bid" ? best : best - 1;
  const ask = bid + 1;
  clearBetterThan(book, "bid", bid);
  clearBetterThan(book, "ask", ask);
  if (levelQty(book, "bid", bid) === 0) setLevel(book, "bid", bid, shape.newQty());
  if (levelQty(book, "ask", ask) === 0) setLevel(book, "ask", ask, shape.newQty());
  fillSide(book, "bid", shape, random);
  fillSide(book, "ask", shape, random);
}

/** A few levels re-sized or withdrawn (mostly near the top), as other participants act. */
function perturb(symbol: SimSymbol): void {
  const { book, shape, random } = symbol;
  for (let count = random.int(1, 3); count > 0; count--) {
    const side: Side = random.next() < 0.5 ? "bid" : "ask";
    const ticks = sortedTicks(book, side);
    const index = Math.floor(ticks.length * random.next() ** 2);
    const level = ticks[index];
    if (level === undefined) continue;
    setLevel(book, side, level, index > 0 && random.next() < 0.2 ? 0 : shape.newQty());
  }
}

/** Gives the touched levels a new update id and adds them to every depth window. */
function settle(symbol: SimSymbol): void {
  const touched = takeTouched(symbol.book);
  if (touched.bid.length + touched.ask.length === 0) return;
  symbol.ids.update += BigInt(symbol.random.int(1, 3));
  recordTouched(symbol.windows, symbol.ids.update, touched);
}

/** The best level at or beyond `target` in the direction the aggressor walks the book. */
function tradedLevel(book: OrderBook, takerBuy: boolean, target: number): number | undefined {
  const side: Side = takerBuy ? "ask" : "bid";
  let found = bestTicks(book, side);
  for (const ticks of (takerBuy ? book.asks : book.bids).keys()) {
    if (takerBuy ? ticks <= target && ticks > (found ?? 0) : ticks >= target && ticks < (found ?? 0))
      found = ticks;
  }
  return found;
}

/** One aggressive order at `at`: trades, book changes and candle updates. */
export function step(symbol: SimSymbol, at: number): Step {
  const { book, random, ids, instrument } = symbol;
  const delta = walkDelta(symbol, symbol.last.ticks, symbol.stepSeconds);
  const takerBuy = delta > 0 || (delta === 0 && random.next() < 0.5);
  const ticks = tradedLevel(book, takerBuy, symbol.last.ticks + delta) ?? symbol.last.ticks;
  const side: Side = takerBuy ? "ask" : "bid";
  // The book always holds both sides after a requote; a fresh level only stands in should one ever be empty.
  let resting = levelQty(book, side, ticks) || symbol.shape.newQty();
  const fills: { id: bigint; steps: number }[] = [];
  for (let count = random.next() < 0.3 ? random.int(2, 3) : 1; count > 0 && resting > 0; count--) {
    const steps = Math.min(resting, Math.max(1, Math.round(random.logNormal(symbol.medianFill, 0.9))));
    resting -= steps;
    fills.push({ id: ids.trade, steps });
    ids.trade += 1n;
  }
  setLevel(book, side, ticks, resting);
  const best = resting > 0 ? ticks : takerBuy ? ticks + 1 : ticks - 1;
  requote(symbol, side, best);
  perturb(symbol);
  settle(symbol);
  const aggId = ids.agg;
  ids.agg += 1n;
  for (const fill of fills) {
    const quote = fillQuote(instrument, ticks, fill.steps);
    addFill(symbol.series, { at, ticks, steps: fill.steps, quote, takerBuy, id: fill.id });
  }
  symbol.last = { ticks, steps: fills.reduce((sum, fill) => sum + fill.steps, 0), at };
  return { at, aggId, ticks, takerBuy, fills };
}

/** The price was set from outside (a test's setPrice): jump there, re-anchor the walk and requote. */
export function jumpTo(symbol: SimSymbol, ticks: number): void {
  symbol.anchor = ticks;
  symbol.last = { ...symbol.last, ticks };
  requote(symbol, "bid", ticks);
  settle(symbol);
}
