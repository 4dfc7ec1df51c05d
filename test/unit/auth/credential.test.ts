// The one reader of a request's credential headers, and the constant-time compare webhook passphrases share
// with the credential registry.
import { describe, expect, it } from "vitest";
import { presentedCredential } from "../../../shared/auth/credential.ts";
import { sameSecret } from "../../../shared/auth/registry.ts";

const headers = (entries: Record<string, string>) => new Headers(entries);

describe("presentedCredential", () => {
  it("reads a bearer token, whatever the scheme's case and surrounding blanks", () => {
    expect(presentedCredential(headers({ Authorization: "Bearer tok-1" }))).toEqual({
      kind: "token",
      value: "tok-1",
    });
    expect(presentedCredential(headers({ Authorization: "bearer   tok-2  " }))).toEqual({
      kind: "token",
      value: "tok-2",
    });
  });

  it("prefers the bearer token when a virtual API key is sent too", () => {
    const both = headers({ Authorization: "Bearer tok", "X-MBX-APIKEY": "vk" });
    expect(presentedCredential(both)).toEqual({ kind: "token", value: "tok" });
  });

  it("reads a virtual API key from X-MBX-APIKEY, trimmed", () => {
    expect(presentedCredential(headers({ "X-MBX-APIKEY": " vk-1 " }))).toEqual({
      kind: "api-key",
      value: "vk-1",
    });
  });

  it("finds none in a request without either, or with an empty key or another scheme", () => {
    expect(presentedCredential(headers({}))).toBeNull();
    expect(presentedCredential(headers({ "X-MBX-APIKEY": "  " }))).toBeNull();
    expect(presentedCredential(headers({ Authorization: "Basic dXNlcjpwYXNz" }))).toBeNull();
    expect(presentedCredential(headers({ Authorization: "Bearer two words" }))).toBeNull();
  });
});

describe("sameSecret", () => {
  it("accepts the expected passphrase and refuses any other, a prefix or the empty string included", async () => {
    expect(await sameSecret("correct horse", "correct horse")).toBe(true);
    expect(await sameSecret("correct hors", "correct horse")).toBe(false);
    expect(await sameSecret("correct horse ", "correct horse")).toBe(false);
    expect(await sameSecret("", "correct horse")).toBe(false);
  });

  it("compares the text, not its normal form: precomposed and decomposed accents differ", async () => {
    expect(await sameSecret("caf\u00e9", "cafe\u0301")).toBe(false);
  });
});
