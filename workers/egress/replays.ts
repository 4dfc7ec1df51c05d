// Exact replays of a write answered once (shared/rest/replay-guard.ts), kept in the egress object's SQLite.
// - The record is written before the call leaves. A write to storage holds the object's outgoing messages until it
//   is durable (the output gate), so no order reaches Binance without its record.
// - While the original is in flight, a copy waits for it (in memory); after it, a copy gets the stored outcome:
//   status, headers and body, or the gateway's error. A refusal that kept the write from going out (a back-off
//   hold, the weight budget) is not kept: a copy sent later is the first attempt.
// - A record still pending when the object restarted mid-call holds "outcome unknown" (naming the client order
//   ids): the original's fate is not known, and sending the copy could make a second order.
// Records live until their guard expires (at most recvWindow 60 s + the margin); expired ones are deleted at most
// once a second, so storage holds about a minute of writes, which Binance's rate limits bound.

import type { GatewayErrorReason } from "../../shared/errors.ts";
import type { EgressReply } from "../../shared/rest/egress-reply.ts";
import type { ReplayGuard } from "../../shared/rest/replay-guard.ts";

/** Binance's answers to writes are a few KB; a larger one is not kept (a SQLite row holds at most 2 MB). */
const MAX_STORED_BODY = 1_048_576;
const PRUNE_EVERY_MS = 1000;
/**
 * The egress object's own refusals: the write was not sent (or only an attempt Binance refused for its
 * timestamp), so a copy sent once the hold or the minute is over is the first to run, not a second one.
 */
const NOT_EXECUTED: ReadonlySet<GatewayErrorReason["kind"]> = new Set([
  "upstream-banned",
  "weight-budget",
  "gateway-misconfigured",
]);

type StoredOutcome =
  | {
      readonly kind: "response";
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      readonly reconciled?: "found" | "batch";
    }
  | { readonly kind: "error"; readonly reason: GatewayErrorReason };

export class ReplayStore {
  readonly #sql: SqlStorage;
  readonly #inFlight = new Map<string, Promise<EgressReply>>();
  #prunedAt = 0;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS replays (
      key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL, outcome TEXT NOT NULL, body BLOB)`);
    sql.exec("CREATE INDEX IF NOT EXISTS replays_expiry ON replays (expires_at)");
  }

  /**
   * Runs `send` once per guard: the first call sends, copies get its outcome marked `replayed`. `unknown` is the
   * answer a copy gets if the object restarts before the original's outcome is stored.
   */
  async once(
    guard: ReplayGuard,
    unknown: GatewayErrorReason,
    now: number,
    send: () => Promise<EgressReply>,
  ): Promise<EgressReply> {
    const running = this.#inFlight.get(guard.key);
    if (running !== undefined) return replayed(await running);
    this.#prune(now);
    // One statement claims the key (or finds it taken) on the common path, a first write; no await between the
    // in-memory lookup above and it, so no other call can slip in between.
    const pending: StoredOutcome = { kind: "error", reason: unknown };
    if (!this.#claim(guard, pending, now)) {
      // Taken by a record unexpired at the same `now`: its outcome is the answer. Were it gone, the write still
      // does not leave without its record.
      const stored = this.#find(guard.key, now);
      if (stored !== null) return replayed(stored);
      this.#write(guard, pending, null);
    }
    const call = send().then((reply) => {
      this.#complete(guard, reply);
      return reply;
    });
    this.#inFlight.set(guard.key, call);
    try {
      return await call;
    } finally {
      this.#inFlight.delete(guard.key);
    }
  }

  #find(key: string, now: number): EgressReply | null {
    const row = this.#sql
      .exec<{ outcome: string; body: ArrayBuffer | null }>(
        "SELECT outcome, body FROM replays WHERE key = ? AND expires_at > ?",
        key,
        now,
      )
      .toArray()[0];
    if (row === undefined) return null;
    const outcome = JSON.parse(row.outcome) as StoredOutcome;
    if (outcome.kind === "error") return outcome;
    return { ...outcome, body: row.body ?? new ArrayBuffer(0) };
  }

  /**
   * Writes the pending record unless an unexpired one holds the key; false when one does. An expired record
   * not yet pruned is overwritten, as if it were gone.
   */
  #claim(guard: ReplayGuard, pending: StoredOutcome, now: number): boolean {
    const claimed = this.#sql.exec(
      `INSERT INTO replays (key, expires_at, outcome, body) VALUES (?, ?, ?, NULL)
       ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at, outcome = excluded.outcome, body = NULL
       WHERE replays.expires_at <= ? RETURNING key`,
      guard.key,
      guard.expiresAt,
      JSON.stringify(pending),
      now,
    );
    return claimed.toArray().length > 0;
  }

  #complete(guard: ReplayGuard, reply: EgressReply): void {
    if (reply.kind === "error" && NOT_EXECUTED.has(reply.reason.kind)) {
      this.#sql.exec("DELETE FROM replays WHERE key = ?", guard.key);
    } else if (reply.kind === "error") {
      this.#write(guard, reply, null);
    } else if (reply.body.byteLength <= MAX_STORED_BODY) {
      const { body, ...outcome } = reply;
      this.#write(guard, outcome, body);
    }
    // Too large to keep: the record keeps saying "outcome unknown", which never causes a second send.
  }

  #write(guard: ReplayGuard, outcome: StoredOutcome, body: ArrayBuffer | null): void {
    this.#sql.exec(
      "INSERT OR REPLACE INTO replays (key, expires_at, outcome, body) VALUES (?, ?, ?, ?)",
      guard.key,
      guard.expiresAt,
      JSON.stringify(outcome),
      body,
    );
  }

  #prune(now: number): void {
    if (now - this.#prunedAt < PRUNE_EVERY_MS) return;
    this.#prunedAt = now;
    this.#sql.exec("DELETE FROM replays WHERE expires_at <= ?", now);
  }
}

function replayed(reply: EgressReply): EgressReply {
  return { ...reply, replayed: true };
}
