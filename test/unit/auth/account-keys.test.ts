import { describe, expect, it } from "vitest";
import { accountProblem, describeKeyError } from "../../../shared/auth/account-keys.ts";
import { parseAccounts } from "../../../shared/auth/accounts.ts";

function accountsOf(secrets: Record<string, string>) {
  const parsed = parseAccounts(secrets);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

describe("accountProblem", () => {
  it("names the missing API key of the main account and the missing entry of another", () => {
    expect(accountProblem("main", undefined, "api-key")).toMatch(/^BINANCE_API_KEY is not set/);
    expect(accountProblem("desk", undefined, "signing")).toBe('account "desk" is not in BINANCE_ACCOUNTS');
  });

  it("asks for a signing credential only for signed calls", () => {
    const main = accountsOf({ BINANCE_API_KEY: "k".repeat(64) }).get("main");
    expect(accountProblem("main", main, "api-key")).toBeNull();
    expect(accountProblem("main", main, "signing")).toMatch(
      /^neither BINANCE_API_SECRET nor BINANCE_PRIVATE_KEY/,
    );
  });

  it("refuses the placeholders of .dev.vars.example instead of sending them to Binance", () => {
    const example = accountsOf({
      BINANCE_API_KEY: "replace-with-your-binance-api-key",
      BINANCE_API_SECRET: "replace-with-your-binance-hmac-secret",
    });
    expect(accountProblem("main", example.get("main"), "signing")).toBe(
      "BINANCE_API_KEY still holds the placeholder from .dev.vars.example",
    );
    const secretOnly = accountsOf({ BINANCE_API_KEY: "k".repeat(64), BINANCE_API_SECRET: "replace-with-x" });
    expect(accountProblem("main", secretOnly.get("main"), "signing")).toMatch(/placeholder/);
  });

  it("accepts a configured HMAC account", () => {
    const ok = accountsOf({ BINANCE_API_KEY: "k".repeat(64), BINANCE_API_SECRET: "s".repeat(64) });
    expect(accountProblem("main", ok.get("main"), "signing")).toBeNull();
  });
});

describe("describeKeyError", () => {
  it("names the secret of the main account and the field of another", () => {
    expect(describeKeyError("main", { kind: "passphrase-required" })).toBe(
      "BINANCE_PRIVATE_KEY is encrypted: set BINANCE_PRIVATE_KEY_PASSPHRASE",
    );
    expect(describeKeyError("desk", { kind: "wrong-passphrase" })).toBe(
      "BINANCE_ACCOUNTS.desk.privateKeyPassphrase does not decrypt BINANCE_ACCOUNTS.desk.privateKey",
    );
  });
});
