// Each caller's share of the relay's distinct streams.
import { describe, expect, it } from "vitest";
import { PUBLIC_SHARE, ShareLedger, shareOf, shareRefusal } from "../../../shared/streams/stream-shares.ts";

describe("shares", () => {
  it("puts every anonymous address in one public share and each credential in its own", () => {
    expect(shareOf("ip:203.0.113.1")).toBe(PUBLIC_SHARE);
    expect(shareOf("ip:2001:db8::1")).toBe(PUBLIC_SHARE);
    expect(shareOf("client:bot")).toBe("client:bot");
  });

  it("counts distinct streams across a share's sockets, freeing one when its last holder lets go", () => {
    const ledger = new ShareLedger();
    ledger.hold("client:a", "btcusdt@aggTrade");
    ledger.hold("client:a", "btcusdt@aggTrade");
    ledger.hold("client:a", "ethusdt@aggTrade");
    ledger.hold("client:b", "btcusdt@aggTrade");
    expect(ledger.size("client:a")).toBe(2);
    ledger.release("client:a", "btcusdt@aggTrade");
    expect(ledger.size("client:a")).toBe(2);
    ledger.release("client:a", "btcusdt@aggTrade");
    expect(ledger.size("client:a")).toBe(1);
    expect(ledger.size("client:b")).toBe(1);
    ledger.release("client:a", "never@held");
    expect(ledger.size("client:a")).toBe(1);
  });

  it("refuses what would take a share past its limit, counting streams it holds already as free", () => {
    const ledger = new ShareLedger();
    for (const stream of ["a@trade", "b@trade", "c@trade"]) ledger.hold("client:a", stream);
    expect(shareRefusal(ledger, "client:a", ["a@trade", "d@trade"], 4)).toBeNull();
    expect(shareRefusal(ledger, "client:a", ["d@trade", "e@trade", "d@trade"], 4)).toBe(
      "too many streams: the sockets of one credential hold at most 4 distinct streams together",
    );
    // Another caller holding the same streams does not help or hurt: each share pays for what it holds.
    expect(shareRefusal(ledger, "client:b", ["a@trade", "b@trade", "c@trade", "d@trade"], 4)).toBeNull();
    expect(shareRefusal(ledger, PUBLIC_SHARE, ["a@trade", "b@trade"], 1)).toBe(
      "too many streams: anonymous clients together hold at most 1 distinct streams",
    );
  });
});
