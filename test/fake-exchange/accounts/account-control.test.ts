// The fake exchange's HTTP control API for account state: setting and reading accounts, recorded
// notifications, moved prices, reset, and strictFilters from the start options.

import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  ALICE,
  BOB,
  fake,
  positions,
  publicGet,
  umOrder,
  useAccountExchange,
} from "../../support/fake-account-harness.ts";
import { fakeControl } from "../../support/fake-control.ts";
import { startFakeExchange } from "../index.ts";

useAccountExchange();

describe("control API", () => {
  it("sets and reads accounts over HTTP, and reset forgets them", async () => {
    const control = fakeControl(fake.url);
    const set = await control.setAccount({
      apiKey: BOB.apiKey,
      market: "um",
      dualSidePosition: true,
      availableBalance: "42.5",
      leverage: { BTCUSDT: 5 },
      marginType: { ETHUSDT: "ISOLATED" },
      positions: [{ symbol: "BTCUSDT", positionSide: "SHORT", positionAmt: "-0.2", entryPrice: "59000" }],
    });
    expect(set).toMatchObject({
      dualSidePosition: true,
      balance: "10000.00000000",
      availableBalance: "42.5",
      leverage: { BTCUSDT: 5, ETHUSDT: 20 },
      marginType: { BTCUSDT: "CROSSED", ETHUSDT: "ISOLATED" },
      positions: [{ symbol: "BTCUSDT", positionSide: "SHORT", positionAmt: "-0.2", entryPrice: "59000" }],
    });
    expect(await control.account(BOB.apiKey, "um")).toEqual(set);
    const risk = await positions("BTCUSDT", BOB);
    expect(risk.map((entry) => [entry.positionSide, entry.positionAmt, entry.unRealizedProfit])).toEqual([
      ["LONG", "0.000", "0.00000000"],
      ["SHORT", "-0.200", "-200.00000000"],
    ]);
    expect(
      (await umOrder("symbol=BTCUSDT&side=BUY&positionSide=SHORT&type=MARKET&quantity=0.2", BOB)).status,
    ).toBe(200);
    expect((await control.account(BOB.apiKey, "um")).positions).toEqual([]);
    await expect(
      control.setAccount({ apiKey: BOB.apiKey, market: "um", leverage: { BTCUSDT: 300 } }),
    ).rejects.toThrow(/400/);
    await control.reset();
    expect(await control.account(BOB.apiKey, "um")).toMatchObject({
      dualSidePosition: false,
      availableBalance: "10000.00000000",
      positions: [],
    });
    expect((await control.account(BOB.apiKey, "cm")).balance).toBe("1.00000000");
  });

  it("records notifications posted to /__fake/notify/… and moves prices", async () => {
    const control = fakeControl(fake.url);
    const posted = await fetch(`${fake.url}/__fake/notify/telegram/bot1?chat=7`, {
      method: "POST",
      headers: { "Content-Type": "text/plain; charset=utf-8", "X-Token": "t" },
      body: "order placed: not JSON",
    });
    expect(posted.status).toBe(204);
    await fetch(`${fake.url}/__fake/notify/slack`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"text":"hi"}',
    });
    const seen = await control.notifications();
    expect(seen.map(({ path, query, contentType, body }) => ({ path, query, contentType, body }))).toEqual([
      {
        path: "/__fake/notify/telegram/bot1",
        query: "chat=7",
        contentType: "text/plain; charset=utf-8",
        body: "order placed: not JSON",
      },
      { path: "/__fake/notify/slack", query: "", contentType: "application/json", body: '{"text":"hi"}' },
    ]);
    expect(seen[0]?.headers["x-token"]).toBe("t");
    expect(fake.notifications).toHaveLength(2);
    expect(fake.requests).toHaveLength(0);

    await control.setPrice("cm", "ETHUSD_PERP", "3100.50");
    expect((await publicGet("/dapi/v1/ticker/price?symbol=ETHUSD_PERP")).list[0]?.price).toBe("3100.50");
    await expect(control.setPrice("um", "NOPE", "1")).rejects.toThrow(/400/);
    await expect(control.setPrice("um", "BTCUSDT", "abc")).rejects.toThrow(/400/);
    await control.reset();
    expect(await control.notifications()).toEqual([]);
    expect((await publicGet("/dapi/v1/ticker/price?symbol=ETHUSD_PERP")).list[0]?.price).toBe("3000.00");
  });

  it("starts with strictFilters from the options and returns to it on reset", async () => {
    const strict = await startFakeExchange({ strictFilters: true });
    try {
      strict.registerKey({ apiKey: ALICE.apiKey, type: "hmac", secret: ALICE.secret });
      const place = async () => {
        const payload = `symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&timestamp=${strict.serverTime()}`;
        const signature = createHmac("sha256", ALICE.secret).update(payload).digest("hex");
        const response = await fetch(`${strict.url}/fapi/v1/order?${payload}&signature=${signature}`, {
          method: "POST",
          headers: { "X-MBX-APIKEY": ALICE.apiKey },
        });
        return response.status;
      };
      expect(await place()).toBe(400);
      strict.setStrictFilters(false);
      expect(await place()).toBe(200);
      strict.reset();
      expect(await place()).toBe(400);
    } finally {
      await strict.close();
    }
  });
});
