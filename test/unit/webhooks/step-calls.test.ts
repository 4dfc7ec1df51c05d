// A recorded step's Binance calls: sent with its client order (or algo) id, looked up by that id after a restart.
import { describe, expect, it } from "vitest";
import { lookupCall, sendCall, stepAt } from "../../../shared/webhooks/step-calls.ts";
import { runningReport, stepOf } from "../../support/webhook-fixtures.ts";

const ALGO = stepOf({
  path: "/fapi/v1/algoOrder",
  params: [
    ["algoType", "CONDITIONAL"],
    ["symbol", "BTCUSDT"],
  ],
  clientOrderId: "wh-algo",
});

describe("a step's calls", () => {
  it("sends an order with newClientOrderId and an algo order with clientAlgoId", () => {
    expect(sendCall(stepOf()).params.at(-1)).toEqual(["newClientOrderId", "wh-0001"]);
    expect(sendCall(ALGO)).toEqual({
      method: "POST",
      path: "/fapi/v1/algoOrder",
      params: [
        ["algoType", "CONDITIONAL"],
        ["symbol", "BTCUSDT"],
        ["clientAlgoId", "wh-algo"],
      ],
    });
  });

  it("sends a setting as planned, without an id", () => {
    const setting = stepOf({
      method: "DELETE",
      path: "/fapi/v1/allOpenOrders",
      params: [["symbol", "BTCUSDT"]],
      clientOrderId: null,
    });
    expect(sendCall(setting)).toEqual({
      method: "DELETE",
      path: "/fapi/v1/allOpenOrders",
      params: [["symbol", "BTCUSDT"]],
    });
  });

  it("looks an order up by symbol and origClientOrderId, an algo order by clientAlgoId", () => {
    expect(lookupCall(stepOf())).toEqual({
      method: "GET",
      path: "/fapi/v1/order",
      params: [
        ["symbol", "BTCUSDT"],
        ["origClientOrderId", "wh-0001"],
      ],
    });
    expect(lookupCall(ALGO)?.params).toEqual([["clientAlgoId", "wh-algo"]]);
    expect(lookupCall(stepOf({ clientOrderId: null }))).toBeNull();
  });

  it("finds a step by index, and says so when there is none", () => {
    const report = runningReport([stepOf()]);
    expect(stepAt(report, 0).clientOrderId).toBe("wh-0001");
    expect(() => stepAt(report, 1)).toThrow("alert a1 has no step 1");
  });
});
