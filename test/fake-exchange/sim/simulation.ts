// The simulated market's driver: one unref'd timer runs every step and cadence that fell due, in time order,
// hands the events to the stream hub (so stalls, drops, delays and closes apply to them as to published ones)
// and writes each symbol's last price into the price book, so MARKET fills, tickers, premiumIndex and
// position marks follow it. A price set from outside (setPrice) is adopted: the walk jumps there.
// Ids (trades, aggregate trades, book updates) keep growing across restarts; they start at Binance-like
// magnitudes below 2^53, so a browser page can read them with JSON.parse (publish() keeps the larger ones).

import type { PriceBook } from "../rest/prices.ts";
import { findSymbol } from "../rest/symbols.ts";
import type { Market, SimulationOptions, SimulationStatus } from "../types.ts";
import type { StreamHub } from "../ws/server.ts";
import { CADENCES, emitCadence, emitStep, type Feed } from "./streams.ts";
import { createSymbol, jumpTo, type SimSymbol, type SymbolIds, step } from "./symbol.ts";
import { formatPrice, instrumentOf, ticksOf } from "./units.ts";

const DEFAULT_SYMBOLS = ["BTCUSDT", "ETHUSDT", "BTCUSD_PERP"];
const DEFAULT_TRADES_PER_SECOND = 8;
const DEFAULT_SEED = 1;
const HISTORY_HOURS = 24;
const TICK_MS = 20;
/** After a longer pause (a debugger, a suspended laptop) the market skips ahead instead of replaying it all. */
const MAX_CATCH_UP_MS = 2_000;
const FIRST_IDS = { trade: 6_000_000_000n, agg: 2_500_000_000n, update: 8_000_000_000_000n } as const;

export interface Simulation {
  /** Starts (or restarts) the simulated market. Throws for an unknown symbol or a bad rate or seed. */
  start(options?: SimulationOptions): SimulationStatus;
  /** Stops it and restores the prices that were set before it started. */
  stop(): void;
  /** Back to the start options: running with them (from scratch), else off. Prices are left to the caller. */
  reset(): void;
  status(): SimulationStatus;
  /** The simulated symbol, while the simulation runs and covers it. */
  find(market: Market, symbol: string): SimSymbol | undefined;
}

interface Run {
  readonly settings: Required<SimulationOptions>;
  readonly symbols: SimSymbol[];
  readonly stepMs: number;
  nextStep: number;
  readonly nextCadence: Map<number, number>;
  readonly klineOpens: Map<string, number>;
  /** What the run last wrote into the price book, and what was there before it started. */
  readonly written: Map<string, string>;
  readonly saved: Map<string, string | undefined>;
  readonly timer: NodeJS.Timeout;
}

function resolve(options: SimulationOptions): Required<SimulationOptions> {
  const known = new Set(["symbols", "tradesPerSecond", "seed"]);
  for (const name of Object.keys(options))
    if (!known.has(name)) throw new Error(`unknown simulate option ${name}`);
  const symbols = options.symbols ?? DEFAULT_SYMBOLS;
  if (!Array.isArray(symbols) || symbols.length === 0 || symbols.some((item) => typeof item !== "string"))
    throw new Error("simulate.symbols must be a non-empty array of symbols");
  for (const symbol of symbols) {
    if (findSymbol("um", symbol) === undefined && findSymbol("cm", symbol) === undefined)
      throw new Error(`unknown symbol ${symbol}`);
  }
  const tradesPerSecond = options.tradesPerSecond ?? DEFAULT_TRADES_PER_SECOND;
  if (typeof tradesPerSecond !== "number" || !(tradesPerSecond > 0 && tradesPerSecond <= 100))
    throw new Error("simulate.tradesPerSecond must be a number above 0 and at most 100");
  const seed = options.seed ?? DEFAULT_SEED;
  if (typeof seed !== "number" || !Number.isSafeInteger(seed))
    throw new Error("simulate.seed must be an integer");
  return { symbols: [...new Set(symbols)], tradesPerSecond, seed };
}

function priceKey(symbol: SimSymbol): string {
  return `${symbol.instrument.market}:${symbol.instrument.info.symbol}`;
}

export function createSimulation(prices: PriceBook, hub: StreamHub, initial?: SimulationOptions): Simulation {
  const startOptions = initial === undefined ? undefined : resolve(initial);
  const ids = new Map<string, SymbolIds>();
  let run: Run | null = null;

  const idsOf = (market: Market, symbol: string): SymbolIds => {
    const key = `${market}:${symbol}`;
    const found = ids.get(key) ?? { ...FIRST_IDS };
    ids.set(key, found);
    return found;
  };

  const writePrices = (current: Run): void => {
    for (const symbol of current.symbols) {
      const text = formatPrice(symbol.instrument, symbol.last.ticks);
      prices.set(priceKey(symbol), text);
      current.written.set(priceKey(symbol), text);
    }
  };

  const adoptMovedPrices = (current: Run): void => {
    for (const symbol of current.symbols) {
      const text = prices.get(priceKey(symbol));
      if (text !== undefined && text !== current.written.get(priceKey(symbol)))
        jumpTo(symbol, Math.max(1, ticksOf(symbol.instrument, text)));
    }
  };

  const advance = (current: Run, now: number): void => {
    if (now - current.nextStep > MAX_CATCH_UP_MS) current.nextStep = now - MAX_CATCH_UP_MS;
    for (const [cadence, at] of current.nextCadence) {
      if (now - at > MAX_CATCH_UP_MS) current.nextCadence.set(cadence, Math.ceil(now / cadence) * cadence);
    }
    adoptMovedPrices(current);
    const feed: Feed = {
      streams: { um: hub.subscribed("um"), cm: hub.subscribed("cm") },
      emit: (market, stream, payload) => hub.emit(market, stream, payload),
      klineOpens: current.klineOpens,
    };
    for (;;) {
      let cadence = 0;
      let cadenceAt = Number.POSITIVE_INFINITY;
      for (const [each, at] of current.nextCadence) {
        if (at < cadenceAt) [cadence, cadenceAt] = [each, at];
      }
      if (Math.min(current.nextStep, cadenceAt) > now) break;
      if (current.nextStep <= cadenceAt) {
        const at = Math.floor(current.nextStep);
        for (const symbol of current.symbols) emitStep(feed, symbol, step(symbol, at));
        current.nextStep += current.stepMs;
      } else {
        emitCadence(feed, current.symbols, cadence, cadenceAt);
        current.nextCadence.set(cadence, cadenceAt + cadence);
      }
    }
    for (const symbol of current.symbols) symbol.clock = now;
    writePrices(current);
  };

  const halt = (): Run | null => {
    const stopped = run;
    if (stopped !== null) clearInterval(stopped.timer);
    run = null;
    return stopped;
  };

  const stop = (): void => {
    const stopped = halt();
    if (stopped === null) return;
    for (const [key, price] of stopped.saved) {
      if (price === undefined) prices.delete(key);
      else prices.set(key, price);
    }
  };

  const status = (): SimulationStatus => {
    const settings = run?.settings ?? startOptions ?? resolve({});
    const current: Record<string, string> = {};
    for (const symbol of run?.symbols ?? []) {
      current[symbol.instrument.info.symbol] = formatPrice(symbol.instrument, symbol.last.ticks);
    }
    return { on: run !== null, ...settings, symbols: [...settings.symbols], prices: current };
  };

  const start = (options: SimulationOptions = {}): SimulationStatus => {
    const settings = resolve(options);
    stop();
    const now = Date.now();
    const symbols = settings.symbols.map((name) => {
      const market: Market = findSymbol("um", name) === undefined ? "cm" : "um";
      const info = findSymbol(market, name);
      if (info === undefined) throw new Error(`unknown symbol ${name}`);
      return createSymbol({
        instrument: instrumentOf(market, info),
        seed: settings.seed,
        tradesPerSecond: settings.tradesPerSecond,
        ids: idsOf(market, name),
        now,
        historyHours: HISTORY_HOURS,
      });
    });
    const saved = new Map(symbols.map((symbol) => [priceKey(symbol), prices.get(priceKey(symbol))]));
    const timer = setInterval(() => {
      if (run !== null) advance(run, Date.now());
    }, TICK_MS);
    timer.unref();
    run = {
      settings,
      symbols,
      stepMs: 1000 / settings.tradesPerSecond,
      nextStep: now,
      nextCadence: new Map(CADENCES.map((cadence) => [cadence, Math.ceil(now / cadence) * cadence])),
      klineOpens: new Map(),
      written: new Map(),
      saved,
      timer,
    };
    writePrices(run);
    return status();
  };

  return {
    start,
    stop,
    reset: () => {
      halt();
      if (startOptions !== undefined) start(startOptions);
    },
    status,
    find: (market, symbol) =>
      run?.symbols.find(
        (item) => item.instrument.market === market && item.instrument.info.symbol === symbol,
      ),
  };
}
