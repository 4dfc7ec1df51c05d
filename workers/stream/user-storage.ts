// What an account's user stream object keeps in SQLite: its account and market, Binance's listen key and when
// it is next kept alive, and the relay keys handed to clients with their owners and expiry times.

import type { RelayKeyScope } from "../../shared/auth/relay-key.ts";
import { MetaTable } from "./meta-table.ts";

export interface RelayKeyRow {
  readonly key: string;
  readonly client: string;
  readonly expiresAt: number;
}

export class UserStorage {
  readonly #sql: SqlStorage;
  readonly #meta: MetaTable;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    this.#meta = new MetaTable(sql);
    sql.exec(
      "CREATE TABLE IF NOT EXISTS relay_keys (key TEXT PRIMARY KEY, client TEXT NOT NULL, expires_at INTEGER NOT NULL)",
    );
  }

  scope(): RelayKeyScope | null {
    const account = this.#meta.get("account");
    const market = this.#meta.get("market");
    return account !== null && (market === "um" || market === "cm") ? { account, market } : null;
  }

  setScope(scope: RelayKeyScope): void {
    this.#meta.set("account", scope.account);
    this.#meta.set("market", scope.market);
  }

  /** Binance's listen key in use, or null. */
  listenKey(): string | null {
    return this.#meta.get("listen_key");
  }

  setListenKey(listenKey: string | null): void {
    if (listenKey === null) this.#meta.delete("listen_key");
    else this.#meta.set("listen_key", listenKey);
  }

  keepaliveDue(): number | null {
    const value = Number(this.#meta.get("keepalive_due") ?? Number.NaN);
    return Number.isFinite(value) ? value : null;
  }

  setKeepaliveDue(at: number): void {
    this.#meta.set("keepalive_due", String(at));
  }

  /** The client's relay key that is still alive, if any. */
  keyOf(client: string, now: number): RelayKeyRow | null {
    return this.#row("SELECT * FROM relay_keys WHERE client = ? AND expires_at > ?", client, now);
  }

  find(key: string, now: number): RelayKeyRow | null {
    return this.#row("SELECT * FROM relay_keys WHERE key = ? AND expires_at > ?", key, now);
  }

  alive(now: number): RelayKeyRow[] {
    return this.#rows("SELECT * FROM relay_keys WHERE expires_at > ? ORDER BY expires_at", now);
  }

  /** Keys whose time is up; they are deleted as they are returned. */
  takeExpired(now: number): RelayKeyRow[] {
    const rows = this.#rows("SELECT * FROM relay_keys WHERE expires_at <= ?", now);
    this.#sql.exec("DELETE FROM relay_keys WHERE expires_at <= ?", now);
    return rows;
  }

  put(row: RelayKeyRow): void {
    this.#sql.exec(
      "INSERT OR REPLACE INTO relay_keys (key, client, expires_at) VALUES (?, ?, ?)",
      row.key,
      row.client,
      row.expiresAt,
    );
  }

  revoke(key: string): void {
    this.#sql.exec("DELETE FROM relay_keys WHERE key = ?", key);
  }

  #row(query: string, ...bindings: (string | number)[]): RelayKeyRow | null {
    return this.#rows(query, ...bindings)[0] ?? null;
  }

  #rows(query: string, ...bindings: (string | number)[]): RelayKeyRow[] {
    return this.#sql
      .exec<{ key: string; client: string; expires_at: number }>(query, ...bindings)
      .toArray()
      .map((row) => ({ key: row.key, client: row.client, expiresAt: row.expires_at }));
  }
}
