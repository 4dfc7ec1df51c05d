import { describe, expect, it } from "vitest";
import { errorBody } from "../../../shared/errors.ts";
import { clockNeed, readServerTime } from "../../../shared/rest/clock.ts";
import { type CallOrigin, replyText } from "../../../shared/rest/egress-reply.ts";
import { type EgressRequest, lostCallReason } from "../../../shared/rest/egress-request.ts";
import { weightCallOf } from "../../../shared/rest/request-weight.ts";

const NOW = 1_700_000_000_000;
const TEN_MINUTES = 10 * 60_000;

function request(
  method: EgressRequest["method"],
  reconcile: EgressRequest["reconcile"] = null,
): EgressRequest {
  return {
    account: "main",
    market: "um",
    method,
    path: "/fapi/v1/order",
    security: "SIGNED",
    query: [["symbol", "BTCUSDT"]],
    body: null,
    countsAsOrder: method === "POST",
    reconcile,
  };
}

const SENT = { side: null, quantity: null };

describe("the clock's need for a sync", () => {
  it("waits for a first sync, refreshes a stale offset in the background, and uses a fresh one", () => {
    expect(clockNeed(undefined, NOW)).toBe("sync");
    expect(clockNeed({ offset: 5, syncedAt: NOW - TEN_MINUTES }, NOW)).toBe("fresh");
    expect(clockNeed({ offset: 5, syncedAt: NOW - TEN_MINUTES - 1 }, NOW)).toBe("refresh");
  });

  it("reads serverTime from GET /time's answer, and nothing from anything else", () => {
    expect(readServerTime('{"serverTime":1700000000123}')).toBe(1_700_000_000_123);
    expect(readServerTime('{"serverTime":"1700000000123"}')).toBeNull();
    expect(readServerTime("null")).toBeNull();
    expect(readServerTime("<html>")).toBeNull();
  });
});

describe("the reason for a lost call", () => {
  it("says a read went unanswered: it can be sent again", () => {
    expect(lostCallReason(request("GET"))).toEqual({ kind: "upstream-unreachable", cause: "network" });
  });

  it("says a write's fate is unknown, naming the client order ids to check", () => {
    expect(lostCallReason(request("DELETE"))).toEqual({ kind: "upstream-timeout" });
    const single = request("POST", { kind: "order", symbol: "BTCUSDT", clientOrderId: "gw-1", sent: SENT });
    expect(lostCallReason(single)).toEqual({ kind: "order-outcome-unknown", clientOrderId: "gw-1" });
    const algo = request("POST", { kind: "algo", clientAlgoId: "gw-a", sent: SENT });
    expect(lostCallReason(algo)).toEqual({ kind: "order-outcome-unknown", clientOrderId: "gw-a" });
    const batch = request("POST", {
      kind: "batch",
      orders: [
        { symbol: "BTCUSDT", clientOrderId: "gw-b1", sent: SENT },
        { symbol: "BTCUSDT", clientOrderId: "gw-b2", sent: SENT },
      ],
    });
    expect(lostCallReason(batch)).toEqual({ kind: "order-outcome-unknown", clientOrderId: "gw-b1, gw-b2" });
  });
});

describe("a reply as text", () => {
  it("keeps Binance's status and body", () => {
    const body = new TextEncoder().encode('{"code":-2019,"msg":"Margin is insufficient."}');
    expect(
      replyText({ kind: "response", status: 400, headers: {}, body: body.buffer as ArrayBuffer }),
    ).toEqual({
      status: 400,
      body: '{"code":-2019,"msg":"Margin is insufficient."}',
      reason: null,
    });
  });

  it("renders the gateway's reason in Binance's error shape, keeping the reason", () => {
    const reason = { kind: "upstream-timeout" } as const;
    const text = replyText({ kind: "error", reason });
    expect(text.status).toBe(504);
    expect(text.reason).toEqual(reason);
    expect(JSON.parse(text.body)).toEqual({
      code: -1007,
      msg: expect.stringContaining("execution status unknown"),
    });
    expect(text.body).toBe(errorBody(reason));
  });
});

describe("the call the weight ledger admits", () => {
  const origin: CallOrigin = { caller: { kind: "hook", name: "tv" }, weightPerMinute: null, replay: null };

  it("names the caller, spends the default budget unless the caller has its own, and weighs the call", () => {
    expect(weightCallOf(request("GET"), origin, 900)).toEqual({
      market: "um",
      caller: "hook 'tv'",
      budget: 900,
      weight: 1,
      protective: false,
    });
    expect(weightCallOf(request("GET"), { ...origin, weightPerMinute: 50 }, 900).budget).toBe(50);
  });

  it("lets a cancel, or a lookup made for a protective write, use the reserve", () => {
    expect(weightCallOf(request("DELETE"), origin, 900).protective).toBe(true);
    expect(weightCallOf(request("GET"), { ...origin, forProtectiveWrite: true }, 900).protective).toBe(true);
  });
});
