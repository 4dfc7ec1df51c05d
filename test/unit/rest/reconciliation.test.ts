import { describe, expect, it } from "vitest";
import type { EgressReply } from "../../../shared/rest/egress-reply.ts";
import type { EgressRequest, SentOrder } from "../../../shared/rest/egress-request.ts";
import {
  FIRST_LOOKUP,
  isTheSentOrder,
  judgeLookup,
  type LookupState,
  lookupDeadline,
  lookupRequest,
  orderLookups,
} from "../../../shared/rest/reconciliation.ts";

const STAMPED = 1_700_000_000_000;
const NOW = 1_700_000_000_500;
const SENT: SentOrder = { side: "buy", quantity: "0.010" };

function placed(reconcile: EgressRequest["reconcile"], query: EgressRequest["query"] = []): EgressRequest {
  return {
    account: "main",
    market: "um",
    method: "POST",
    path: "/fapi/v1/order",
    security: "SIGNED",
    query,
    body: null,
    countsAsOrder: true,
    reconcile,
  };
}

const order = placed({ kind: "order", symbol: "BTCUSDT", clientOrderId: "gw-1", sent: SENT });
const deadline = lookupDeadline(order, STAMPED, NOW);

const json = (status: number, value: unknown): EgressReply => ({
  kind: "response",
  status,
  headers: { "content-type": "application/json" },
  body: new TextEncoder().encode(JSON.stringify(value)).buffer as ArrayBuffer,
});
const theOrder = json(200, { time: STAMPED + 10, side: "BUY", origQty: "0.01", clientOrderId: "gw-1" });
const olderOrder = json(200, { time: STAMPED - 60_000, side: "BUY", origQty: "0.01" });
const noSuchOrder = json(400, { code: -2013, msg: "Order does not exist." });
const banned: EgressReply = {
  kind: "error",
  reason: { kind: "upstream-banned", status: 429, code: -1003, until: NOW + 60_000 },
};

function judge(reply: EgressReply, options: { state?: LookupState; serverTime?: number; now?: number } = {}) {
  return judgeLookup({
    reply,
    sent: SENT,
    deadline,
    state: options.state ?? FIRST_LOOKUP,
    serverTimeAtSend: options.serverTime ?? NOW,
    now: options.now ?? NOW,
  });
}

describe("the lookup deadline", () => {
  it("closes recvWindow plus a margin after the request's timestamp, and gives up 20 s from now", () => {
    expect(deadline).toEqual({ stampedAt: STAMPED, closesAt: STAMPED + 5000 + 2000, giveUpAt: NOW + 20_000 });
    const wide = placed(order.reconcile, [["recvWindow", "60000"]]);
    expect(lookupDeadline(wide, STAMPED, NOW).closesAt).toBe(STAMPED + 60_000 + 2000);
  });
});

describe("the lookups of a request", () => {
  it("looks an order up by symbol and origClientOrderId on its market's path", () => {
    expect(orderLookups(order)).toEqual([
      {
        clientOrderId: "gw-1",
        path: "/fapi/v1/order",
        params: [
          ["symbol", "BTCUSDT"],
          ["origClientOrderId", "gw-1"],
        ],
        sent: SENT,
      },
    ]);
    const coinM = { ...order, market: "cm" as const };
    expect(orderLookups(coinM)[0]?.path).toBe("/dapi/v1/order");
  });

  it("looks an algo order up by clientAlgoId", () => {
    const algo = placed({ kind: "algo", clientAlgoId: "gw-a", sent: SENT });
    expect(orderLookups(algo)).toEqual([
      { clientOrderId: "gw-a", path: "/fapi/v1/algoOrder", params: [["clientAlgoId", "gw-a"]], sent: SENT },
    ]);
  });

  it("looks each element of a batch up, in order", () => {
    const batch = placed({
      kind: "batch",
      orders: [
        { symbol: "BTCUSDT", clientOrderId: "gw-b1", sent: SENT },
        { symbol: "ETHUSDT", clientOrderId: "gw-b2", sent: SENT },
      ],
    });
    expect(orderLookups(batch).map((lookup) => lookup.clientOrderId)).toEqual(["gw-b1", "gw-b2"]);
    expect(orderLookups(placed(null))).toEqual([]);
  });

  it("makes each lookup a signed GET that counts as no order", () => {
    const [lookup] = orderLookups(order);
    if (lookup === undefined) throw new Error("expected a lookup");
    expect(lookupRequest("sub", "um", lookup)).toMatchObject({
      account: "sub",
      method: "GET",
      security: "SIGNED",
      body: null,
      countsAsOrder: false,
      reconcile: null,
    });
  });
});

describe("what a lookup settles", () => {
  it("finds the order that was sent, with Binance's body and headers", () => {
    const found = judge(theOrder);
    expect(found).toMatchObject({ kind: "found", headers: { "content-type": "application/json" } });
    expect(found.kind === "found" && theOrder.kind === "response" && found.body === theOrder.body).toBe(true);
  });

  it("keeps looking while the window is open, even when Binance says the order does not exist", () => {
    expect(judge(noSuchOrder)).toEqual({
      kind: "wait",
      delayMs: 250,
      next: { attempt: 1, sawOtherOrder: false },
    });
    expect(judge(noSuchOrder, { state: { attempt: 1, sawOtherOrder: false } })).toMatchObject({
      delayMs: 500,
    });
    expect(judge(noSuchOrder, { state: { attempt: 7, sawOtherOrder: false } })).toMatchObject({
      delayMs: 1000,
    });
  });

  it("concludes the order was not placed once a lookup sent after the window still finds none", () => {
    expect(judge(noSuchOrder, { serverTime: deadline.closesAt + 1 })).toEqual({
      kind: "settled",
      outcome: "absent",
    });
    // Sent exactly at the close: a late order could still appear.
    expect(judge(noSuchOrder, { serverTime: deadline.closesAt }).kind).toBe("wait");
  });

  it("does not take an older order under a reused id for this one, and leaves the outcome unknown", () => {
    const looking = judge(olderOrder);
    expect(looking).toEqual({ kind: "wait", delayMs: 250, next: { attempt: 1, sawOtherOrder: true } });
    if (looking.kind !== "wait") throw new Error("expected a wait");
    expect(judge(noSuchOrder, { state: looking.next, serverTime: deadline.closesAt + 1 })).toEqual({
      kind: "settled",
      outcome: "unknown",
    });
  });

  it("gives up as unknown under a back-off, or once the wait outlasts its limit", () => {
    expect(judge(banned)).toEqual({ kind: "settled", outcome: "unknown" });
    expect(judge(noSuchOrder, { now: deadline.giveUpAt })).toEqual({ kind: "settled", outcome: "unknown" });
    const failed: EgressReply = { kind: "error", reason: { kind: "upstream-unreachable", cause: "timeout" } };
    expect(judge(failed, { serverTime: deadline.closesAt + 1 }).kind).toBe("wait");
  });
});

describe("recognising the sent order", () => {
  const body = (fields: object) => JSON.stringify(fields);

  it("accepts an order created after the request with the side and quantity sent", () => {
    expect(isTheSentOrder(body({ time: STAMPED, side: "BUY", origQty: "0.01" }), SENT, STAMPED)).toBe(true);
    // Algo orders: createTime and quantity; fields Binance leaves out are not held against it.
    expect(isTheSentOrder(body({ createTime: STAMPED, quantity: "0.0100" }), SENT, STAMPED)).toBe(true);
    expect(isTheSentOrder(body({}), SENT, STAMPED)).toBe(true);
  });

  it("allows a second of clock error on the creation time, no more", () => {
    expect(isTheSentOrder(body({ time: STAMPED - 1000 }), SENT, STAMPED)).toBe(true);
    expect(isTheSentOrder(body({ time: STAMPED - 1001 }), SENT, STAMPED)).toBe(false);
  });

  it("refuses another side, another quantity, or a body that is not JSON", () => {
    expect(isTheSentOrder(body({ side: "SELL" }), SENT, STAMPED)).toBe(false);
    expect(isTheSentOrder(body({ origQty: "0.02" }), SENT, STAMPED)).toBe(false);
    expect(isTheSentOrder("<html>", SENT, STAMPED)).toBe(false);
  });
});
