// Behaviour the restructure of issue 11 was meant to keep and did not (review of bb848e5..HEAD). Each test passed
// on bb848e5 and states the behaviour as it was there; a fix makes it pass again.
import { env, exports } from "cloudflare:workers";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { readRelayOptions, userStreamOptionsOf } from "../../workers/config/relay.ts";
import type { GatewayEnv } from "../../workers/env.ts";
import { CLIENTS } from "../support/credentials.ts";
import { fakeControl } from "../support/fake-control.ts";

const fake = fakeControl(inject("fakeExchangeUrl"));

function listenKeyCall(method: "POST" | "PUT" | "DELETE", path: string, key?: string): Promise<Response> {
  const query = key === undefined ? "" : `?listenKey=${key}`;
  return exports.default.fetch(
    new Request(`https://gateway.test${path}${query}`, {
      method,
      headers: { "X-MBX-APIKEY": CLIENTS.trader.apiKey },
    }),
  );
}

beforeEach(async () => {
  await fake.reset();
});

describe("a listen key the gateway does not know, through REST", () => {
  // docs/errors.md: -1125 carries no X-Gateway-Error, "which are exactly Binance's"; bb848e5 sent none.
  it("is answered exactly as Binance answers it: -1125 without X-Gateway-Error", async () => {
    const made = "A".repeat(64);
    for (const method of ["PUT", "DELETE"] as const) {
      const response = await listenKeyCall(method, "/fapi/v1/listenKey", made);
      expect(response.status).toBe(400);
      expect(await response.text()).toBe('{"code":-1125,"msg":"This listenKey does not exist."}');
      expect(response.headers.get("X-Gateway-Error")).toBeNull();
    }
  });

  it("stays so for a key of ours that was revoked (the user stream object's answer)", async () => {
    const opened = await listenKeyCall("POST", "/fapi/v1/listenKey");
    expect(opened.status).toBe(200);
    const { listenKey } = (await opened.json()) as { listenKey: string };
    expect((await listenKeyCall("DELETE", "/fapi/v1/listenKey", listenKey)).status).toBe(200);
    const again = await listenKeyCall("PUT", "/fapi/v1/listenKey", listenKey);
    expect(again.status).toBe(400);
    expect(await again.text()).toBe('{"code":-1125,"msg":"This listenKey does not exist."}');
    expect(again.headers.get("X-Gateway-Error")).toBeNull();
  });
});

describe("vars given as numbers (an unquoted value in wrangler.toml [vars] is a JSON binding)", () => {
  // bb848e5 read the relay's and the user stream object's vars with String(...), so a number worked; the one
  // integer reader now calls .trim() on it and throws, taking the relay and the user streams down.
  const numeric = (value: number) => value as unknown as string;

  it("reads the relay's options", () => {
    const options = readRelayOptions({ ...(env as GatewayEnv), RELAY_HEARTBEAT_MS: numeric(30_000) });
    expect(options.ok && options.value.heartbeatMs).toBe(30_000);
  });

  it("reads the user stream object's options", () => {
    const options = userStreamOptionsOf({
      ...(env as GatewayEnv),
      LISTEN_KEY_KEEPALIVE_MS: numeric(1_800_000),
    });
    expect(options.ok && options.value.keepaliveMs).toBe(1_800_000);
  });
});
