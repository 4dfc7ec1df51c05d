// Request weight per market and minute, as Binance counts it (REQUEST_WEIGHT, 1 minute, per IP and host), kept by
// the egress object so one caller cannot spend what everyone shares. Two counts:
// - per caller (a GATEWAY_CLIENTS entry, a webhook, a user stream): what the gateway admitted for it;
// - the total: the gateway's own count, raised to the latest X-MBX-USED-WEIGHT-1M Binance reported, since other
//   tools may share the IP or key. Each admitted call adds its weight before it is sent, so calls in flight count.
// A call is admitted only if both stay within their caps; protective calls (shared/rest/request-weight.ts) may
// also use the reserve: the total may reach the whole limit, and a caller its budget plus the reserve, so a
// caller that spent its budget can still cancel and close. Counts live in memory: after a restart the total is
// relearned from Binance's header on the first answer, and callers' counts start again (the trade-off accepted
// for not writing storage on every call). Retries and reconciliation lookups add to the total only.

import type { Market } from "../catalog/types.ts";

export interface WeightLimits {
  /** The used weight per market and minute the gateway keeps under (Binance's limit is 2400). */
  readonly limit: number;
  /** The part of `limit` only protective calls may use. */
  readonly reserve: number;
  /** A caller's budget per market and minute when its configuration sets none. */
  readonly defaultPerCaller: number;
}

export interface WeightCall {
  readonly market: Market;
  /** Whose budget this is, as the refusal names it: "client 'bot'", "hook 'tv'". */
  readonly caller: string;
  /** The caller's budget per minute. */
  readonly budget: number;
  readonly weight: number;
  readonly protective: boolean;
}

export interface WeightRefusal {
  readonly kind: "weight-budget";
  /** Which cap refused: the caller's own budget or the gateway's total for the market. */
  readonly budget: "caller" | "total";
  readonly caller: string;
  readonly market: Market;
  /** Weight spent in this minute by the caller (budget "caller") or in total (budget "total"). */
  readonly spent: number;
  readonly weight: number;
  /** The cap that applied to this call. */
  readonly limit: number;
  /** When the minute ends and the counts start again. */
  readonly until: number;
}

const MINUTE_MS = 60_000;

interface Window {
  readonly minute: number;
  used: number;
  readonly byCaller: Map<string, number>;
}

export class WeightLedger {
  readonly #windows = new Map<Market, Window>();

  /** Admits and counts the call, or says which cap it would break; a refused call counts nothing. */
  admit(call: WeightCall, limits: WeightLimits, now: number): WeightRefusal | null {
    const window = this.#window(call.market, now);
    const spent = window.byCaller.get(call.caller) ?? 0;
    const extra = call.protective ? limits.reserve : 0;
    const refuse = (budget: "caller" | "total", used: number, limit: number): WeightRefusal => ({
      kind: "weight-budget",
      budget,
      caller: call.caller,
      market: call.market,
      spent: used,
      weight: call.weight,
      limit,
      until: (window.minute + 1) * MINUTE_MS,
    });
    if (spent + call.weight > call.budget + extra) return refuse("caller", spent, call.budget + extra);
    const totalCap = limits.limit - limits.reserve + extra;
    if (window.used + call.weight > totalCap) return refuse("total", window.used, totalCap);
    window.byCaller.set(call.caller, spent + call.weight);
    window.used += call.weight;
    return null;
  }

  /** Weight the gateway spent on its own account (retries, lookups, clock syncs): the total only. */
  charge(market: Market, weight: number, now: number): void {
    this.#window(market, now).used += weight;
  }

  /**
   * X-MBX-USED-WEIGHT-1M from an answer to a call sent at `sentAt`. Counts only go up within a minute, so the
   * larger of it and the gateway's count stands; an answer to a call sent in an earlier minute is ignored.
   */
  report(market: Market, header: string | null, sentAt: number, now: number): void {
    if (header === null || !/^\d{1,9}$/.test(header.trim())) return;
    const window = this.#window(market, now);
    if (Math.floor(sentAt / MINUTE_MS) !== window.minute) return;
    window.used = Math.max(window.used, Number(header));
  }

  /** The total used weight of the market's current minute. */
  used(market: Market, now: number): number {
    return this.#window(market, now).used;
  }

  #window(market: Market, now: number): Window {
    const minute = Math.floor(now / MINUTE_MS);
    const current = this.#windows.get(market);
    if (current !== undefined && current.minute === minute) return current;
    const fresh = { minute, used: 0, byCaller: new Map<string, number>() };
    this.#windows.set(market, fresh);
    return fresh;
  }
}

/**
 * The limits from the configured limit and reserve percentage. A caller without its own budget gets half of what
 * ordinary calls may use, so one runaway caller leaves the other half to everyone else.
 */
export function weightLimits(limit: number, reservePercent: number): WeightLimits {
  const reserve = Math.floor((limit * reservePercent) / 100);
  return { limit, reserve, defaultPerCaller: Math.floor((limit - reserve) / 2) };
}
