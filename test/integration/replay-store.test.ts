// The egress object's replay records (workers/egress/replays.ts) at the level of its SQLite statements: a first
// write claims its key in one statement, with no lookup before it (every order pays for each statement), and the
// claim still treats an expired record that pruning has not reached yet as gone.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EgressReply } from "../../shared/rest/egress-reply.ts";
import { ReplayStore } from "../../workers/egress/replays.ts";

const UNKNOWN = { kind: "order-outcome-unknown", clientOrderId: "gw-1" } as const;
const ANSWER: EgressReply = { kind: "response", status: 200, headers: {}, body: new ArrayBuffer(2) };

/** The object's SQLite, with every statement it is asked to run written down. */
function recording(sql: SqlStorage): { readonly sql: SqlStorage; readonly statements: string[] } {
  const statements: string[] = [];
  const exec: SqlStorage["exec"] = (query, ...bindings) => {
    statements.push(query.trim().split(/\s+/)[0] ?? "");
    return sql.exec(query, ...bindings);
  };
  return { sql: Object.assign(Object.create(sql) as SqlStorage, { exec }), statements };
}

function inEgress<T>(run: (sql: SqlStorage) => Promise<T>): Promise<T> {
  const stub = env.BINANCE_EGRESS.getByName(`replay-store-${crypto.randomUUID()}`);
  return runInDurableObject(stub, (_instance, state) => run(state.storage.sql));
}

describe("replay records", () => {
  it("claims a first write's key without looking it up first", async () => {
    const statements = await inEgress(async (sql) => {
      const store = recording(sql);
      const replays = new ReplayStore(store.sql);
      store.statements.length = 0;
      let before: string[] = [];
      const now = Date.now();
      await replays.once({ key: "k1", expiresAt: now + 60_000 }, UNKNOWN, now, async () => {
        before = [...store.statements];
        return ANSWER;
      });
      return before;
    });
    expect(statements.filter((verb) => verb === "SELECT")).toEqual([]);
    expect(statements.filter((verb) => verb === "INSERT")).toHaveLength(1);
  });

  it("answers a copy with the stored outcome, and sends again over a record past its expiry", async () => {
    const sent = await inEgress(async (sql) => {
      const replays = new ReplayStore(sql);
      let sends = 0;
      const send = async () => {
        sends++;
        return ANSWER;
      };
      const now = Date.now();
      const guard = { key: "k2", expiresAt: now + 10 };
      await replays.once(guard, UNKNOWN, now, send);
      const copy = await replays.once(guard, UNKNOWN, now + 5, send);
      expect(copy).toMatchObject({ kind: "response", status: 200, replayed: true });
      // Within the second after the last pruning: the expired record is still in the table.
      const later = await replays.once({ key: "k2", expiresAt: now + 60_000 }, UNKNOWN, now + 20, send);
      expect(later.replayed).toBeUndefined();
      return sends;
    });
    expect(sent).toBe(2);
  });
});
