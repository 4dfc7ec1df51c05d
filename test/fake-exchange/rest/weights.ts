// Rate-limit counters behind X-MBX-USED-WEIGHT-1M and X-MBX-ORDER-COUNT-10S / -1M.

import { type Params, param } from "./params.ts";

interface Window {
  index: number;
  count: number;
}

export interface WeightState {
  weight1m: Window;
  orders10s: Window;
  orders1m: Window;
  /** Binance's IP limit per minute, enforced only when the control API sets it (POST /__fake/weight). */
  limit: number | null;
}

export function createWeightState(): WeightState {
  return {
    weight1m: { index: 0, count: 0 },
    orders10s: { index: 0, count: 0 },
    orders1m: { index: 0, count: 0 },
    limit: null,
  };
}

export function resetWeights(state: WeightState): void {
  Object.assign(state, createWeightState());
}

function bump(window: Window, sizeMs: number, now: number, amount: number): number {
  const index = Math.floor(now / sizeMs);
  if (window.index !== index) {
    window.index = index;
    window.count = 0;
  }
  window.count += amount;
  return window.count;
}

/**
 * POST /__fake/weight {"used"?: <n>, "limit"?: <n> | null}: sets this minute's used weight (as if other tools on
 * the IP had spent it) and/or the limit past which requests get 429 -1003, as Binance answers.
 */
export function writeWeight(
  state: WeightState,
  body: unknown,
  now: number,
): { used: number; limit: number | null } {
  const { used, limit } = (body ?? {}) as { used?: unknown; limit?: unknown };
  const whole = (value: unknown) => typeof value === "number" && Number.isInteger(value) && value >= 0;
  if ((used !== undefined && !whole(used)) || (limit !== undefined && limit !== null && !whole(limit)))
    throw new Error('expected {"used"?: <whole number>, "limit"?: <whole number> | null}');
  if (used !== undefined) state.weight1m = { index: Math.floor(now / 60_000), count: used as number };
  if (limit !== undefined) state.limit = limit as number | null;
  return { used: addWeight(state, 0, now), limit: state.limit };
}

/** True when `weight` more would take this minute past the enforced limit. */
export function exceedsLimit(state: WeightState, weight: number, now: number): boolean {
  return state.limit !== null && addWeight(state, 0, now) + weight > state.limit;
}

/** Adds request weight; returns the used weight of the current minute. */
export function addWeight(state: WeightState, weight: number, now: number): number {
  return bump(state.weight1m, 60_000, now, weight);
}

/** Adds placed orders; returns the 10-second and 1-minute order counts. */
export function addOrders(
  state: WeightState,
  tenSeconds: number,
  minute: number,
  now: number,
): { tenSeconds: number; minute: number } {
  return {
    tenSeconds: bump(state.orders10s, 10_000, now, tenSeconds),
    minute: bump(state.orders1m, 60_000, now, minute),
  };
}

/** Binance's documented weights for the endpoints with real behaviour; everything else weighs 1. */
export function klinesWeight(params: Params): number {
  const limit = Number(param(params, "limit") ?? "500");
  if (limit < 100) return 1;
  if (limit < 500) return 2;
  if (limit <= 1000) return 5;
  return 10;
}

export function depthWeight(params: Params): number {
  const limit = Number(param(params, "limit") ?? "500");
  if (limit <= 50) return 2;
  if (limit <= 100) return 5;
  if (limit <= 500) return 10;
  return 20;
}

export function symbolOptionalWeight(single: number, all: number): (params: Params) => number {
  return (params) => (param(params, "symbol") === undefined ? all : single);
}
