import { describe, expect, it } from "vitest";
import { verifyDropIn, withoutSignature } from "../../../shared/auth/drop-in.ts";
import { checkTimestamp } from "../../../shared/auth/timestamp.ts";
import { parseParams } from "../../../shared/encoding/query.ts";
import { importHmacKey } from "../../../shared/signing/signer.ts";

// Binance's USDⓈ-M docs example: secret and signatures from test/support/fixtures/signing-vectors.json and
// protocol-and-sdks.md §5.1 (F1, and F2 with the spec-correct value for query + body).
const SECRET = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9";
const NOW = 1591702613943 + 100;

async function verify(rawQuery: string, rawBody = "", now = NOW, secret = SECRET) {
  const params = [rawQuery, rawBody].flatMap((raw) => {
    const parsed = parseParams(raw);
    return parsed.ok ? parsed.value : [];
  });
  return verifyDropIn({ rawQuery, rawBody, params }, await importHmacKey(secret, ["verify"]), now);
}

describe("drop-in signature verification", () => {
  const query =
    "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943";

  it("accepts Binance's documented HMAC example (signature in the query)", async () => {
    const result = await verify(
      `${query}&signature=3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9`,
    );
    expect(result.ok).toBe(true);
  });

  it("accepts upper-case hex, as Binance does", async () => {
    const result = await verify(
      `${query}&signature=3C661234138461FCC7A7D8746C6558C9842D4E10870D2ECBEDF7777CAD694AF9`,
    );
    expect(result.ok).toBe(true);
  });

  it("verifies query plus body concatenated with no separator, signature last in the body", async () => {
    const result = await verify(
      "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC",
      "quantity=1&price=9000&recvWindow=5000&timestamp=1591702613943&signature=30baaf0fab549bbeda7f5ef201898b34122da25fd23c646cac2c529aebe670a4",
    );
    expect(result.ok).toBe(true);
  });

  it("rejects an order whose signature was made with another secret", async () => {
    const result = await verify(
      `${query}&signature=3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9`,
      "",
      NOW,
      "another-secret-entirely",
    );
    expect(!result.ok && result.error.kind).toBe("signature-invalid");
  });

  it("rejects a tampered parameter", async () => {
    const tampered = query.replace("quantity=1", "quantity=9");
    const result = await verify(
      `${tampered}&signature=3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9`,
    );
    expect(!result.ok && result.error.kind).toBe("signature-invalid");
  });

  it("rejects non-hex and missing signatures", async () => {
    expect(await verify(`${query}&signature=zz`)).toEqual({
      ok: false,
      error: { kind: "signature-invalid" },
    });
    expect(await verify(query)).toEqual({ ok: false, error: { kind: "signature-missing" } });
  });

  it("rejects a replayed request once it is outside recvWindow", async () => {
    const signed = `${query}&signature=3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9`;
    expect((await verify(signed, "", 1591702613943 + 5000)).ok).toBe(true);
    const replayed = await verify(signed, "", 1591702613943 + 5001);
    expect(!replayed.ok && replayed.error.kind).toBe("timestamp-outside-window");
  });

  it("rejects a timestamp 1000 ms or more ahead of the gateway's clock", async () => {
    const signed = `${query}&signature=3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9`;
    const ahead = await verify(signed, "", 1591702613943 - 1000);
    expect(!ahead.ok && ahead.error.kind).toBe("timestamp-ahead");
    expect((await verify(signed, "", 1591702613943 - 999)).ok).toBe(true);
  });

  it("removes only the signature segment from the signed bytes", () => {
    expect(withoutSignature("a=1&signature=abc")).toBe("a=1");
    expect(withoutSignature("signature=abc&a=1")).toBe("a=1");
    expect(withoutSignature("a=1&signatureX=2&signature=abc&b=%20")).toBe("a=1&signatureX=2&b=%20");
  });
});

describe("timestamp rule", () => {
  it("caps recvWindow at 60000 so a caller cannot widen the replay window", () => {
    const sent = 1_000_000;
    expect(checkTimestamp(String(sent), "999999", sent + 60_000).ok).toBe(true);
    expect(checkTimestamp(String(sent), "999999", sent + 60_001).ok).toBe(false);
  });

  it("names malformed timestamps and recvWindows", () => {
    expect(checkTimestamp("12a", undefined, 0)).toEqual({
      ok: false,
      error: { kind: "param-malformed", name: "timestamp" },
    });
    expect(checkTimestamp("1", "5.5", 0)).toEqual({
      ok: false,
      error: { kind: "param-malformed", name: "recvWindow" },
    });
    expect(checkTimestamp(undefined, undefined, 0)).toEqual({
      ok: false,
      error: { kind: "timestamp-missing" },
    });
  });
});
