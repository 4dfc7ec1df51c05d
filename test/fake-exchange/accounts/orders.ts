// Order book-keeping per market. Order ids are BigInt and start above Number.MAX_SAFE_INTEGER.

import { randomInt } from "node:crypto";
import type { FakeOrder, Market } from "../types.ts";

/** 2^53 + 1 = 9007199254740993: the first integer a JS number cannot represent. */
export const FIRST_ORDER_ID = 2n ** 53n + 1n;

export interface OrderStore {
  readonly market: Market;
  nextId: bigint;
  readonly orders: FakeOrder[];
}

export function createOrderStore(market: Market): OrderStore {
  return { market, nextId: FIRST_ORDER_ID, orders: [] };
}

/** Forgets all orders; ids keep counting so an id is never reused within one fake's lifetime. */
export function clearOrders(store: OrderStore): void {
  store.orders.length = 0;
}

export const CLIENT_ID_PATTERN = /^[.A-Z:/a-z0-9_-]{1,36}$/;
export const CLIENT_ID_RANGE = "^[\\.A-Z\\:/a-z0-9_-]{1,36}$";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function randomAlphanumeric(length: number): string {
  let out = "";
  for (let i = 0; i < length; i += 1) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)] ?? "x";
  return out;
}

export function isOpen(order: FakeOrder): boolean {
  return order.status === "NEW" || order.status === "PARTIALLY_FILLED";
}

export function clientIdInUse(store: OrderStore, clientOrderId: string): boolean {
  return store.orders.some((order) => isOpen(order) && order.clientOrderId === clientOrderId);
}

export function addOrder(
  store: OrderStore,
  draft: Omit<FakeOrder, "orderId" | "market" | "apiKey">,
  apiKey: string | null,
): FakeOrder {
  const order: FakeOrder = { ...draft, market: store.market, orderId: store.nextId, apiKey };
  store.nextId += 1n;
  store.orders.push(order);
  return order;
}

/** Parses an order id sent as text; only plain non-negative decimal integers are ids. */
export function parseOrderId(text: string): bigint | null {
  return /^\d{1,30}$/.test(text) ? BigInt(text) : null;
}

export interface OrderRef {
  orderId?: bigint;
  clientOrderId?: string;
}

/** Finds by orderId, else by client order id (an open order first, then the most recent one). */
export function findOrder(store: OrderStore, symbol: string, ref: OrderRef): FakeOrder | undefined {
  const ofSymbol = store.orders.filter((order) => order.symbol === symbol);
  if (ref.orderId !== undefined) return ofSymbol.find((order) => order.orderId === ref.orderId);
  if (ref.clientOrderId === undefined) return undefined;
  const named = ofSymbol.filter((order) => order.clientOrderId === ref.clientOrderId);
  return named.find(isOpen) ?? named.at(-1);
}

export function cancelOrder(order: FakeOrder, now: number): void {
  order.status = "CANCELED";
  order.updateTime = now;
}

export function openOrders(store: OrderStore, symbol?: string): FakeOrder[] {
  return store.orders.filter((order) => isOpen(order) && (symbol === undefined || order.symbol === symbol));
}

/** The open orders one account (API key) placed. */
export function accountOpenOrders(store: OrderStore, apiKey: string, symbol?: string): FakeOrder[] {
  return openOrders(store, symbol).filter((order) => order.apiKey === apiKey);
}
