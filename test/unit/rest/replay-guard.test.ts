import { describe, expect, it } from "vitest";
import type { Param } from "../../../shared/encoding/query.ts";
import { type GuardedCall, REPLAY_MARGIN_MS, replayGuardFor } from "../../../shared/rest/replay-guard.ts";

const TS = "1800000000000";
const signedOrder: Param[] = [
  ["symbol", "BTCUSDT"],
  ["side", "BUY"],
  ["timestamp", TS],
  ["signature", "ab12cd"],
];

function call(extra: Partial<GuardedCall> = {}): GuardedCall {
  return {
    client: "bot",
    mode: "drop-in",
    market: "um",
    method: "POST",
    path: "/fapi/v1/order",
    security: "SIGNED",
    params: signedOrder,
    ...extra,
  };
}

async function keyOf(extra: Partial<GuardedCall> = {}): Promise<string | undefined> {
  return (await replayGuardFor(call(extra)))?.key;
}

describe("replay guards", () => {
  it("last for the caller's recvWindow plus a margin, the window capped as Binance caps it", async () => {
    expect((await replayGuardFor(call()))?.expiresAt).toBe(Number(TS) + 5000 + REPLAY_MARGIN_MS);
    const wide = [...signedOrder, ["recvWindow", "999999"] as const];
    expect((await replayGuardFor(call({ params: wide })))?.expiresAt).toBe(
      Number(TS) + 60_000 + REPLAY_MARGIN_MS,
    );
  });

  it("key a drop-in write by client, market, method, path and signature, whatever the hex case", async () => {
    const key = await keyOf();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toContain("ab12cd");
    const upper = signedOrder.map(([n, v]): Param => [n, n === "signature" ? v.toUpperCase() : v]);
    expect(await keyOf({ params: upper })).toBe(key);
    expect(await keyOf({ client: "other" })).not.toBe(key);
    expect(await keyOf({ method: "DELETE" })).not.toBe(key);
    expect(await keyOf({ market: "cm", path: "/dapi/v1/order" })).not.toBe(key);
    const resigned = signedOrder.map(([n, v]): Param => [n, n === "signature" ? "ab12ce" : v]);
    expect(await keyOf({ params: resigned })).not.toBe(key);
  });

  it("key a timed bearer-token write by its parameters, and leave untimed ones and reads unguarded", async () => {
    const token: Param[] = [
      ["symbol", "BTCUSDT"],
      ["timestamp", TS],
    ];
    const key = await keyOf({ mode: "token", params: token });
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(
      await keyOf({
        mode: "token",
        params: [
          ["symbol", "BTCUSDT"],
          ["timestamp", "1800000000001"],
        ],
      }),
    ).not.toBe(key);
    expect(await keyOf({ mode: "token", params: [["symbol", "BTCUSDT"]] })).toBeUndefined();
    expect(await keyOf({ method: "GET" })).toBeUndefined();
    expect(await keyOf({ security: "API_KEY" })).toBeUndefined();
    expect(await keyOf({ params: signedOrder.filter(([n]) => n !== "signature") })).toBeUndefined();
  });
});
