// User data events, in Binance's shapes (USDⓈ-M "Event: Order Update" and "Event: Balance and Position
// Update"; COIN-M the same with its own assets). Order ids are written as raw digits (they exceed 2^53).
// The events go to the listen keys of the API key that placed the order, never to another account's.

import { type Json, rawNumber, stringifyJson } from "../json.ts";
import { findSymbol } from "../rest/symbols.ts";
import type { FakeOrder, Market } from "../types.ts";

/** Delivers one event payload to every active listen key of (market, apiKey). */
export type UserEventSink = (market: Market, apiKey: string, payload: string) => void;

let nextTradeId = 1;

/** ORDER_TRADE_UPDATE for an order that was just placed (NEW, then TRADE if it filled) or cancelled. */
export function orderUpdates(order: FakeOrder, change: "placed" | "cancelled", now: number): string[] {
  if (change === "cancelled") return [orderUpdate(order, "CANCELED", "CANCELED", now, false)];
  if (order.status !== "FILLED") return [orderUpdate(order, "NEW", "NEW", now, false)];
  return [orderUpdate(order, "NEW", "NEW", now, false), orderUpdate(order, "TRADE", "FILLED", now, true)];
}

function orderUpdate(
  order: FakeOrder,
  execution: string,
  status: string,
  now: number,
  fill: boolean,
): string {
  const um = order.market === "um";
  const event: Json = {
    e: "ORDER_TRADE_UPDATE",
    E: now,
    T: now,
    i: um ? undefined : "SfsR", // COIN-M carries the account alias
    o: {
      s: order.symbol,
      c: order.clientOrderId,
      S: order.side,
      o: order.type,
      f: order.timeInForce,
      q: order.origQty,
      p: order.price,
      ap: fill ? order.avgPrice : "0",
      sp: order.stopPrice,
      x: execution,
      X: status,
      i: rawNumber(order.orderId),
      l: fill ? order.executedQty : "0",
      z: fill ? order.executedQty : "0",
      L: fill ? order.avgPrice : "0",
      N: um ? "USDT" : baseAsset(order),
      n: "0",
      T: now,
      t: fill ? nextTradeId++ : 0,
      b: "0",
      a: "0",
      m: false,
      R: order.reduceOnly,
      wt: order.workingType,
      ot: order.origType,
      ps: order.positionSide,
      cp: order.closePosition,
      rp: "0",
      pP: order.priceProtect,
      si: 0,
      ss: 0,
      V: order.selfTradePreventionMode,
      pm: order.priceMatch,
      gtd: 0,
    },
  };
  return stringifyJson(event);
}

/** What a fill changed in the account: the position of the order's symbol and side, and the wallet. */
export interface AccountChange {
  asset: string;
  walletBalance: string;
  positionAmt: string;
  entryPrice: string;
  /** "cross" or "isolated". */
  marginType: string;
}

/** ACCOUNT_UPDATE after a fill: the order's position as it now stands, and the margin asset's wallet. */
export function accountUpdate(order: FakeOrder, now: number, change: AccountChange): string {
  const event: Json = {
    e: "ACCOUNT_UPDATE",
    E: now,
    T: now,
    i: order.market === "um" ? undefined : "SfsR",
    a: {
      m: "ORDER",
      B: [{ a: change.asset, wb: change.walletBalance, cw: change.walletBalance, bc: "0" }],
      P: [
        {
          s: order.symbol,
          pa: change.positionAmt,
          ep: change.entryPrice,
          bep: change.entryPrice,
          cr: "0",
          up: "0",
          mt: change.marginType,
          iw: "0",
          ps: order.positionSide,
        },
      ],
    },
  };
  return stringifyJson(event);
}

export function listenKeyExpired(listenKey: string, now: number): string {
  return stringifyJson({ e: "listenKeyExpired", E: now, listenKey });
}

function baseAsset(order: FakeOrder): string {
  return findSymbol("cm", order.symbol)?.baseAsset ?? "BTC";
}
