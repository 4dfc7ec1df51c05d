// What an order desk keeps in SQLite: every accepted alert (its body, status and report; the primary key is
// what makes a delivery repeated any number of times one alert), and the notional opened per hook in the last
// minute.

import type { AlertReport } from "../../shared/webhooks/report.ts";

export interface AlertRow {
  readonly hook: string;
  readonly id: string;
  readonly body: string;
  readonly report: AlertReport;
}

const KEEP_MS = 7 * 24 * 3600_000;

export class DeskStorage {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS alerts (
      hook TEXT NOT NULL, id TEXT NOT NULL, received_at INTEGER NOT NULL, body TEXT NOT NULL,
      status TEXT NOT NULL, report TEXT NOT NULL, PRIMARY KEY (hook, id))`);
    sql.exec(
      "CREATE TABLE IF NOT EXISTS opened (at INTEGER NOT NULL, hook TEXT NOT NULL, notional TEXT NOT NULL)",
    );
  }

  /** Stores a new alert; false if this hook already has one with this id (a repeated delivery). */
  insert(row: AlertRow): boolean {
    const cursor = this.#sql.exec(
      "INSERT OR IGNORE INTO alerts (hook, id, received_at, body, status, report) VALUES (?, ?, ?, ?, ?, ?)",
      row.hook,
      row.id,
      row.report.receivedAt,
      row.body,
      row.report.status,
      JSON.stringify(row.report),
    );
    return cursor.rowsWritten > 0;
  }

  find(hook: string, id: string): AlertRow | null {
    return this.#rows("SELECT * FROM alerts WHERE hook = ? AND id = ?", hook, id)[0] ?? null;
  }

  /** The oldest alert not finished (queued, or running when the object stopped). */
  next(): AlertRow | null {
    return (
      this.#rows(
        "SELECT * FROM alerts WHERE status IN ('queued', 'running') ORDER BY received_at LIMIT 1",
      )[0] ?? null
    );
  }

  save(report: AlertReport): void {
    this.#sql.exec(
      "UPDATE alerts SET status = ?, report = ? WHERE hook = ? AND id = ?",
      report.status,
      JSON.stringify(report),
      report.hook,
      report.id,
    );
  }

  /** Notional the hook opened since `since`, as decimal strings. */
  openedSince(hook: string, since: number): string[] {
    return this.#sql
      .exec<{ notional: string }>("SELECT notional FROM opened WHERE hook = ? AND at > ?", hook, since)
      .toArray()
      .map((row) => row.notional);
  }

  recordOpened(hook: string, at: number, notional: string): void {
    this.#sql.exec("INSERT INTO opened (at, hook, notional) VALUES (?, ?, ?)", at, hook, notional);
  }

  /** Forgets finished alerts after a week and old notional records. */
  prune(now: number): void {
    this.#sql.exec(
      "DELETE FROM alerts WHERE received_at < ? AND status NOT IN ('queued', 'running')",
      now - KEEP_MS,
    );
    this.#sql.exec("DELETE FROM opened WHERE at < ?", now - 120_000);
  }

  #rows(query: string, ...bindings: (string | number)[]): AlertRow[] {
    return this.#sql
      .exec<{ hook: string; id: string; body: string; report: string }>(query, ...bindings)
      .toArray()
      .map((row) => ({
        hook: row.hook,
        id: row.id,
        body: row.body,
        report: JSON.parse(row.report) as AlertReport,
      }));
  }
}
