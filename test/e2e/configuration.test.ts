// Configuration mistakes fail loudly and never open access; logs never carry secrets.
import { afterEach, describe, expect, it } from "vitest";
import { signedQuery } from "../support/client-signing.ts";
import { CLIENTS, REAL_KEYS } from "../support/credentials.ts";
import { type GatewayHarnessOptions, type RunningGateway, startGateway } from "../support/gateway-harness.ts";

let gateway: RunningGateway | undefined;
async function start(options: GatewayHarnessOptions): Promise<RunningGateway> {
  gateway = await startGateway(options);
  return gateway;
}
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function refusal(response: Response): Promise<{ status: number; code: number; msg: string }> {
  const body = (await response.json()) as { code: number; msg: string };
  return { status: response.status, ...body };
}

describe("configuration mistakes", () => {
  it("a GATEWAY_CLIENTS typo fails the first request with the entry and field named, and opens nothing", async () => {
    const broken = JSON.stringify([{ name: "bot", token: "tok-0123456789abcdef0123", scope: ["trade"] }]);
    const gw = await start({ secrets: { GATEWAY_CLIENTS: broken } });
    const response = await fetch(`${gw.url}/fapi/v1/time`, {
      headers: { Authorization: "Bearer tok-0123456789abcdef0123" },
    });
    expect(await refusal(response)).toEqual({
      status: 500,
      code: -9000,
      msg: 'Gateway misconfigured: GATEWAY_CLIENTS[0] has unknown field "scope" (expected name, apiKey, apiSecret, token, scopes, symbols, account, weightPerMinute)',
    });
    const health = await fetch(`${gw.url}/gateway/health`);
    expect(health.status).toBe(500);
    expect(gw.fake.requests).toHaveLength(0);
  });

  it("a client acting for an account that is not configured fails the first request, naming both", async () => {
    const clients = JSON.stringify([
      { name: "bot", token: "tok-0123456789abcdef0123", scopes: ["market"], account: "desk" },
    ]);
    const gw = await start({ secrets: { GATEWAY_CLIENTS: clients } });
    const response = await fetch(`${gw.url}/fapi/v1/time`, {
      headers: { Authorization: "Bearer tok-0123456789abcdef0123" },
    });
    expect(await refusal(response)).toEqual({
      status: 500,
      code: -9000,
      msg: 'Gateway misconfigured: GATEWAY_CLIENTS: client "bot" acts for account "desk", which BINANCE_ACCOUNTS does not define',
    });
    expect(gw.fake.requests).toHaveLength(0);
  });

  it("a client budget above what the weight limit leaves outside its reserve fails the first request", async () => {
    const clients = JSON.stringify([
      { name: "bot", token: "tok-0123456789abcdef0123", scopes: ["market"], weightPerMinute: 2041 },
    ]);
    const gw = await start({ secrets: { GATEWAY_CLIENTS: clients } });
    const response = await fetch(`${gw.url}/fapi/v1/time`, {
      headers: { Authorization: "Bearer tok-0123456789abcdef0123" },
    });
    expect(await refusal(response)).toEqual({
      status: 500,
      code: -9000,
      msg: 'Gateway misconfigured: GATEWAY_CLIENTS: client "bot" has weightPerMinute 2041, above the 2040 that WEIGHT_LIMIT_PER_MINUTE leaves outside its WEIGHT_RESERVE_PERCENT reserve',
    });
    expect(gw.fake.requests).toHaveLength(0);
  });

  it("a weight reserve outside 0 to 90 percent is named on the health check", async () => {
    const gw = await start({ vars: { WEIGHT_RESERVE_PERCENT: "95" } });
    const health = await fetch(`${gw.url}/gateway/health`);
    expect(health.status).toBe(500);
    expect(await health.json()).toEqual({
      status: "misconfigured",
      problem: "WEIGHT_RESERVE_PERCENT must be a whole number from 0 to 90",
    });
  });

  it("broken JSON in GATEWAY_CLIENTS is reported by position, without echoing it", async () => {
    const gw = await start({
      secrets: { GATEWAY_CLIENTS: '[{"name":"a","token":"my-very-secret-token-value"' },
    });
    const body = await refusal(await fetch(`${gw.url}/fapi/v1/time`));
    expect(body.msg).toMatch(
      /^Gateway misconfigured: GATEWAY_CLIENTS is not valid JSON: .* at line 1 column \d+$/,
    );
    expect(body.msg).not.toContain("my-very-secret-token-value");
  });

  it("both an HMAC secret and a private key is refused rather than guessed", async () => {
    const gw = await start({ key: "rsa", secrets: { BINANCE_API_SECRET: REAL_KEYS.hmac.secret } });
    const response = await fetch(`${gw.url}/fapi/v3/account`, {
      headers: { Authorization: `Bearer ${CLIENTS.hook.token}` },
    });
    expect((await refusal(response)).msg).toMatch(
      /set only one of BINANCE_API_SECRET \(HMAC\) and BINANCE_PRIVATE_KEY/,
    );
  });

  it("an encrypted key without its passphrase is named as the problem", async () => {
    const gw = await start({ key: "rsaEncrypted", secrets: { BINANCE_PRIVATE_KEY_PASSPHRASE: "" } });
    const response = await fetch(`${gw.url}/fapi/v3/account`, {
      headers: { Authorization: `Bearer ${CLIENTS.hook.token}` },
    });
    expect((await refusal(response)).msg).toBe(
      "Gateway misconfigured: BINANCE_PRIVATE_KEY is encrypted: set BINANCE_PRIVATE_KEY_PASSPHRASE",
    );
  });

  it("a wrong passphrase is named as the problem", async () => {
    const gw = await start({
      key: "rsaEncrypted",
      secrets: { BINANCE_PRIVATE_KEY_PASSPHRASE: "not-the-passphrase" },
    });
    const response = await fetch(`${gw.url}/fapi/v3/account`, {
      headers: { Authorization: `Bearer ${CLIENTS.hook.token}` },
    });
    expect((await refusal(response)).msg).toBe(
      "Gateway misconfigured: BINANCE_PRIVATE_KEY_PASSPHRASE does not decrypt BINANCE_PRIVATE_KEY",
    );
    const health = await fetch(`${gw.url}/gateway/health`);
    expect({ status: health.status, body: await health.json() }).toEqual({
      status: 503,
      body: { status: "degraded" },
    });
    const owner = await fetch(`${gw.url}/gateway/health`, {
      headers: { Authorization: `Bearer ${CLIENTS.hook.token}` },
    });
    expect(await owner.json()).toEqual({
      status: "degraded",
      accounts: [
        {
          account: "main",
          usable: false,
          problem: "BINANCE_PRIVATE_KEY_PASSPHRASE does not decrypt BINANCE_PRIVATE_KEY",
        },
      ],
    });
  });

  it("health is degraded when a client's second account has no usable key, ok for market-only clients", async () => {
    const marketOnly = JSON.stringify([CLIENTS.viewer]);
    const quiet = await start({ secrets: { GATEWAY_CLIENTS: marketOnly, BINANCE_API_KEY: "" } });
    expect((await fetch(`${quiet.url}/gateway/health`)).status).toBe(200);
    await quiet.close();
    const broken = await start({
      secrets: { BINANCE_ACCOUNTS: JSON.stringify({ second: { apiKey: "k", privateKey: "not a pem" } }) },
    });
    const owner = await fetch(`${broken.url}/gateway/health`, {
      headers: { Authorization: `Bearer ${CLIENTS.second.token}` },
    });
    expect({ status: owner.status, body: await owner.json() }).toEqual({
      status: 503,
      body: {
        status: "degraded",
        accounts: [
          {
            account: "second",
            usable: false,
            problem: "BINANCE_ACCOUNTS.second.privateKey is not usable: not a PKCS#8 private key",
          },
        ],
      },
    });
  });

  it("an unknown BINANCE_LOCATION_HINT is refused, a valid one is used", async () => {
    const bad = await start({ vars: { BINANCE_LOCATION_HINT: "mars" } });
    const response = await fetch(`${bad.url}/fapi/v1/time`, {
      headers: { Authorization: `Bearer ${CLIENTS.hook.token}` },
    });
    expect((await refusal(response)).msg).toMatch(/BINANCE_LOCATION_HINT must be empty or one of wnam, enam/);
    await bad.close();
    const good = await start({ vars: { BINANCE_LOCATION_HINT: "apac-ne" } });
    expect(
      (
        await fetch(`${good.url}/fapi/v1/time`, {
          headers: { Authorization: `Bearer ${CLIENTS.hook.token}` },
        })
      ).status,
    ).toBe(200);
  });

  it("answers public market data but refuses signed calls when no Binance credential is set", async () => {
    const gw = await start({ secrets: { BINANCE_API_KEY: "", BINANCE_API_SECRET: "" } });
    const auth = { Authorization: `Bearer ${CLIENTS.hook.token}` };
    expect((await fetch(`${gw.url}/fapi/v1/time`, { headers: auth })).status).toBe(200);
    const signed = await refusal(await fetch(`${gw.url}/fapi/v3/account`, { headers: auth }));
    expect(signed.msg).toMatch(/BINANCE_API_KEY is not set/);
  });
});

describe("logs", () => {
  it("carry structured request lines and never a key, secret, signature or signed query", async () => {
    const gw = await start({ vars: { LOG_LEVEL: "info" } });
    const trader = CLIENTS.trader;
    const query = await signedQuery(
      trader.apiSecret,
      "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=100",
    );
    await fetch(`${gw.url}/fapi/v1/order?${query}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": trader.apiKey },
    });
    await fetch(`${gw.url}/fapi/v1/order?${query.replace(/signature=\w+/, "signature=00")}`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": trader.apiKey },
    });
    await fetch(`${gw.url}/fapi/v3/account`, { headers: { Authorization: `Bearer ${CLIENTS.hook.token}` } });
    const logs = gw.logs().join("\n");
    const sentSignatures = gw.fake.requests
      .map((r) => /signature=([^&]+)/.exec(r.rawQuery)?.[1])
      .filter((s) => s !== undefined);
    expect(logs).toMatch(/"msg":"request","client":"trader","mode":"drop-in"/);
    for (const secret of [
      trader.apiKey,
      trader.apiSecret,
      CLIENTS.hook.token,
      REAL_KEYS.hmac.apiKey,
      REAL_KEYS.hmac.secret,
      query,
      ...sentSignatures,
    ]) {
      expect(logs).not.toContain(secret);
    }
  });
});
