// The fake exchange for the account-state tests: two HMAC keys (ALICE, BOB), one fake per test file reset before
// each test, and small helpers that sign requests the way Binance's clients do and parse any answer.

import { createHmac } from "node:crypto";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { type FakeExchange, startFakeExchange } from "../fake-exchange/index.ts";

export const ALICE = { apiKey: "alice-account-key", secret: "alice-account-secret" };
export const BOB = { apiKey: "bob-account-key", secret: "bob-account-secret" };
export type Who = typeof ALICE;

export interface Answer {
  status: number;
  text: string;
  body: Record<string, unknown>;
  list: Record<string, unknown>[];
}

/** The current file's fake exchange; set once `useAccountExchange()` has run its beforeAll. */
export let fake: FakeExchange;

/** Starts a fake with ALICE's and BOB's keys for the calling test file, resets it before each test. */
export function useAccountExchange(): void {
  beforeAll(async () => {
    fake = await startFakeExchange();
    for (const key of [ALICE, BOB])
      fake.registerKey({ apiKey: key.apiKey, type: "hmac", secret: key.secret });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
  });
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  return {
    status: response.status,
    text,
    body: parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {},
    list: Array.isArray(parsed) ? (parsed as Record<string, unknown>[]) : [],
  };
}

/** A signed request (HMAC, fresh timestamp) of `who`; params in the query. */
export async function signed(method: string, path: string, params = "", who: Who = ALICE): Promise<Answer> {
  const payload = `${params}${params === "" ? "" : "&"}timestamp=${fake.serverTime()}`;
  const signature = createHmac("sha256", who.secret).update(payload).digest("hex");
  const response = await fetch(`${fake.url}${path}?${payload}&signature=${signature}`, {
    method,
    headers: { "X-MBX-APIKEY": who.apiKey },
  });
  return answer(response);
}

export async function publicGet(pathAndQuery: string): Promise<Answer> {
  return answer(await fetch(`${fake.url}${pathAndQuery}`));
}

export const error = (code: number, msg: string) => ({ code, msg });
export const errorOf = (reply: Answer) => [reply.status, reply.body];

export const umOrder = (params: string, who: Who = ALICE) => signed("POST", "/fapi/v1/order", params, who);
export const cmOrder = (params: string, who: Who = ALICE) => signed("POST", "/dapi/v1/order", params, who);
export const marketBuy = (quantity: string, extra = "") =>
  umOrder(`symbol=BTCUSDT&side=BUY&type=MARKET&quantity=${quantity}${extra}`);
export const marketSell = (quantity: string, extra = "") =>
  umOrder(`symbol=BTCUSDT&side=SELL&type=MARKET&quantity=${quantity}${extra}`);
export const setDual = (market: "fapi" | "dapi", on: boolean, who: Who = ALICE) =>
  signed("POST", `/${market}/v1/positionSide/dual`, `dualSidePosition=${on}`, who);

export async function positions(symbol = "BTCUSDT", who: Who = ALICE): Promise<Record<string, unknown>[]> {
  return (await signed("GET", "/fapi/v2/positionRisk", `symbol=${symbol}`, who)).list;
}
