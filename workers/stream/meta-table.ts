// A stream object's few settings in its SQLite `meta` table (the relay's market and back-off, the user stream's
// scope, listen key and keepalive time): one row per name, read and written synchronously.

export class MetaTable {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  }

  get(key: string): string | null {
    return (
      this.#sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value ??
      null
    );
  }

  set(key: string, value: string): void {
    this.#sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, value);
  }

  delete(key: string): void {
    this.#sql.exec("DELETE FROM meta WHERE key = ?", key);
  }
}
