// The fake exchange's simulated market: opt-in (off by default), started, stopped and reset over the control
// API, filling orders at the simulated price, and losing events on dropped or stalled connections. Depth and
// candles have files of their own.

import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fakeControl } from "../../support/fake-control.ts";
import {
  type Event,
  fake,
  getJson,
  HMAC,
  listen,
  type Snapshot,
  sleep,
  startFake,
  useSimulatedExchange,
  waitUntil,
} from "../../support/fake-sim-harness.ts";

useSimulatedExchange();

describe("off by default", () => {
  it("leaves streams silent until published and REST at the fixed prices and payloads", async () => {
    const plain = await startFake();
    expect(plain.simulationStatus().on).toBe(false);
    const feed = await listen(plain, "/market/stream?streams=btcusdt@aggTrade");
    await sleep(300);
    expect(feed.count()).toBe(0);
    const [seq] = plain.streams.publish("btcusdt@aggTrade");
    await waitUntil(() => feed.count() === 1);
    expect(feed.events("btcusdt@aggTrade")[0]).toMatchObject({ a: Number(seq), p: "60000.10", q: "0.001" });
    const price = await getJson<{ price: string }>(plain, "/fapi/v1/ticker/price?symbol=BTCUSDT");
    expect(price.price).toBe("60000.00");
    const depth = await getJson<Snapshot>(plain, "/fapi/v1/depth?symbol=BTCUSDT&limit=5");
    expect(depth.bids[0]).toEqual(["59999.90", "1.000"]);
  });
});

describe("control and integration", () => {
  it("starts, stops and reports over the control API, and reset turns a runtime simulation off", async () => {
    const other = await startFake();
    const control = fakeControl(other.url);
    const started = await control.simulate({ on: true, symbols: ["ETHUSDT"], seed: 3, tradesPerSecond: 20 });
    expect(started).toMatchObject({ on: true, symbols: ["ETHUSDT"], seed: 3, tradesPerSecond: 20 });
    const feed = await listen(
      other,
      "/market/stream?streams=ethusdt@aggTrade/ethusdt@markPrice@1s/btcusdt@aggTrade",
    );
    await waitUntil(
      () => feed.events("ethusdt@markPrice@1s").length >= 1 && feed.events("ethusdt@aggTrade").length >= 3,
    );
    expect(feed.events("btcusdt@aggTrade")).toEqual([]);
    const mark = feed.events("ethusdt@markPrice@1s")[0];
    expect(mark).toMatchObject({ e: "markPriceUpdate", s: "ETHUSDT", r: "0.00010000" });
    expect(Object.keys(mark ?? {})).toEqual(["e", "E", "s", "p", "ap", "P", "i", "r", "T"]);
    expect((await control.simulation()).prices.ETHUSDT).toMatch(/^\d+\.\d{2}$/);
    await control.simulate({ on: false });
    await sleep(100);
    const after = feed.count();
    await sleep(400);
    expect(feed.count()).toBe(after);
    expect((await control.simulation()).on).toBe(false);
    expect((await getJson<{ price: string }>(other, "/fapi/v1/ticker/price?symbol=ETHUSDT")).price).toBe(
      "3000.00",
    );
    await control.simulate({ on: true });
    await control.reset();
    expect((await control.simulation()).on).toBe(false);
    await expect(control.simulate({ on: true, symbols: ["NOPEUSDT"] })).rejects.toThrow(/400/);
  });

  it("restarts a start-option simulation on reset", async () => {
    const started = await startFake({ simulate: { symbols: ["BTCUSD_PERP"], seed: 9 } });
    started.reset();
    expect(started.simulationStatus()).toMatchObject({ on: true, symbols: ["BTCUSD_PERP"], seed: 9 });
    const ticker = await getJson<Event[]>(started, "/dapi/v1/ticker/24hr?symbol=BTCUSD_PERP");
    expect(ticker[0]).toMatchObject({ symbol: "BTCUSD_PERP", pair: "BTCUSD" });
    expect(Number(ticker[0]?.count)).toBeGreaterThan(1000);
  });

  it("fills MARKET orders at the simulated price and follows a price a test sets", async () => {
    const before = fake.simulationStatus().prices.BTCUSDT;
    const payload = `symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.010&timestamp=${fake.serverTime()}`;
    const signature = createHmac("sha256", HMAC.secret).update(payload).digest("hex");
    const response = await fetch(`${fake.url}/fapi/v1/order?${payload}&signature=${signature}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": HMAC.apiKey },
    });
    const order = (await response.json()) as { avgPrice: string; status: string };
    const after = fake.simulationStatus().prices.BTCUSDT;
    expect(order.status).toBe("FILLED");
    expect([before, after]).toContain(order.avgPrice);

    fake.setPrice("um", "ETHUSDT", "3300.00");
    const feed = await listen(fake, "/market/stream?streams=ethusdt@aggTrade");
    await waitUntil(() => feed.events("ethusdt@aggTrade").length >= 2);
    for (const event of feed.events("ethusdt@aggTrade"))
      expect(Math.abs(Number(event.p) - 3300)).toBeLessThan(30);
  });

  it("loses events on a dropped connection and sends none to a stalled one", async () => {
    const dropped = await listen(fake, "/market/stream?streams=btcusdt@aggTrade");
    const stalled = await listen(fake, "/market/stream?streams=ethusdt@aggTrade");
    await waitUntil(() => dropped.count() > 0 && stalled.count() > 0);
    const closed = new Promise<number>((resolve) => dropped.socket.once("close", (code) => resolve(code)));
    expect(fake.streams.drop({ stream: "btcusdt@aggTrade" })).toBeGreaterThanOrEqual(1);
    expect(await closed).toBe(1006);
    expect(fake.streams.stall({ stream: "ethusdt@aggTrade" }, true)).toBeGreaterThanOrEqual(1);
    await sleep(50);
    const held = stalled.count();
    await sleep(600);
    expect(stalled.count()).toBe(held);
    fake.streams.stall({ stream: "ethusdt@aggTrade" }, false);
    await waitUntil(() => stalled.count() > held);
  });
});
