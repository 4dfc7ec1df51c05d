// What the order desk reads from Binance before planning an alert: the symbol's filters (exchangeInfo, kept for
// ten minutes), its last price, and the account's position mode, positions, leverage, margin type and balance.

import type { Market } from "../../shared/catalog/types.ts";
import { type Decimal, parseDecimal, ZERO } from "../../shared/decimal.ts";
import type { AccountView, SymbolRules } from "../../shared/webhooks/plan.ts";
import type { BinanceCalls } from "./binance-calls.ts";

const RULES_TTL_MS = 10 * 60_000;

export interface SymbolInfo {
  readonly rules: SymbolRules;
  readonly marginAsset: string;
}

interface ExchangeSymbol {
  symbol?: unknown;
  status?: unknown;
  contractStatus?: unknown;
  marginAsset?: unknown;
  contractSize?: unknown;
  filters?: { filterType?: unknown; [name: string]: unknown }[];
}

/** exchangeInfo per market, parsed into rules, shared by the alerts of one desk. */
export class RulesCache {
  #fetchedAt = 0;
  #symbols = new Map<string, SymbolInfo>();

  async get(calls: BinanceCalls, market: Market, symbol: string, now: number): Promise<SymbolInfo | null> {
    const stale = now - this.#fetchedAt > RULES_TTL_MS;
    // An unknown symbol refetches too (a listing since), but not more than once a minute.
    if (stale || (!this.#symbols.has(symbol) && now - this.#fetchedAt > 60_000)) {
      const info = (await calls.read(
        market === "um" ? "/fapi/v1/exchangeInfo" : "/dapi/v1/exchangeInfo",
        [],
      )) as {
        symbols?: ExchangeSymbol[];
      };
      this.#symbols = new Map();
      for (const entry of info.symbols ?? []) {
        const parsed = parseSymbol(entry, market);
        if (parsed !== null) this.#symbols.set(parsed.rules.symbol, parsed);
      }
      this.#fetchedAt = now;
    }
    return this.#symbols.get(symbol) ?? null;
  }
}

function parseSymbol(entry: ExchangeSymbol, market: Market): SymbolInfo | null {
  const status = market === "um" ? entry.status : entry.contractStatus;
  if (typeof entry.symbol !== "string" || status !== "TRADING") return null;
  const filter = (type: string) => entry.filters?.find((f) => f.filterType === type);
  const number = (value: unknown) => (typeof value === "string" ? parseDecimal(value) : null);
  const price = filter("PRICE_FILTER");
  const lot = filter("LOT_SIZE");
  const tickSize = number(price?.tickSize);
  const stepSize = number(lot?.stepSize);
  const minQty = number(lot?.minQty);
  const maxQty = number(lot?.maxQty);
  const marketMaxQty = number(filter("MARKET_LOT_SIZE")?.maxQty);
  if (tickSize === null || stepSize === null || minQty === null || maxQty === null) return null;
  const contractSize = market === "cm" ? parseDecimal(String(entry.contractSize ?? "")) : null;
  if (market === "cm" && contractSize === null) return null;
  return {
    rules: {
      symbol: entry.symbol,
      tickSize,
      stepSize,
      minQty,
      maxQty,
      marketMaxQty: marketMaxQty ?? maxQty,
      minNotional: market === "um" ? number(filter("MIN_NOTIONAL")?.notional) : null,
      contractSize,
    },
    marginAsset: typeof entry.marginAsset === "string" ? entry.marginAsset : "",
  };
}

/** The symbol's last price. */
export async function lastPrice(calls: BinanceCalls, market: Market, symbol: string): Promise<Decimal> {
  const answer = await calls.read(market === "um" ? "/fapi/v1/ticker/price" : "/dapi/v1/ticker/price", [
    ["symbol", symbol],
  ]);
  const entry = (Array.isArray(answer) ? answer.find((e) => e?.symbol === symbol) : answer) as {
    price?: unknown;
  };
  const price = typeof entry?.price === "string" ? parseDecimal(entry.price) : null;
  if (price === null) throw new Error(`Binance gave no price for ${symbol}`);
  return price;
}

interface PositionEntry {
  symbol?: unknown;
  positionSide?: unknown;
  positionAmt?: unknown;
  leverage?: unknown;
  marginType?: unknown;
}

/** The account as the plan needs it; the balance is read only when a percent size needs it. */
export async function accountView(
  calls: BinanceCalls,
  market: Market,
  info: SymbolInfo,
  needBalance: boolean,
): Promise<AccountView> {
  const prefix = market === "um" ? "/fapi" : "/dapi";
  const symbol = info.rules.symbol;
  const dual = (await calls.read(`${prefix}/v1/positionSide/dual`, [])) as { dualSidePosition?: unknown };
  const positions = (await calls.read(
    market === "um" ? "/fapi/v2/positionRisk" : "/dapi/v1/positionRisk",
    market === "um" ? [["symbol", symbol]] : [],
  )) as PositionEntry[];
  const mine = (Array.isArray(positions) ? positions : []).filter((p) => p.symbol === symbol);
  const amount = (side: string) => {
    const entry = mine.find((p) => p.positionSide === side);
    return typeof entry?.positionAmt === "string" ? (parseDecimal(entry.positionAmt) ?? ZERO) : ZERO;
  };
  const magnitude = (value: Decimal) =>
    value.units < 0n ? { units: -value.units, scale: value.scale } : value;
  const first = mine[0];
  const leverage = Number(first?.leverage);
  // Without the symbol's leverage the hook's maxLeverage cannot be checked: better no order than a guess.
  if (first === undefined || !Number.isInteger(leverage) || leverage < 1)
    throw new Error(`Binance gave no leverage for ${symbol} in positionRisk`);
  let availableBalance = ZERO;
  if (needBalance) {
    const balances = (await calls.read(market === "um" ? "/fapi/v2/balance" : "/dapi/v1/balance", [])) as {
      asset?: unknown;
      availableBalance?: unknown;
    }[];
    const entry = (Array.isArray(balances) ? balances : []).find((b) => b.asset === info.marginAsset);
    availableBalance =
      typeof entry?.availableBalance === "string" ? (parseDecimal(entry.availableBalance) ?? ZERO) : ZERO;
  }
  return {
    hedge: dual.dualSidePosition === true,
    both: amount("BOTH"),
    long: magnitude(amount("LONG")),
    short: magnitude(amount("SHORT")),
    leverage,
    marginType: String(first?.marginType ?? "cross").toLowerCase() === "isolated" ? "ISOLATED" : "CROSSED",
    availableBalance,
  };
}
