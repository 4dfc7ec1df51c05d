// Red-team probe: a total upstream stall (connections open, answering control messages, delivering nothing) is
// noticed RELAY_STALE_MS after the last frame (1.5 s here). Another caller letting go of streams on the same
// connections, as often as its message budget allows, must not keep it from being noticed: the relay would
// otherwise sit on dead connections for as long as that caller keeps churning, and tell nobody.
import { afterEach, beforeEach, describe, it } from "vitest";
import { CLIENTS } from "../support/credentials.ts";
import { isData } from "../support/stream-client.ts";
import { Clients, fake, subscribedUpstream } from "../support/workerd/relay-helpers.ts";

const STREAM = "btcusdt@aggTrade";
const CHURNED = "ethusdt@markPrice";
const clients = new Clients();
let churning: ReturnType<typeof setInterval> | null = null;

beforeEach(async () => {
  await fake.reset();
});
afterEach(async () => {
  if (churning !== null) clearInterval(churning);
  churning = null;
  await fake.streams.stopTickers();
  clients.closeAll();
});

describe("a total upstream stall", () => {
  it("is noticed while another caller subscribes and unsubscribes a stream on the same connections", async () => {
    const client = await clients.connect(`/k/${CLIENTS.hook.token}/ws/${STREAM}?relayEvents=1`);
    await subscribedUpstream(STREAM, 2);
    await fake.streams.startTicker([STREAM], 20);
    await client.waitForCount(isData, 30);
    // Another credential, 8 messages a second (its budget is 10), never waiting for the replies.
    const churner = await clients.connect(`/k/${CLIENTS.trader.apiKey}/ws`);
    let id = 0;
    churning = setInterval(() => {
      churner.send({ method: "SUBSCRIBE", params: [CHURNED], id: ++id });
      churner.send({ method: "UNSUBSCRIBE", params: [CHURNED], id: ++id });
    }, 250);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await fake.streams.stall({ stream: STREAM }, true);
    await client.waitFor((t) => t.includes('"relay":"stale"'), 8000);
  }, 20_000);
});
