// Red-team probes: ways one caller could keep another from connecting to the relay, or keep a socket past the
// end of its only credential. Caps from RELAY_TEST_VARS: 40 sockets per relay, 30 per caller.
import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { app } from "../../workers/api/app.ts";
import type { GatewayEnv } from "../../workers/env.ts";
import { CLIENTS } from "../support/credentials.ts";
import { isData, StreamClient } from "../support/stream-client.ts";
import {
  Clients,
  fake,
  relayDrained,
  statusOf,
  subscribedUpstream,
} from "../support/workerd/relay-helpers.ts";

const TOKEN = CLIENTS.hook.token;
const clients = new Clients();
const anonymous: StreamClient[] = [];
const publicEnv = { ...env, RELAY_PUBLIC: "true" } as GatewayEnv;

beforeEach(async () => {
  await fake.reset();
});
afterEach(async () => {
  clients.closeAll();
  for (const client of anonymous.splice(0)) client.close();
  await relayDrained();
});

/** An anonymous connect to a public relay from `ip`: the client, or the refusal's status. */
async function connectFrom(ip: string, path: string): Promise<StreamClient | number> {
  const request = new Request(`https://gateway.test${path}`, {
    headers: { Upgrade: "websocket", "CF-Connecting-IP": ip },
  });
  const response = await app.fetch(request, publicEnv, createExecutionContext());
  const ws = response.webSocket;
  if (response.status !== 101 || ws === null) return response.status;
  ws.accept();
  const client = new StreamClient(ws);
  anonymous.push(client);
  return client;
}

describe("anonymous clients of a public relay", () => {
  it("cannot fill the relay's sockets from many addresses and lock out a credential", async () => {
    // Addresses cost an attacker nothing (one IPv6 /64 is 2^64 of them): 40 sockets from 40 addresses.
    const statuses: (number | "open")[] = [];
    for (let i = 0; i < 40; i++) {
      const result = await connectFrom(`2001:db8::${i + 1}`, "/ws");
      statuses.push(result instanceof StreamClient ? "open" : result);
    }
    // A credentialed client still gets in and gets data; some anonymous sockets were turned away for it.
    expect(await statusOf(`/k/${TOKEN}/ws`)).toBe(101);
    expect(statuses).toContain(429);
    const credentialed = await clients.connect(`/k/${TOKEN}/ws/btcusdt@aggTrade`);
    await subscribedUpstream("btcusdt@aggTrade");
    const [sequence] = await fake.streams.publish("btcusdt@aggTrade");
    await credentialed.waitFor((text) => isData(text) && text.includes(String(sequence)));
  });
});

describe("a socket admitted by a relay listen key alone", () => {
  async function relayKey(): Promise<string> {
    const response = await exports.default.fetch(
      new Request("https://gateway.test/fapi/v1/listenKey", {
        method: "POST",
        headers: { "X-MBX-APIKEY": CLIENTS.trader.apiKey },
      }),
    );
    expect(response.status).toBe(200);
    return ((await response.json()) as { listenKey: string }).listenKey;
  }

  it("cannot keep market streams on no credential by letting go of its key before it is revoked", async () => {
    const key = await relayKey();
    const client = await clients.connect(`/ws/${key}`);
    expect(await client.request("SUBSCRIBE", ["btcusdt@aggTrade"])).toEqual({ result: null, id: 1 });
    // It drops the key that admitted it (answered as usual), so the revocation below finds it holding none.
    expect(await client.request("UNSUBSCRIBE", [key])).toEqual({ result: null, id: 2 });
    await exports.default.fetch(
      new Request(`https://gateway.test/fapi/v1/listenKey?listenKey=${key}`, {
        method: "DELETE",
        headers: { "X-MBX-APIKEY": CLIENTS.trader.apiKey },
      }),
    );
    const closed = await Promise.race([
      client.closed.then((c) => c.code),
      new Promise((resolve) => setTimeout(() => resolve("still open 2 s after the revocation"), 2000)),
    ]);
    expect(closed).toBe(4401);
  });
});
