// Drop-in proof for user data: Binance's official USDⓈ-M connector runs its own user-data flow against the
// gateway and the relay with nothing but a virtual API key (startUserDataStream over REST, userData(listenKey)
// over its /private stream connection, keepalive, close) and receives its order's ORDER_TRADE_UPDATE, while
// Binance's listen key and API key never leave the Worker.
import { DerivativesTradingUsdsFutures } from "@binance/derivatives-trading-usds-futures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENTS, REAL_KEYS } from "../support/credentials.ts";
import { waitFor } from "../support/wait-for.ts";
import { startWorkerProcess, type WorkerProcess } from "../support/worker-process.ts";

let worker: WorkerProcess;
beforeAll(async () => {
  worker = await startWorkerProcess({ vars: { LISTEN_KEY_KEEPALIVE_MS: "2000" } });
});
afterAll(async () => {
  await worker?.close();
});

describe("Binance's official connector: user data through the gateway and relay", () => {
  it("starts a user data stream, hears its own order, keeps the key alive and closes it", async () => {
    const trader = CLIENTS.trader;
    const client = new DerivativesTradingUsdsFutures({
      configurationRestAPI: {
        apiKey: trader.apiKey,
        apiSecret: trader.apiSecret,
        basePath: worker.url,
        timeout: 10_000,
        retries: 0,
      },
      // The virtual API key doubles as the stream credential (it has the stream scope).
      configurationWebsocketStreams: { wsURL: `${worker.wsUrl}/k/${trader.apiKey}`, reconnectDelay: 500 },
    });
    const { listenKey } = await (await client.restAPI.startUserDataStream()).data();
    expect(listenKey).toMatch(/^[A-Za-z0-9]{64}$/);
    const [real] = worker.fake.listenKeys("um");
    expect(real?.apiKey).toBe(REAL_KEYS.hmac.apiKey);
    expect(real?.listenKey).not.toBe(listenKey);

    const connection = await client.websocketStreams.connect();
    const events: Record<string, unknown>[] = [];
    connection.userData(listenKey ?? "").on("message", (data) => {
      events.push(data as unknown as Record<string, unknown>);
    });
    // Orders are placed until one's update arrives: the connector subscribes, then the relay opens its feed.
    let orderId = "";
    for (let i = 0; i < 40; i++) {
      const placed = await (
        await client.restAPI.newOrder({
          symbol: "BTCUSDT",
          side: "BUY" as never,
          type: "LIMIT" as never,
          timeInForce: "GTC" as never,
          quantity: 0.01,
          price: 20000,
          newClientOrderId: `user-data-${i}`,
        })
      ).data();
      orderId = String(placed.orderId);
      const heard = () =>
        events.some((e) => e.e === "ORDER_TRADE_UPDATE" && String((e.o as { i: unknown }).i) === orderId);
      const deadline = Date.now() + 250;
      while (!heard() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      if (heard()) break;
    }
    const update = events.find(
      (e) => e.e === "ORDER_TRADE_UPDATE" && String((e.o as { i: unknown }).i) === orderId,
    );
    expect(update).toMatchObject({ e: "ORDER_TRADE_UPDATE", o: { s: "BTCUSDT", X: "NEW", x: "NEW" } });

    // The connector's keepalive (a PUT without a key) extends the relay key; the gateway keeps Binance's alive.
    await (await client.restAPI.keepaliveUserDataStream()).data();
    const before = real?.expiresAt ?? 0;
    await waitFor(
      () => (worker.fake.listenKeys("um")[0]?.expiresAt ?? 0) > before,
      "the gateway kept Binance's key alive",
    );

    await (await client.restAPI.closeUserDataStream()).data();
    await waitFor(
      () => worker.fake.listenKeys("um").length === 0,
      "Binance's key closed with the last relay key",
    );
    await connection.disconnect();
    const upstream = worker.fake.requests.filter((r) => r.path === "/fapi/v1/listenKey");
    expect(new Set(upstream.map((r) => r.apiKey))).toEqual(new Set([REAL_KEYS.hmac.apiKey]));
    expect(upstream.map((r) => r.method)).toContain("DELETE");
  });
});
