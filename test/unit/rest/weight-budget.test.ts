import { describe, expect, it } from "vitest";
import type { Param } from "../../../shared/encoding/query.ts";
import { toWireError } from "../../../shared/errors.ts";
import type { EgressRequest } from "../../../shared/rest/egress-request.ts";
import { callWeight, isProtective } from "../../../shared/rest/request-weight.ts";
import { type WeightCall, WeightLedger, weightLimits } from "../../../shared/rest/weight-ledger.ts";

type Call = Pick<EgressRequest, "market" | "method" | "path" | "query" | "body">;

function request(
  method: Call["method"],
  path: string,
  query: Param[] = [],
  body: Param[] | null = null,
): Call {
  return { market: path.startsWith("/dapi/") ? "cm" : "um", method, path, query, body };
}

describe("the weight of a call, from the catalog", () => {
  it("applies fixed, with/without symbol and limit-tier weights", () => {
    expect(callWeight(request("GET", "/fapi/v1/time"))).toBe(1);
    expect(callWeight(request("GET", "/fapi/v1/ticker/24hr"))).toBe(40);
    expect(callWeight(request("GET", "/fapi/v1/ticker/24hr", [["symbol", "BTCUSDT"]]))).toBe(1);
    expect(callWeight(request("GET", "/fapi/v1/depth", [["symbol", "BTCUSDT"]]))).toBe(10);
    expect(callWeight(request("GET", "/fapi/v1/depth", [["limit", "1000"]]))).toBe(20);
    expect(callWeight(request("GET", "/fapi/v1/klines", [["limit", "1500"]]))).toBe(10);
    // Parameters in a form body count as in the query.
    expect(callWeight(request("GET", "/fapi/v1/openOrders", [], [["symbol", "BTCUSDT"]]))).toBe(1);
  });

  it("counts 1 where Binance documents no weight or the path is not in the catalog", () => {
    expect(callWeight(request("GET", "/fapi/v1/fundingRate"))).toBe(1);
    expect(callWeight(request("GET", "/fapi/v9/nothing"))).toBe(1);
  });
});

describe("protective calls", () => {
  const batch = (elements: object[]) =>
    request("POST", "/fapi/v1/batchOrders", [], [["batchOrders", JSON.stringify(elements)]]);

  it("are cancels of every kind and an armed countdownCancelAll", () => {
    for (const path of ["order", "batchOrders", "allOpenOrders", "algoOrder", "algoOpenOrders"])
      expect(isProtective(request("DELETE", `/fapi/v1/${path}`))).toBe(true);
    expect(isProtective(request("DELETE", "/dapi/v1/allOpenOrders"))).toBe(true);
    const countdown = (time: string) =>
      request("POST", "/fapi/v1/countdownCancelAll", [["countdownTime", time]]);
    expect(isProtective(countdown("60000"))).toBe(true);
    // Switching the auto-cancel off (0), or not saying, protects nothing.
    expect(isProtective(countdown("0"))).toBe(false);
    expect(isProtective(countdown("000"))).toBe(false);
    expect(isProtective(request("POST", "/fapi/v1/countdownCancelAll"))).toBe(false);
    expect(isProtective(request("DELETE", "/fapi/v1/listenKey"))).toBe(false);
    // A keepalive keeps the account's user data stream (its fills) flowing.
    expect(isProtective(request("PUT", "/fapi/v1/listenKey"))).toBe(true);
    expect(isProtective(request("POST", "/fapi/v1/listenKey"))).toBe(false);
  });

  it("are orders that can only shrink a position, wherever the flag is sent", () => {
    expect(isProtective(request("POST", "/fapi/v1/order", [["reduceOnly", "true"]]))).toBe(true);
    expect(isProtective(request("POST", "/dapi/v1/order", [], [["reduceOnly", "TRUE"]]))).toBe(true);
    expect(isProtective(request("POST", "/fapi/v1/algoOrder", [["closePosition", "true"]]))).toBe(true);
    expect(isProtective(request("POST", "/fapi/v1/order", [["reduceOnly", "false"]]))).toBe(false);
    expect(isProtective(request("POST", "/fapi/v1/order"))).toBe(false);
    // Hedge mode takes no reduceOnly: selling LONG or buying SHORT can only close that side.
    expect(
      isProtective(
        request("POST", "/fapi/v1/order", [
          ["side", "SELL"],
          ["positionSide", "LONG"],
        ]),
      ),
    ).toBe(true);
    expect(
      isProtective(
        request("POST", "/dapi/v1/order", [
          ["side", "BUY"],
          ["positionSide", "SHORT"],
        ]),
      ),
    ).toBe(true);
    expect(
      isProtective(
        request("POST", "/fapi/v1/order", [
          ["side", "BUY"],
          ["positionSide", "LONG"],
        ]),
      ),
    ).toBe(false);
    expect(
      isProtective(
        request("POST", "/fapi/v1/order", [
          ["side", "SELL"],
          ["positionSide", "BOTH"],
        ]),
      ),
    ).toBe(false);
    // A modification or a test order is not one, whatever it carries.
    expect(isProtective(request("PUT", "/fapi/v1/order", [["reduceOnly", "true"]]))).toBe(false);
    expect(isProtective(request("POST", "/fapi/v1/order/test", [["reduceOnly", "true"]]))).toBe(false);
    expect(isProtective(request("POST", "/fapi/v1/leverage", [["reduceOnly", "true"]]))).toBe(false);
  });

  it("include a batch only when every element is reduce-only or close-position", () => {
    expect(isProtective(batch([{ reduceOnly: "true" }, { reduceOnly: true }]))).toBe(true);
    expect(isProtective(batch([{ reduceOnly: "true" }, { side: "BUY" }]))).toBe(false);
    expect(isProtective(batch([]))).toBe(false);
    expect(isProtective(request("POST", "/fapi/v1/batchOrders", [], [["batchOrders", "not json"]]))).toBe(
      false,
    );
  });
});

describe("the weight ledger", () => {
  const limits = weightLimits(1000, 20); // reserve 200: ordinary calls up to 800 in total
  const T = 1_800_000_000_000; // the start of a minute
  const call = (caller: string, weight: number, extra: Partial<WeightCall> = {}): WeightCall => ({
    market: "um",
    caller,
    budget: 300,
    weight,
    protective: false,
    ...extra,
  });

  it("derives the reserve and a default budget below the limit minus the reserve", () => {
    expect(weightLimits(2400, 15)).toEqual({ limit: 2400, reserve: 360, defaultPerCaller: 1020 });
    expect(limits).toEqual({ limit: 1000, reserve: 200, defaultPerCaller: 400 });
  });

  it("refuses a caller at its budget, counts nothing refused, and leaves other callers alone", () => {
    const ledger = new WeightLedger();
    for (let i = 0; i < 15; i++) expect(ledger.admit(call("a", 20), limits, T + i)).toBeNull();
    const refused = ledger.admit(call("a", 20), limits, T + 20);
    expect(refused).toEqual({
      kind: "weight-budget",
      budget: "caller",
      caller: "a",
      market: "um",
      spent: 300,
      weight: 20,
      limit: 300,
      until: T + 60_000,
    });
    expect(ledger.used("um", T + 20)).toBe(300);
    expect(ledger.admit(call("b", 20), limits, T + 21)).toBeNull();
    // Markets are counted apart, as Binance counts fapi and dapi apart.
    expect(ledger.admit(call("a", 20, { market: "cm" }), limits, T + 22)).toBeNull();
  });

  it("lets a protective call go past the caller's budget into the reserve, and no further", () => {
    const ledger = new WeightLedger();
    expect(ledger.admit(call("a", 300), limits, T)).toBeNull();
    expect(ledger.admit(call("a", 1), limits, T)?.budget).toBe("caller");
    for (let i = 0; i < 200; i++)
      expect(ledger.admit(call("a", 1, { protective: true }), limits, T)).toBeNull();
    expect(ledger.admit(call("a", 1, { protective: true }), limits, T)).toMatchObject({
      spent: 500,
      limit: 500,
    });
  });

  it("keeps the reserve in the total for protective calls, up to the limit", () => {
    const ledger = new WeightLedger();
    ledger.report("um", "790", T, T + 1);
    expect(ledger.admit(call("a", 10), limits, T + 2)).toBeNull();
    expect(ledger.admit(call("b", 1), limits, T + 3)).toMatchObject({
      budget: "total",
      spent: 800,
      limit: 800,
    });
    // A weight-0 order passes while the total is at, not past, the cap.
    expect(ledger.admit(call("b", 0), limits, T + 3)).toBeNull();
    expect(ledger.admit(call("b", 200, { protective: true }), limits, T + 4)).toBeNull();
    expect(ledger.admit(call("b", 1, { protective: true }), limits, T + 5)).toMatchObject({
      budget: "total",
      spent: 1000,
      limit: 1000,
    });
  });

  it("takes the larger of its own count and Binance's, and ignores answers to calls of an earlier minute", () => {
    const ledger = new WeightLedger();
    ledger.admit(call("a", 50), limits, T);
    ledger.report("um", "30", T, T + 10);
    expect(ledger.used("um", T + 10)).toBe(50);
    ledger.report("um", "700", T, T + 11);
    ledger.report("um", "650", T, T + 12); // an answer overtaken by a later one
    expect(ledger.used("um", T + 12)).toBe(700);
    ledger.report("um", "junk", T, T + 13);
    ledger.charge("um", 5, T + 14);
    expect(ledger.used("um", T + 14)).toBe(705);
    ledger.report("um", "2000", T + 59_999, T + 60_001);
    expect(ledger.used("um", T + 60_001)).toBe(0);
  });

  it("starts every count again each minute", () => {
    const ledger = new WeightLedger();
    expect(ledger.admit(call("a", 300), limits, T + 59_999)).toBeNull();
    expect(ledger.admit(call("a", 1), limits, T + 59_999)).not.toBeNull();
    expect(ledger.admit(call("a", 300), limits, T + 60_000)).toBeNull();
  });

  it("is refused with Binance's 429 -1003 and a message naming whose budget, spent and limit", () => {
    const ledger = new WeightLedger();
    ledger.admit(call("client 'ticker'", 300), limits, T);
    const refused = ledger.admit(call("client 'ticker'", 20), limits, T);
    if (refused === null) throw new Error("expected a refusal");
    const wire = toWireError(refused);
    expect([wire.status, wire.code]).toEqual([429, -1003]);
    expect(wire.msg).toContain("client 'ticker' on USDⓈ-M is 300 per minute and 300 is spent");
    expect(wire.msg).toContain("retry after 2027-01-15T08:01:00.000Z");
  });
});
