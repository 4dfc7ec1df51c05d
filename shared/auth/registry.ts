// Credential lookup in constant time. Each configured apiKey and token is stored as its SHA-256 digest; a
// presented credential is digested and compared with every stored digest, all of them, with an XOR fold
// that does not stop early. Neither the match position nor a matching prefix shows in the timing.

import { utf8 } from "../encoding/bytes.ts";
import { importHmacKey } from "../signing/signer.ts";
import type { GatewayClient } from "./clients.ts";

interface Entry {
  readonly client: GatewayClient;
  readonly digest: Uint8Array<ArrayBuffer>;
}

export class ClientRegistry {
  readonly clients: readonly GatewayClient[];
  readonly #byApiKey: readonly Entry[];
  readonly #byToken: readonly Entry[];
  readonly #verifyKeys = new Map<GatewayClient, Promise<CryptoKey>>();

  private constructor(clients: readonly GatewayClient[], byApiKey: Entry[], byToken: Entry[]) {
    this.clients = clients;
    this.#byApiKey = byApiKey;
    this.#byToken = byToken;
  }

  static async create(clients: readonly GatewayClient[]): Promise<ClientRegistry> {
    const byApiKey: Entry[] = [];
    const byToken: Entry[] = [];
    for (const client of clients) {
      if (client.apiKey !== null) byApiKey.push({ client, digest: await digest(client.apiKey) });
      if (client.token !== null) byToken.push({ client, digest: await digest(client.token) });
    }
    return new ClientRegistry(clients, byApiKey, byToken);
  }

  findByApiKey(presented: string): Promise<GatewayClient | null> {
    return find(this.#byApiKey, presented);
  }

  findByToken(presented: string): Promise<GatewayClient | null> {
    return find(this.#byToken, presented);
  }

  /** The client's apiSecret imported once as an HMAC verify key; null for token-only clients. */
  verifyKey(client: GatewayClient): Promise<CryptoKey> | null {
    if (client.apiSecret === null) return null;
    let key = this.#verifyKeys.get(client);
    if (key === undefined) {
      key = importHmacKey(client.apiSecret, ["verify"]);
      this.#verifyKeys.set(client, key);
    }
    return key;
  }
}

async function find(entries: readonly Entry[], presented: string): Promise<GatewayClient | null> {
  const wanted = await digest(presented);
  let found: GatewayClient | null = null;
  for (const entry of entries) {
    if (constantTimeEqual(entry.digest, wanted)) found = entry.client;
  }
  return found;
}

/** SHA-256 of the text's UTF-8 bytes. */
export async function digest(text: string): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", utf8.encode(text)));
}

/**
 * Whether a presented secret (a webhook passphrase) equals the expected one, compared as SHA-256 digests the
 * way credentials are: equal lengths, no early exit, so the time taken tells nothing about either.
 */
export async function sameSecret(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  return constantTimeEqual(a, b);
}

/** Equal-length byte arrays compared without an early exit. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
