import { describe, expect, it } from "vitest";
import { parseAccounts } from "../../../shared/auth/accounts.ts";
import { parseClients } from "../../../shared/auth/clients.ts";

const SECRET = "s3cr3t-value-that-must-never-be-echoed";

describe("Binance accounts", () => {
  it("takes the main account from BINANCE_API_KEY and more from BINANCE_ACCOUNTS", () => {
    const accounts = parseAccounts({
      BINANCE_API_KEY: "main-key",
      BINANCE_API_SECRET: SECRET,
      BINANCE_ACCOUNTS: JSON.stringify({
        "sub-1": { apiKey: "sub-key", privateKey: "-----BEGIN PRIVATE KEY-----", privateKeyPassphrase: "pw" },
        hedge_2: { apiKey: "hedge-key", apiSecret: "hedge-secret" },
      }),
    });
    expect(accounts.ok && [...accounts.value.keys()]).toEqual(["main", "sub-1", "hedge_2"]);
    expect(accounts.ok && accounts.value.get("main")).toEqual({
      name: "main",
      apiKey: "main-key",
      credential: { kind: "hmac", secret: SECRET },
    });
    expect(accounts.ok && accounts.value.get("sub-1")?.credential).toEqual({
      kind: "private-key",
      pem: "-----BEGIN PRIVATE KEY-----",
      passphrase: "pw",
    });
  });

  it("needs no account at all for a market-data-only gateway, and keeps a main key without a secret", () => {
    const none = parseAccounts({});
    expect(none.ok && none.value.size).toBe(0);
    const keyOnly = parseAccounts({ BINANCE_API_KEY: "k" });
    expect(keyOnly.ok && keyOnly.value.get("main")?.credential).toBeNull();
  });

  it("refuses a bad BINANCE_ACCOUNTS with a message that names the field, never a value", () => {
    const cases: [string, RegExp][] = [
      [`{"a": {"apiKey": "k", "apiSecret": "${SECRET}"`, /not valid JSON/],
      [`[1]`, /must be a JSON object/],
      [`{"Bad Name": {"apiKey": "k", "apiSecret": "${SECRET}"}}`, /names must be/],
      [`{"main": {"apiKey": "k", "apiSecret": "${SECRET}"}}`, /cannot define "main"/],
      [`{"a": {"apiKey": "k"}}`, /BINANCE_ACCOUNTS\.a needs apiSecret or privateKey/],
      [`{"a": {"apiSecret": "${SECRET}"}}`, /BINANCE_ACCOUNTS\.a\.apiKey is required/],
      [`{"a": {"apiKey": "k", "apiSecret": "${SECRET}", "privateKey": "p"}}`, /not both/],
      [`{"a": {"apiKey": "k", "secret": "${SECRET}"}}`, /unknown field/],
      [`{"a": {"apiKey": 5, "apiSecret": "${SECRET}"}}`, /apiKey must be a non-empty string/],
    ];
    for (const [raw, message] of cases) {
      const parsed = parseAccounts({ BINANCE_ACCOUNTS: raw });
      expect(parsed.ok, raw).toBe(false);
      if (!parsed.ok) {
        expect(parsed.error).toMatch(message);
        expect(parsed.error).not.toContain(SECRET);
      }
    }
  });

  it("refuses both BINANCE_API_SECRET and BINANCE_PRIVATE_KEY", () => {
    const both = parseAccounts({ BINANCE_API_KEY: "k", BINANCE_API_SECRET: "s", BINANCE_PRIVATE_KEY: "p" });
    expect(both.ok).toBe(false);
  });

  it("gives every client an account, main unless it names another", () => {
    const clients = parseClients(
      JSON.stringify([
        { name: "a", token: "tok-a-0123456789abcdef", scopes: ["market"] },
        { name: "b", token: "tok-b-0123456789abcdef", scopes: ["market"], account: "sub-1" },
      ]),
    );
    expect(clients.ok && clients.value.map((c) => c.account)).toEqual(["main", "sub-1"]);
    const bad = parseClients(
      JSON.stringify([{ name: "a", token: "tok-a-0123456789abcdef", scopes: ["market"], account: "Sub 1" }]),
    );
    expect(!bad.ok && bad.error.message).toMatch(/GATEWAY_CLIENTS\[0\]\.account must name an account/);
  });
});
