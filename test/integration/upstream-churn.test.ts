// Red-team probe: one upstream connection carries every caller's streams, and its control messages are paced
// under Binance's limit (5 a second here). A caller that lets go of the streams it holds, one at a time and
// never faster than its own message budget, must not hold up the SUBSCRIBE of another caller's stream nor the
// connection's LIST_SUBSCRIPTIONS probe: the pool replaces a connection whose probe is not answered within 10 s,
// whichever lane it is on, so a probe kept waiting cuts every caller's data on the connection.
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readRelayOptions } from "../../workers/config/relay.ts";
import type { GatewayEnv } from "../../workers/env.ts";
import { UpstreamConnection } from "../../workers/stream/upstream-connection.ts";
import { UpstreamPool } from "../../workers/stream/upstream-pool.ts";
import { fake, waitUntil } from "../support/workerd/relay-helpers.ts";

const HOG_STREAMS = Array.from({ length: 150 }, (_, i) => `hog${i}usdt@aggTrade`);
const VICTIM = "btcusdt@aggTrade";
let connection: UpstreamConnection | null = null;
let pool: UpstreamPool | null = null;
let dripping: ReturnType<typeof setInterval> | null = null;
let ticking: ReturnType<typeof setInterval> | null = null;

beforeEach(async () => {
  await fake.reset();
});
afterEach(() => {
  if (dripping !== null) clearInterval(dripping);
  if (ticking !== null) clearInterval(ticking);
  connection?.close(1000, "test over");
  pool?.closeAll();
  [connection, pool, dripping, ticking] = [null, null, null, null];
});

describe("an upstream connection under unsubscribe churn", () => {
  it("still subscribes another caller's stream and answers its probe within a couple of seconds", async () => {
    const acked = new Map<string, number>();
    connection = new UpstreamConnection(1, `${env.BINANCE_UM_WS_URL}/market/stream`, 5, {
      onData: () => undefined,
      onAcked: (_c, streams) => {
        for (const stream of streams) acked.set(stream, Date.now());
      },
      onRefused: () => undefined,
      onReady: () => undefined,
      onClosed: () => undefined,
    });
    const upstream = connection;
    for (const stream of HOG_STREAMS) upstream.add(stream);
    await upstream.open();
    await waitUntil(() => upstream.ready, "the hog's streams are acknowledged");

    // The hog lets go of one stream every 100 ms: 10 changes a second, its relay socket's message budget.
    const left = [...HOG_STREAMS];
    dripping = setInterval(() => {
      const stream = left.shift();
      if (stream !== undefined) upstream.remove(stream);
    }, 100);
    // Once its first removals have filled the send window, every free slot finds one of them waiting.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const started = Date.now();
    upstream.add(VICTIM);
    upstream.probe(started);

    await waitUntil(
      () => acked.has(VICTIM) && upstream.lastProbeAnsweredAt >= started,
      "the victim's stream is acknowledged and the probe answered",
      20_000,
    ).catch(() => undefined);
    const subscribedAfter = (acked.get(VICTIM) ?? Number.POSITIVE_INFINITY) - started;
    const probedAfter =
      upstream.lastProbeAnsweredAt >= started
        ? upstream.lastProbeAnsweredAt - started
        : Number.POSITIVE_INFINITY;
    console.log(JSON.stringify({ subscribedAfterMs: subscribedAfter, probeAnsweredAfterMs: probedAfter }));
    expect(subscribedAfter).toBeLessThan(2000);
    expect(probedAfter).toBeLessThan(2000);
    // Binance's own limit still holds.
    const [held] = (await fake.streams.connections()).filter((c) => c.closedAt === null);
    expect(held?.violations).toEqual([]);
  }, 30_000);
});

describe("a pool of two lanes under unsubscribe churn", () => {
  it("is not made to replace its connections as dead, nor to tell every client their streams went stale", async () => {
    const relayOptions = readRelayOptions(env as GatewayEnv);
    if (!relayOptions.ok) throw new Error(relayOptions.error);
    const replaced: string[] = [];
    const notices: string[] = [];
    pool = new UpstreamPool(
      "um",
      // One slot for everything, no renewals: only the hog's churn is at work.
      { ...relayOptions.value, maxStreamsPerUpstream: 1024, maxConnectionMs: 3_600_000 },
      {
        forward: () => undefined,
        notify: (notice, streams) => notices.push(`${notice} ${streams.includes(VICTIM) ? VICTIM : ""}`),
        refused: () => undefined,
        wake: () => undefined,
        backoff: () => undefined,
        log: (_level, msg, fields) => {
          if (msg === "upstream replaced") replaced.push(String(fields.why));
        },
      },
    );
    const upstream = pool;
    upstream.add(VICTIM);
    for (const stream of HOG_STREAMS) upstream.add(stream);
    await waitUntil(
      () => upstream.connections.length === 2 && upstream.connections.every((c) => c.ready),
      "both lanes hold every stream",
    );
    // The relay's alarm and frames run the watchdog; here it runs every 250 ms.
    ticking = setInterval(() => upstream.tick(Date.now()), 250);
    const left = [...HOG_STREAMS];
    dripping = setInterval(() => {
      const stream = left.shift();
      if (stream !== undefined) upstream.remove(stream, Date.now());
    }, 100);
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    console.log(JSON.stringify({ replaced, notices }));
    expect(replaced).toEqual([]);
    expect(notices).toEqual([]);
  }, 30_000);
});
