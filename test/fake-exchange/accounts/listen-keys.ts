// Listen keys (USER_STREAM): one active key per API key and market, valid for 60 minutes by default.

import type { FakeListenKey, Market } from "../types.ts";
import { randomAlphanumeric } from "./orders.ts";

export const DEFAULT_LISTEN_KEY_VALIDITY_MS = 60 * 60 * 1000;

export interface ListenKeyStore {
  validityMs: number;
  readonly keys: FakeListenKey[];
  /** Told about each key that expires (its streams then get a listenKeyExpired event). */
  onExpired: (key: FakeListenKey, now: number) => void;
}

export function createListenKeyStore(validityMs: number): ListenKeyStore {
  return { validityMs, keys: [], onExpired: () => undefined };
}

/** The keys still valid; expired ones are forgotten (Binance answers -1125 for them) and announced. */
export function active(store: ListenKeyStore, now: number): FakeListenKey[] {
  for (let i = store.keys.length - 1; i >= 0; i -= 1) {
    const key = store.keys[i];
    if (key === undefined || key.expiresAt > now) continue;
    store.keys.splice(i, 1);
    store.onExpired(key, now);
  }
  return store.keys;
}

/** Ends a key now, as if its 60 minutes ran out (its streams get listenKeyExpired); false if not active. */
export function expireListenKey(store: ListenKeyStore, listenKey: string, now: number): boolean {
  const key = active(store, now).find((k) => k.listenKey === listenKey);
  if (key === undefined) return false;
  key.expiresAt = now;
  active(store, now);
  return true;
}

/** Drops a key without any event (the next keepalive gets -1125); false if not active. */
export function forgetListenKey(store: ListenKeyStore, listenKey: string, now: number): boolean {
  const index = active(store, now).findIndex((k) => k.listenKey === listenKey);
  if (index === -1) return false;
  store.keys.splice(index, 1);
  return true;
}

/** POST: returns the active key of this API key (extended) or a new 64-character key. */
export function createListenKey(
  store: ListenKeyStore,
  market: Market,
  apiKey: string,
  now: number,
): FakeListenKey {
  const existing = active(store, now).find((key) => key.market === market && key.apiKey === apiKey);
  if (existing !== undefined) {
    existing.expiresAt = now + store.validityMs;
    return existing;
  }
  const created: FakeListenKey = {
    market,
    apiKey,
    listenKey: randomAlphanumeric(64),
    expiresAt: now + store.validityMs,
  };
  store.keys.push(created);
  return created;
}

/** PUT: extends the given key (or, without one, the API key's active key); undefined = -1125. */
export function keepAliveListenKey(
  store: ListenKeyStore,
  market: Market,
  apiKey: string,
  listenKey: string | undefined,
  now: number,
): FakeListenKey | undefined {
  const found = active(store, now).find(
    (key) =>
      key.market === market &&
      key.apiKey === apiKey &&
      (listenKey === undefined || key.listenKey === listenKey),
  );
  if (found !== undefined) found.expiresAt = now + store.validityMs;
  return found;
}

/** DELETE: closes the given key (or the API key's active key). */
export function closeListenKey(
  store: ListenKeyStore,
  market: Market,
  apiKey: string,
  listenKey: string | undefined,
): void {
  const index = store.keys.findIndex(
    (key) =>
      key.market === market &&
      key.apiKey === apiKey &&
      (listenKey === undefined || key.listenKey === listenKey),
  );
  if (index !== -1) store.keys.splice(index, 1);
}

/** Whether a listen key is currently valid (for the WebSocket side). */
export function isListenKeyActive(store: ListenKeyStore, listenKey: string, now: number): boolean {
  return active(store, now).some((key) => key.listenKey === listenKey);
}
