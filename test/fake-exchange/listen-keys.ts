// Listen keys (USER_STREAM): one active key per API key and market, valid for 60 minutes by default.

import { randomAlphanumeric } from "./orders.ts";
import type { FakeListenKey, Market } from "./types.ts";

export const DEFAULT_LISTEN_KEY_VALIDITY_MS = 60 * 60 * 1000;

export interface ListenKeyStore {
  validityMs: number;
  readonly keys: FakeListenKey[];
}

export function createListenKeyStore(validityMs: number): ListenKeyStore {
  return { validityMs, keys: [] };
}

function active(store: ListenKeyStore, now: number): FakeListenKey[] {
  // Expired keys are forgotten: Binance answers -1125 for them.
  for (let i = store.keys.length - 1; i >= 0; i -= 1) {
    const key = store.keys[i];
    if (key !== undefined && key.expiresAt <= now) store.keys.splice(i, 1);
  }
  return store.keys;
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
