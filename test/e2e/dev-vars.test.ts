// The user's path: `npm run dev` reading a .dev.vars the user wrote (no bindings injected by a harness). Every
// documented secret must reach the Worker from there: each kind of real Binance key signs an order the fake
// exchange verifies, and a webhook from WEBHOOKS places its order. /gateway/health tells whether the keys work.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeExchange, startFakeExchange } from "../fake-exchange/index.ts";
import { signedQuery } from "../support/client-signing.ts";
import { CLIENTS, FAKE_EXCHANGE_KEYS, REAL_KEYS } from "../support/credentials.ts";
import { type DevServer, devVarLine, startDevServer } from "../support/dev-server.ts";
import { HOOK_PASSPHRASE } from "../support/test-webhooks.ts";
import { waitFor } from "../support/wait-for.ts";

const HOOK = {
  passphrase: HOOK_PASSPHRASE,
  symbols: ["BTCUSDT"],
  maxNotional: "100000",
};

function devVars(fake: FakeExchange, secrets: Record<string, string>): string {
  const lines = [
    "# written by test/e2e/dev-vars.test.ts, as a user would",
    devVarLine("BINANCE_UM_REST_URL", fake.url),
    devVarLine("BINANCE_CM_REST_URL", fake.url),
    devVarLine("BINANCE_UM_WS_URL", fake.wsUrl),
    devVarLine("BINANCE_CM_WS_URL", `${fake.wsUrl}/dstream`),
    devVarLine("GATEWAY_CLIENTS", JSON.stringify([CLIENTS.trader, CLIENTS.hook, CLIENTS.viewer])),
  ];
  for (const [name, value] of Object.entries(secrets)) lines.push(devVarLine(name, value));
  return `${lines.join("\n")}\n`;
}

const KINDS = [
  ["hmac", { BINANCE_API_KEY: REAL_KEYS.hmac.apiKey, BINANCE_API_SECRET: REAL_KEYS.hmac.secret }],
  ["rsa", { BINANCE_API_KEY: REAL_KEYS.rsa.apiKey, BINANCE_PRIVATE_KEY: REAL_KEYS.rsa.privateKeyPem }],
  [
    "ed25519",
    { BINANCE_API_KEY: REAL_KEYS.ed25519.apiKey, BINANCE_PRIVATE_KEY: REAL_KEYS.ed25519.privateKeyPem },
  ],
] as const;

for (const [kind, keys] of KINDS) {
  describe(`npm run dev with a ${kind} key in .dev.vars`, () => {
    let fake: FakeExchange;
    let dev: DevServer;
    beforeAll(async () => {
      fake = await startFakeExchange();
      for (const key of FAKE_EXCHANGE_KEYS) fake.registerKey({ ...key });
      dev = await startDevServer(devVars(fake, { ...keys, WEBHOOKS: JSON.stringify({ tv: HOOK }) }));
    });
    afterAll(async () => {
      await dev?.stop();
      await fake?.close();
    });

    it("says ok on /gateway/health, and which key kind to a caller that presents its credential", async () => {
      const health = await fetch(`${dev.url}/gateway/health`);
      expect({ status: health.status, body: await health.json() }).toEqual({
        status: 200,
        body: { status: "ok" },
      });
      const owner = await fetch(`${dev.url}/gateway/health`, {
        headers: { "X-MBX-APIKEY": CLIENTS.trader.apiKey },
      });
      expect(await owner.json()).toEqual({
        status: "ok",
        accounts: [{ account: "main", usable: true, key: kind }],
      });
    });

    it("places an order signed with the key from .dev.vars", async () => {
      const trader = CLIENTS.trader;
      const order = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.5&price=25000";
      const placed = await fetch(`${dev.url}/fapi/v1/order?${await signedQuery(trader.apiSecret, order)}`, {
        method: "POST",
        headers: { "X-MBX-APIKEY": trader.apiKey },
      });
      expect(placed.status, await placed.clone().text()).toBe(200);
      const upstream = fake.requests.filter((r) => r.path === "/fapi/v1/order" && r.method === "POST");
      expect(upstream.map((r) => [r.status, r.signed, r.apiKey])).toEqual([
        [200, true, keys.BINANCE_API_KEY],
      ]);
    });

    it("never prints a credential of a stream path on the console", async () => {
      const wsUrl = dev.url.replace(/^http/, "ws");
      const key = await fetch(`${dev.url}/fapi/v1/listenKey`, {
        method: "POST",
        headers: { "X-MBX-APIKEY": CLIENTS.trader.apiKey },
      });
      const { listenKey } = (await key.json()) as { listenKey: string };
      for (const path of [`/k/${CLIENTS.hook.token}/ws/btcusdt@aggTrade`, `/ws/${listenKey}`]) {
        const socket = new WebSocket(`${wsUrl}${path}`);
        await new Promise((resolve, reject) => {
          socket.onopen = resolve;
          socket.onerror = reject;
        });
        socket.close();
      }
      await waitFor(() => dev.output().includes("/ws/<listen key>"), "the listen key's request line");
      expect(dev.output()).toContain("/k/<credential>/ws/btcusdt@aggTrade");
      expect(dev.output()).not.toContain(CLIENTS.hook.token);
      expect(dev.output()).not.toContain(listenKey);
    });

    it("places the order of a webhook from WEBHOOKS in .dev.vars", async () => {
      const alert = {
        passphrase: HOOK_PASSPHRASE,
        id: `dev-vars-${kind}`,
        time: new Date().toISOString(),
        action: "buy",
        symbol: "BTCUSDT",
        quantity: "0.01",
      };
      const delivered = await fetch(`${dev.url}/hooks/tv`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(alert),
      });
      expect(delivered.status, await delivered.clone().text()).toBe(202);
      const byHook = () =>
        fake.requests.filter(
          (r) =>
            r.path === "/fapi/v1/order" && r.method === "POST" && /newClientOrderId=wh-/.test(r.rawQuery),
        );
      await waitFor(() => byHook().length > 0, "the webhook's order at the exchange", 20_000);
      expect(byHook().map((r) => [r.status, r.signed, r.apiKey])).toEqual([
        [200, true, keys.BINANCE_API_KEY],
      ]);
    });
  });
}

describe("npm run dev without a Binance key in .dev.vars", () => {
  let fake: FakeExchange;
  let dev: DevServer;
  beforeAll(async () => {
    fake = await startFakeExchange();
    dev = await startDevServer(devVars(fake, {}));
  });
  afterAll(async () => {
    await dev?.stop();
    await fake?.close();
  });

  it("does not say ok on /gateway/health, and keeps the details for authenticated callers", async () => {
    const anonymous = await fetch(`${dev.url}/gateway/health`);
    expect({ status: anonymous.status, body: await anonymous.json() }).toEqual({
      status: 503,
      body: { status: "degraded" },
    });
    const owner = await fetch(`${dev.url}/gateway/health`, {
      headers: { Authorization: `Bearer ${CLIENTS.hook.token}` },
    });
    expect(owner.status).toBe(503);
    expect(await owner.json()).toEqual({
      status: "degraded",
      accounts: [
        {
          account: "main",
          usable: false,
          problem: "BINANCE_API_KEY is not set, so calls that need Binance's API key cannot be made",
        },
      ],
    });
  });
});
