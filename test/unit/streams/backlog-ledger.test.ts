import { describe, expect, it } from "vitest";
import { BacklogLedger } from "../../../shared/streams/backlog-ledger.ts";

describe("BacklogLedger", () => {
  it("sums each share's latest readings, forgetting sockets that read everything or are removed", () => {
    const ledger = new BacklogLedger<string>();
    expect(ledger.set("a", "s1", 100)).toBe(100);
    expect(ledger.set("a", "s2", 50)).toBe(150);
    expect(ledger.set("a", "s1", 30)).toBe(80);
    expect(ledger.set("b", "s3", 7)).toBe(7);
    expect(ledger.entries("a")).toEqual([
      ["s1", 30],
      ["s2", 50],
    ]);
    ledger.set("a", "s2", 0);
    expect(ledger.entries("a")).toEqual([["s1", 30]]);
    ledger.remove("s1");
    ledger.remove("unknown");
    expect([ledger.total("a"), ledger.total("b"), ledger.entries("a")]).toEqual([0, 7, []]);
  });
});
