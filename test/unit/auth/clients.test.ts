import { describe, expect, it } from "vitest";
import { parseClients } from "../../../shared/auth/clients.ts";
import { ClientRegistry, constantTimeEqual } from "../../../shared/auth/registry.ts";

const bot = {
  name: "bot",
  apiKey: "virtual-key-0000000001",
  apiSecret: "virtual-secret-000000001",
  scopes: ["trade"],
};
const hook = {
  name: "hook",
  token: "bearer-token-00000000001",
  scopes: ["market", "read"],
  symbols: ["btcusdt"],
};

function problem(value: unknown): string {
  const parsed = parseClients(typeof value === "string" ? value : JSON.stringify(value));
  if (parsed.ok) throw new Error("expected a configuration error");
  return parsed.error.message;
}

describe("GATEWAY_CLIENTS", () => {
  it("reads clients with virtual keys, tokens, scopes and upper-cased symbols", () => {
    const parsed = parseClients(JSON.stringify([bot, hook]));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value[0]?.scopes.has("trade")).toBe(true);
    expect(parsed.value[0]?.symbols).toBeNull();
    expect([...(parsed.value[1]?.symbols ?? [])]).toEqual(["BTCUSDT"]);
  });

  it("fails loudly when it is missing, naming how to set it", () => {
    expect(problem("")).toMatch(/GATEWAY_CLIENTS is not set/);
  });

  it("names the entry and field of each mistake", () => {
    expect(problem([{ ...bot, scope: ["trade"] }])).toMatch(/GATEWAY_CLIENTS\[0\] has unknown field "scope"/);
    expect(problem([{ ...bot, scopes: ["admin"] }])).toMatch(
      /GATEWAY_CLIENTS\[0\]\.scopes contains unknown scope "admin"/,
    );
    expect(problem([{ ...bot, scopes: [] }])).toMatch(/\.scopes must be a non-empty array/);
    expect(problem([{ name: "x", apiKey: bot.apiKey, scopes: ["read"] }])).toMatch(
      /apiKey and apiSecret must be given together/,
    );
    expect(problem([{ name: "x", scopes: ["read"] }])).toMatch(/needs an apiKey\/apiSecret pair or a token/);
    expect(problem([{ ...hook, token: "short" }])).toMatch(/\.token must be 16 to 256 printable ASCII/);
    expect(problem([{ ...hook, symbols: ["BTC USDT"] }])).toMatch(/\.symbols must contain only symbol names/);
    expect(problem([bot, { ...bot, apiKey: "another-virtual-key-01" }])).toMatch(
      /\[1\]\.name "bot" is used twice/,
    );
    expect(problem([bot, { ...hook, token: bot.apiKey }])).toMatch(/reuses an apiKey or token/);
    expect(problem({ clients: [] })).toMatch(/must be a JSON array/);
  });

  it("reads a client's weightPerMinute, null when left out", () => {
    const parsed = parseClients(JSON.stringify([{ ...bot, weightPerMinute: 300 }, hook]));
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.value.map((client) => client.weightPerMinute)).toEqual([300, null]);
  });

  it("refuses a weightPerMinute that is not a plain whole number from 1 to 1000000", () => {
    const message = /GATEWAY_CLIENTS\[0\]\.weightPerMinute must be a whole number from 1 to 1000000/;
    for (const bad of [0, -5, 2.5, 1_000_001, "300", null, true, [300]])
      expect(problem([{ ...bot, weightPerMinute: bad }])).toMatch(message);
    // Written forms JSON allows but a budget should not take: an exponent, a fraction part.
    for (const raw of ["1e3", "300.0"]) {
      const text = JSON.stringify([bot]).replace('"scopes"', `"weightPerMinute":${raw},"scopes"`);
      expect(problem(text)).toMatch(message);
    }
    expect(problem([{ ...bot, weightperminute: 300 }])).toMatch(/unknown field "weightperminute"/);
  });

  it("does not echo a credential pasted into the wrong field", () => {
    const token = "tok-0123456789abcdef0123";
    expect(problem([{ name: "a", token, scopes: ["market", token] }])).toMatch(
      /unknown scope \(a value not shown\)/,
    );
    expect(problem([{ name: "a", token, [token]: true, scopes: ["market"] }])).not.toContain(token);
  });

  it("never echoes a secret value in an error, even for broken JSON", () => {
    const secret = "super-secret-value-xyz-123";
    expect(problem(`[{"name":"a","apiKey":"k","apiSecret":"${secret}",}]`)).not.toContain(secret);
    expect(
      problem([
        { name: "a", apiKey: "virtual-key-0000000001", apiSecret: `${secret} with space`, scopes: ["read"] },
      ]),
    ).not.toContain(secret);
  });
});

describe("client lookup", () => {
  it("finds clients by virtual key and by token, and nobody by a near miss", async () => {
    const parsed = parseClients(JSON.stringify([bot, hook]));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const registry = await ClientRegistry.create(parsed.value);
    expect((await registry.findByApiKey(bot.apiKey))?.name).toBe("bot");
    expect((await registry.findByToken(hook.token))?.name).toBe("hook");
    expect(await registry.findByApiKey(`${bot.apiKey}x`)).toBeNull();
    expect(await registry.findByApiKey(hook.token)).toBeNull();
    expect(await registry.findByToken(bot.apiKey)).toBeNull();
  });

  it("compares bytes without depending on where they differ", () => {
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3]))).toBe(false);
  });
});
