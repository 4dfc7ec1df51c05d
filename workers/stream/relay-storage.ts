// What the market relay keeps in its SQLite storage, so that a restart (deploy, eviction) rebuilds the same
// upstream for the same clients: its market, the upstream stream set, which streams clients were told are
// interrupted, the reconnect back-off, and each client socket's subscriptions. All calls are synchronous
// (SQLite in a Durable Object), so state and storage never disagree between two events.

import type { Market } from "../../shared/catalog/types.ts";
import { MetaTable } from "./meta-table.ts";
import type { SubscriptionStore } from "./relay-client.ts";

export class RelayStorage implements SubscriptionStore {
  readonly #sql: SqlStorage;
  readonly #meta: MetaTable;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    this.#meta = new MetaTable(sql);
    sql.exec("CREATE TABLE IF NOT EXISTS streams (name TEXT PRIMARY KEY)");
    sql.exec("CREATE TABLE IF NOT EXISTS lost_streams (name TEXT PRIMARY KEY)");
    sql.exec(
      "CREATE TABLE IF NOT EXISTS client_streams (socket TEXT NOT NULL, stream TEXT NOT NULL, PRIMARY KEY (socket, stream))",
    );
  }

  market(): Market | null {
    const value = this.#meta.get("market");
    return value === "um" || value === "cm" ? value : null;
  }

  setMarket(market: Market): void {
    this.#meta.set("market", market);
  }

  failures(): number {
    const value = Number(this.#meta.get("failures") ?? "0");
    return Number.isInteger(value) && value > 0 ? value : 0;
  }

  setFailures(failures: number): void {
    this.#meta.set("failures", String(failures));
  }

  streams(): string[] {
    return this.#names("SELECT name FROM streams");
  }

  addStreams(streams: readonly string[]): void {
    for (const stream of streams) this.#sql.exec("INSERT OR IGNORE INTO streams (name) VALUES (?)", stream);
  }

  removeStreams(streams: readonly string[]): void {
    for (const stream of streams) {
      this.#sql.exec("DELETE FROM streams WHERE name = ?", stream);
      this.#sql.exec("DELETE FROM lost_streams WHERE name = ?", stream);
    }
  }

  lostStreams(): Set<string> {
    return new Set(this.#names("SELECT name FROM lost_streams"));
  }

  setLost(streams: readonly string[], lost: boolean): void {
    for (const stream of streams) {
      if (lost) this.#sql.exec("INSERT OR IGNORE INTO lost_streams (name) VALUES (?)", stream);
      else this.#sql.exec("DELETE FROM lost_streams WHERE name = ?", stream);
    }
  }

  load(socket: string): string[] {
    return this.#sql
      .exec<{ stream: string }>("SELECT stream FROM client_streams WHERE socket = ? ORDER BY rowid", socket)
      .toArray()
      .map((row) => row.stream);
  }

  add(socket: string, streams: readonly string[]): void {
    for (const stream of streams)
      this.#sql.exec("INSERT OR IGNORE INTO client_streams (socket, stream) VALUES (?, ?)", socket, stream);
  }

  remove(socket: string, streams: readonly string[]): void {
    for (const stream of streams)
      this.#sql.exec("DELETE FROM client_streams WHERE socket = ? AND stream = ?", socket, stream);
  }

  /** Deletes the subscriptions of sockets that are gone (closed while the object was not running). */
  keepSockets(live: ReadonlySet<string>): void {
    for (const socket of this.#names("SELECT DISTINCT socket AS name FROM client_streams"))
      if (!live.has(socket)) this.#sql.exec("DELETE FROM client_streams WHERE socket = ?", socket);
  }

  #names(query: string): string[] {
    return this.#sql
      .exec<{ name: string }>(query)
      .toArray()
      .map((row) => row.name);
  }
}
