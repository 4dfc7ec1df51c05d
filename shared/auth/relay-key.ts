// Relay listen keys: what a client gets instead of Binance's listen key. Same shape as Binance's (64 letters and
// digits), so clients that check it are content: 40 random characters, then 24 characters of an HMAC over the
// account, the market and the random part. The gateway can therefore tell which account's user stream a key
// belongs to without any lookup, and nobody can make one up; whether it is still alive (not expired, not
// revoked) is for the account's user stream object to say. The MAC key is derived from GATEWAY_CLIENTS, like
// stream tokens: changing the clients ends every relay key (clients then get -1125 and create a new one).

import type { Market } from "../catalog/types.ts";
import { utf8 } from "../encoding/bytes.ts";
import { derivedHmacKey } from "./derived-key.ts";
import { constantTimeEqual } from "./registry.ts";

export interface RelayKeyScope {
  readonly account: string;
  readonly market: Market;
}

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const RANDOM_LENGTH = 40;
const TAG_LENGTH = 24;
const SHAPE = /^[A-Za-z0-9]{64}$/;
const MARKETS: readonly Market[] = ["um", "cm"];

/** Whether a text has the shape of a listen key (Binance's or the relay's). */
export function looksLikeListenKey(text: string): boolean {
  return SHAPE.test(text);
}

export function relayKeyMac(gatewayClients: string): Promise<CryptoKey> {
  return derivedHmacKey("relay-listen-key:v1", gatewayClients);
}

export async function mintRelayKey(mac: CryptoKey, scope: RelayKeyScope): Promise<string> {
  const random = randomText(RANDOM_LENGTH);
  return `${random}${await tag(mac, scope, random)}`;
}

/** The account and market a genuine relay key belongs to, or null (not one of ours, or made up). */
export async function relayKeyScope(
  mac: CryptoKey,
  key: string,
  accounts: readonly string[],
): Promise<RelayKeyScope | null> {
  if (!SHAPE.test(key)) return null;
  const random = key.slice(0, RANDOM_LENGTH);
  const given = utf8.encode(key.slice(RANDOM_LENGTH));
  let found: RelayKeyScope | null = null;
  // Every candidate is checked, so the time taken does not tell which one matched.
  for (const account of accounts) {
    for (const market of MARKETS) {
      const expected = utf8.encode(await tag(mac, { account, market }, random));
      if (constantTimeEqual(expected, given)) found = { account, market };
    }
  }
  return found;
}

async function tag(mac: CryptoKey, scope: RelayKeyScope, random: string): Promise<string> {
  const payload = utf8.encode(`${scope.account}\u0000${scope.market}\u0000${random}`);
  const bytes = new Uint8Array(await crypto.subtle.sign("HMAC", mac, payload));
  let out = "";
  for (let i = 0; i < TAG_LENGTH; i++) out += ALPHABET[(bytes[i] ?? 0) % ALPHABET.length];
  return out;
}

/** Uniform random characters of ALPHABET (rejection sampling: no bias towards the first letters). */
function randomText(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}
