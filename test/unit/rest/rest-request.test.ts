import { describe, expect, it } from "vitest";
import type { Endpoint } from "../../../shared/catalog/types.ts";
import type { Param } from "../../../shared/encoding/query.ts";
import { appendSignature, stampRequest } from "../../../shared/rest/egress-request.ts";
import { prepareEgressRequest } from "../../../shared/rest/prepare.ts";
import { resolveRoute } from "../../../shared/rest/route.ts";

const newOrder: Endpoint = {
  market: "um",
  name: "newOrder",
  method: "POST",
  path: "/fapi/v1/order",
  security: "SIGNED",
  weight: 0,
  required: ["symbol", "side", "type"],
  actsOn: "symbol",
  orderPlacement: "single",
  summary: "New order",
};
const batch: Endpoint = {
  ...newOrder,
  name: "placeMultipleOrders",
  path: "/fapi/v1/batchOrders",
  orderPlacement: "batch",
};
const algo: Endpoint = {
  ...newOrder,
  name: "newAlgoOrder",
  path: "/fapi/v1/algoOrder",
  orderPlacement: "algo",
};
const account: Endpoint = {
  ...newOrder,
  name: "accountInformationV3",
  method: "GET",
  path: "/fapi/v3/account",
  orderPlacement: undefined,
};
let ids = 0;
const newId = () => `gw-test-${++ids}`;

describe("routing", () => {
  it("sends /fapi and /futures/data to USDⓈ-M and /dapi to COIN-M", () => {
    expect(resolveRoute("/fapi/v1/order")).toEqual({ market: "um", path: "/fapi/v1/order" });
    expect(resolveRoute("/futures/data/basis")).toEqual({ market: "um", path: "/futures/data/basis" });
    expect(resolveRoute("/dapi/v1/order")).toEqual({ market: "cm", path: "/dapi/v1/order" });
  });

  it("lets a /cm or /um base URL pick the market", () => {
    expect(resolveRoute("/cm/futures/data/basis")).toEqual({ market: "cm", path: "/futures/data/basis" });
    expect(resolveRoute("/cm/dapi/v1/time")).toEqual({ market: "cm", path: "/dapi/v1/time" });
    expect(resolveRoute("/um/fapi/v1/time")).toEqual({ market: "um", path: "/fapi/v1/time" });
  });

  it("refuses paths that are not Binance Futures or mix markets", () => {
    for (const path of [
      "/api/v3/order",
      "/sapi/v1/asset",
      "/cm/fapi/v1/time",
      "/um/dapi/v1/time",
      "/cmx/dapi/v1/time",
      "/",
    ]) {
      expect(resolveRoute(path)).toBeNull();
    }
  });
});

describe("preparing the upstream call", () => {
  it("drops the caller's signature, keeps order and placement, and caps recvWindow", () => {
    const prepared = prepareEgressRequest(
      "um",
      account,
      [
        ["recvWindow", "90000"],
        ["timestamp", "1"],
        ["signature", "abc"],
      ],
      null,
      newId,
    );
    expect(prepared.ok && prepared.value.query).toEqual([
      ["recvWindow", "60000"],
      ["timestamp", "1"],
    ]);
  });

  it("refuses duplicated parameter names across query and body", () => {
    const prepared = prepareEgressRequest(
      "um",
      newOrder,
      [["symbol", "BTCUSDT"]],
      [["symbol", "ETHUSDT"]],
      newId,
    );
    expect(prepared).toEqual({ ok: false, error: { kind: "param-duplicate", name: "symbol" } });
  });

  it("assigns newClientOrderId beside symbol, before recvWindow and timestamp", () => {
    const prepared = prepareEgressRequest(
      "um",
      newOrder,
      [],
      [
        ["symbol", "BTCUSDT"],
        ["side", "BUY"],
        ["recvWindow", "5000"],
        ["timestamp", "1"],
      ],
      () => "gw-1",
    );
    expect(prepared.ok && prepared.value.body).toEqual([
      ["symbol", "BTCUSDT"],
      ["side", "BUY"],
      ["newClientOrderId", "gw-1"],
      ["recvWindow", "5000"],
      ["timestamp", "1"],
    ]);
    expect(prepared.ok && prepared.value.reconcile).toEqual({
      kind: "order",
      symbol: "BTCUSDT",
      clientOrderId: "gw-1",
      sent: { side: "BUY", quantity: null },
    });
  });

  it("keeps the caller's client order id", () => {
    const prepared = prepareEgressRequest(
      "um",
      newOrder,
      [
        ["symbol", "BTCUSDT"],
        ["newClientOrderId", "mine"],
      ],
      null,
      newId,
    );
    expect(prepared.ok && prepared.value.query).toEqual([
      ["symbol", "BTCUSDT"],
      ["newClientOrderId", "mine"],
    ]);
    expect(prepared.ok && prepared.value.reconcile).toEqual({
      kind: "order",
      symbol: "BTCUSDT",
      clientOrderId: "mine",
      sent: { side: null, quantity: null },
    });
  });

  it("replaces an empty newClientOrderId, which could not be looked up, with an assigned one", () => {
    const single = prepareEgressRequest(
      "um",
      newOrder,
      [
        ["symbol", "BTCUSDT"],
        ["newClientOrderId", ""],
      ],
      null,
      () => "gw-e",
    );
    expect(single.ok && single.value.query).toEqual([
      ["symbol", "BTCUSDT"],
      ["newClientOrderId", "gw-e"],
    ]);
    const inBatch = prepareEgressRequest(
      "um",
      batch,
      [["batchOrders", '[{"symbol":"BTCUSDT","newClientOrderId":""}]']],
      null,
      () => "gw-f",
    );
    expect(inBatch.ok && inBatch.value.query[0]?.[1]).toBe(
      '[{"symbol":"BTCUSDT","newClientOrderId":"gw-f"}]',
    );
  });

  it("counts new and modified orders against the order-rate limit, not cancels", () => {
    const modify: Endpoint = { ...newOrder, name: "modifyOrder", method: "PUT", orderPlacement: undefined };
    const cancel: Endpoint = {
      ...newOrder,
      name: "cancelOrder",
      method: "DELETE",
      orderPlacement: undefined,
    };
    const counts = (endpoint: Endpoint) => {
      const params: Param[] = [
        ["symbol", "BTCUSDT"],
        ["batchOrders", '[{"symbol":"BTCUSDT"}]'],
      ];
      const prepared = prepareEgressRequest("um", endpoint, params, null, newId);
      return prepared.ok && prepared.value.countsAsOrder;
    };
    expect([
      counts(newOrder),
      counts(batch),
      counts(algo),
      counts(modify),
      counts(cancel),
      counts(account),
    ]).toEqual([true, true, true, true, false, false]);
  });

  it("assigns clientAlgoId to algo orders", () => {
    const prepared = prepareEgressRequest("um", algo, [["symbol", "BTCUSDT"]], null, () => "gw-algo");
    expect(prepared.ok && prepared.value.query).toEqual([
      ["symbol", "BTCUSDT"],
      ["clientAlgoId", "gw-algo"],
    ]);
  });

  it("assigns ids inside batchOrders without touching numbers, and keeps untouched batches byte for byte", () => {
    const sent =
      '[{"symbol":"BTCUSDT","quantity":0.00000001},{"symbol":"ETHUSDT","newClientOrderId":"mine"}]';
    const prepared = prepareEgressRequest("um", batch, [["batchOrders", sent]], null, () => "gw-b");
    expect(prepared.ok && prepared.value.query[0]?.[1]).toBe(
      '[{"symbol":"BTCUSDT","quantity":0.00000001,"newClientOrderId":"gw-b"},{"symbol":"ETHUSDT","newClientOrderId":"mine"}]',
    );
    expect(prepared.ok && prepared.value.reconcile).toEqual({
      kind: "batch",
      orders: [
        { symbol: "BTCUSDT", clientOrderId: "gw-b", sent: { side: null, quantity: "0.00000001" } },
        { symbol: "ETHUSDT", clientOrderId: "mine", sent: { side: null, quantity: null } },
      ],
    });
    const spaced = '[{"symbol": "BTCUSDT", "newClientOrderId": "a"}]';
    const untouched = prepareEgressRequest("um", batch, [["batchOrders", spaced]], null, newId);
    expect(untouched.ok && untouched.value.query[0]?.[1]).toBe(spaced);
  });

  it("refuses a batchOrders value that is not a JSON array of orders", () => {
    for (const value of ["not json", '{"symbol":"BTCUSDT"}', "[1]"]) {
      expect(prepareEgressRequest("um", batch, [["batchOrders", value]], null, newId)).toEqual({
        ok: false,
        error: { kind: "param-invalid", name: "batchOrders" },
      });
    }
  });

  it("moves a GET body into the query string", () => {
    const prepared = prepareEgressRequest("um", account, [["a", "1"]], [["b", "2"]], newId);
    expect(prepared.ok && [prepared.value.query, prepared.value.body]).toEqual([
      [
        ["a", "1"],
        ["b", "2"],
      ],
      null,
    ]);
  });
});

describe("stamping and signing placement", () => {
  const base = {
    account: "main",
    market: "um",
    method: "POST",
    path: "/fapi/v1/order",
    security: "SIGNED",
    countsAsOrder: true,
    reconcile: null,
  } as const;

  it("replaces the caller's timestamp where it was", () => {
    const { wire, payload } = stampRequest(
      {
        ...base,
        query: [
          ["symbol", "BTCUSDT"],
          ["timestamp", "1"],
          ["side", "BUY"],
        ],
        body: null,
      },
      42,
    );
    expect(wire.query).toBe("symbol=BTCUSDT&timestamp=42&side=BUY");
    expect(payload).toBe(wire.query);
  });

  it("appends the timestamp to the body when there is one, and the signature last", () => {
    const { wire, payload } = stampRequest(
      { ...base, query: [["symbol", "BTCUSDT"]], body: [["side", "BUY"]] },
      42,
    );
    expect(payload).toBe("symbol=BTCUSDTside=BUY&timestamp=42");
    expect(appendSignature(wire, "a+b/c=")).toEqual({
      query: "symbol=BTCUSDT",
      body: "side=BUY&timestamp=42&signature=a%2Bb%2Fc%3D",
    });
  });

  it("signs an otherwise empty request as timestamp=...&signature=...", () => {
    const { wire } = stampRequest({ ...base, method: "GET", query: [], body: null }, 7);
    expect(appendSignature(wire, "ff")).toEqual({ query: "timestamp=7&signature=ff", body: null });
  });
});
