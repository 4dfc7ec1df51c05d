// Resolving an id-addressed algo order for a symbol-restricted client: reading Binance's answer without losing
// the id, refusing anything but the order asked for on a held symbol, and the write addressed by algoId only.
import { describe, expect, it } from "vitest";
import {
  addressByAlgoId,
  checkFoundAlgoOrder,
  readFoundAlgoOrder,
} from "../../../shared/auth/algo-order-scope.ts";
import type { GatewayClient } from "../../../shared/auth/clients.ts";
import type { Param } from "../../../shared/encoding/query.ts";

const limited: GatewayClient = {
  name: "c",
  scopes: new Set(["trade"]),
  symbols: new Set(["BTCUSDT"]),
  apiKey: null,
  apiSecret: null,
  token: "t",
  account: "main",
  weightPerMinute: null,
};

const BIG_ID = "9007199254741993"; // above 2^53: JSON.parse would round it
const answer = (symbol: string, algoId = BIG_ID, clientAlgoId = "mine") =>
  `{"algoId":${algoId},"clientAlgoId":"${clientAlgoId}","algoType":"CONDITIONAL","symbol":"${symbol}"}`;

describe("reading Binance's algo order", () => {
  it("keeps an id above 2^53 exact", () => {
    expect(readFoundAlgoOrder(answer("ETHUSDT"))).toEqual({
      algoId: BIG_ID,
      clientAlgoId: "mine",
      symbol: "ETHUSDT",
    });
  });

  it("rejects anything that is not one order with an integer id and a symbol", () => {
    for (const text of [
      '{"code":-2013,"msg":"Order does not exist."}',
      `[${answer("BTCUSDT")}]`,
      '{"algoId":"12","symbol":"BTCUSDT"}',
      '{"algoId":1.5,"symbol":"BTCUSDT"}',
      '{"algoId":12,"symbol":""}',
      '{"algoId":12,"symbol":"BTCUSDT","symbol":"ETHUSDT"}',
      "<html>",
    ])
      expect(readFoundAlgoOrder(text), text).toBeNull();
  });
});

describe("checking the order found", () => {
  const unresolved = {
    ok: false,
    error: { kind: "symbol-denied", client: "c", denied: { kind: "unresolved-order" } },
  };

  it("passes the found algoId on for a held symbol, by algoId or clientAlgoId", () => {
    const found = readFoundAlgoOrder(answer("BTCUSDT"));
    expect(checkFoundAlgoOrder(limited, ["algoId", BIG_ID], found)).toEqual({ ok: true, value: BIG_ID });
    expect(checkFoundAlgoOrder(limited, ["clientAlgoId", "mine"], found)).toEqual({
      ok: true,
      value: BIG_ID,
    });
  });

  it("refuses an order on a symbol the client does not hold, naming it", () => {
    expect(checkFoundAlgoOrder(limited, ["algoId", BIG_ID], readFoundAlgoOrder(answer("ETHUSDT")))).toEqual({
      ok: false,
      error: { kind: "symbol-denied", client: "c", denied: { kind: "symbol", symbol: "ETHUSDT" } },
    });
  });

  it("refuses when nothing was found, or another order than the one named", () => {
    const found = readFoundAlgoOrder(answer("BTCUSDT"));
    expect(checkFoundAlgoOrder(limited, ["algoId", BIG_ID], null)).toEqual(unresolved);
    expect(checkFoundAlgoOrder(limited, ["algoId", "9007199254741992"], found)).toEqual(unresolved);
    expect(checkFoundAlgoOrder(limited, ["algoId", "12abc"], found)).toEqual(unresolved);
    expect(checkFoundAlgoOrder(limited, ["clientAlgoId", "other"], found)).toEqual(unresolved);
  });
});

describe("addressing the write by algoId", () => {
  it("replaces the id where it stood and drops every other id, in any letter case", () => {
    const readdressed = addressByAlgoId(
      {
        query: [
          ["clientAlgoId", "mine"],
          ["symbol", "BTCUSDT"],
          ["ALGOID", "666"],
        ],
        body: [
          ["clientalgoid", "other"],
          ["timestamp", "1"],
        ],
      },
      BIG_ID,
    );
    expect(readdressed).toEqual({
      query: [
        ["algoId", BIG_ID],
        ["symbol", "BTCUSDT"],
      ],
      body: [["timestamp", "1"]],
    });
  });

  it("keeps a body-only id in the body, and leaves no empty body behind", () => {
    expect(addressByAlgoId({ query: [], body: [["algoId", "7"]] }, "7")).toEqual({
      query: [],
      body: [["algoId", "7"]],
    });
    expect(addressByAlgoId({ query: [["algoId", "7"]], body: [["clientAlgoId", "x"]] }, "7")).toEqual({
      query: [["algoId", "7"]],
      body: null,
    });
  });

  it("HOLE unicode-fold: drops an id whose name only Unicode case folding makes clientAlgoId", () => {
    // U+0131 (dotless i) upper-cases to I, so a case-blind server would read "clientAlgo\u0131d" as clientAlgoId.
    const sent = {
      query: [
        ["algoId", "7"],
        ["clientAlgo\u0131d", "eth-order"],
      ] as Param[],
      body: null,
    };
    expect(addressByAlgoId(sent, "7")).toEqual({ query: [["algoId", "7"]], body: null });
  });
});
