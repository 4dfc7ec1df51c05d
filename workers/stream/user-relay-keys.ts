// The relay listen keys a user stream object hands out in place of Binance's: one per client (asked again, the
// client gets the same key, extended, as Binance does), lapsing validityMs after the last keepalive. A key that
// lapses, is revoked or loses its access ends: its relays get Binance's listenKeyExpired and their feeds close.

import { mintRelayKey, type RelayKeyScope, relayKeyScope } from "../../shared/auth/relay-key.ts";
import type { RelayKeyConfig } from "../config/index.ts";
import type { FeedSockets } from "./user-feed-sockets.ts";
import { unauthorizedKeys } from "./user-keys.ts";
import type { RelayKeyRow, UserStorage } from "./user-storage.ts";

export class RelayKeys {
  readonly #storage: UserStorage;
  readonly #feeds: FeedSockets;

  constructor(storage: UserStorage, feeds: FeedSockets) {
    this.#storage = storage;
    this.#feeds = feeds;
  }

  /** The client's key: its live one, extended, or a new one. `config`: GATEWAY_CLIENTS as read by the configuration. */
  async issue(scope: RelayKeyScope, client: string, validityMs: number, config: RelayKeyConfig, now: number) {
    const mac = await config.mac;
    let key = this.#storage.keyOf(client, now)?.key ?? null;
    if (key !== null && (await relayKeyScope(mac, key, [scope.account]))?.market !== scope.market) {
      // Minted under an earlier GATEWAY_CLIENTS: the gateway no longer accepts it, so it ends here too.
      this.#end(key, now, "listen key no longer valid");
      key = null;
    }
    key ??= await mintRelayKey(mac, scope);
    this.#storage.put({ key, client, expiresAt: now + validityMs });
    return key;
  }

  /** Extends the client's key (the one named, or its live one); null if it holds none. */
  extend(client: string, key: string | null, validityMs: number, now: number): string | null {
    const row = this.#holdersRow(client, key, now);
    if (row === null) return null;
    this.#storage.put({ ...row, expiresAt: now + validityMs });
    return row.key;
  }

  /** Revokes the client's key (the one named, or its live one); false if it holds none. */
  revoke(client: string, key: string | null, now: number): boolean {
    const row = this.#holdersRow(client, key, now);
    if (row !== null) this.#end(row.key, now, "listen key revoked");
    return row !== null;
  }

  /** Ends the keys whose time is up. */
  expire(now: number): void {
    for (const row of this.#storage.takeExpired(now)) this.#feeds.end(row.key, now, "listen key expired");
  }

  /**
   * Ends keys whose holder left GATEWAY_CLIENTS, lost the stream scope or moved account, and keys minted under
   * an earlier GATEWAY_CLIENTS (the gateway refuses those already): open feeds do not outlive the access.
   */
  async endUnauthorized(scope: RelayKeyScope, config: RelayKeyConfig, now: number): Promise<void> {
    for (const key of await unauthorizedKeys(this.#storage.alive(now), scope, config))
      this.#end(key, now, "listen key no longer authorized");
  }

  #holdersRow(client: string, key: string | null, now: number): RelayKeyRow | null {
    const row = key === null ? this.#storage.keyOf(client, now) : this.#storage.find(key, now);
    return row !== null && row.client === client ? row : null;
  }

  #end(key: string, now: number, why: string): void {
    this.#storage.revoke(key);
    this.#feeds.end(key, now, why);
  }
}
