// Drop-in proof for streams: Binance's official USDⓈ-M connector, pointed at the relay (only its wsURL changed,
// with the credential as a /k/ prefix since it appends its own paths), receives live data.
import { DerivativesTradingUsdsFutures } from "@binance/derivatives-trading-usds-futures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENTS } from "../support/credentials.ts";
import { waitFor } from "../support/wait-for.ts";
import { startWorkerProcess, type WorkerProcess } from "../support/worker-process.ts";

let worker: WorkerProcess;
beforeAll(async () => {
  worker = await startWorkerProcess();
});
afterAll(async () => {
  await worker?.close();
});

describe("Binance's official stream connector through the relay", () => {
  it("subscribes on its own routes and receives aggregate trades and book tickers", async () => {
    const client = new DerivativesTradingUsdsFutures({
      configurationWebsocketStreams: {
        wsURL: `${worker.wsUrl}/k/${CLIENTS.hook.token}`,
        reconnectDelay: 500,
      },
    });
    const connection = await client.websocketStreams.connect();
    const trades: unknown[] = [];
    const books: unknown[] = [];
    connection.aggregateTradeStreams({ symbol: "btcusdt" }).on("message", (data) => {
      trades.push(data);
    });
    connection.individualSymbolBookTickerStreams({ symbol: "btcusdt" }).on("message", (data) => {
      books.push(data);
    });
    const held = (stream: string) =>
      worker.fake.streams.connections().some((c) => c.closedAt === null && c.subscriptions.includes(stream));
    await waitFor(
      () => held("btcusdt@aggTrade") && held("btcusdt@bookTicker"),
      "the relay subscribed upstream",
    );
    const tradeSequences = worker.fake.streams.publish("btcusdt@aggTrade", 3);
    const bookSequences = worker.fake.streams.publish("btcusdt@bookTicker", 2);
    await waitFor(() => trades.length >= 3 && books.length >= 2, "the connector received the events");
    // The connector parses with a big-integer-safe JSON parser: the aggregate trade ids arrive exact.
    expect(trades.map((t) => BigInt(String((t as { a: unknown }).a)))).toEqual(tradeSequences);
    expect(books.map((b) => BigInt(String((b as { u: unknown }).u)))).toEqual(bookSequences);
    await connection.disconnect();
  });
});
