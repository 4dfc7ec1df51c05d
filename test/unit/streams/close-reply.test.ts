import { describe, expect, it } from "vitest";
import {
  closeReplyOf,
  isSendableCloseCode,
  MAX_CLOSE_REASON_BYTES,
  truncateUtf8,
} from "../../../shared/streams/close-reply.ts";

const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

describe("answering a Close frame", () => {
  it("echoes the peer's code and reason", () => {
    expect(closeReplyOf(1000, "")).toEqual({ code: 1000, reason: "" });
    expect(closeReplyOf(1001, "going away")).toEqual({ code: 1001, reason: "going away" });
    expect(closeReplyOf(4000, "bye")).toEqual({ code: 4000, reason: "bye" });
    expect(closeReplyOf(3000, "x")).toEqual({ code: 3000, reason: "x" });
    expect(closeReplyOf(4999, "")).toEqual({ code: 4999, reason: "" });
  });

  it("answers 1000 to codes that may not go on the wire: none given, dropped, TLS, reserved, out of range", () => {
    for (const code of [1005, 1006, 1015, 1004, 1016, 2999, 999, 0, 5000, 65535, -1, 1000.5, Number.NaN])
      expect(closeReplyOf(code, "why"), String(code)).toEqual({ code: 1000, reason: "" });
    expect([1000, 1003, 1007, 1014, 3000, 4999].every(isSendableCloseCode)).toBe(true);
  });

  it("cuts a reason to the 123 bytes a Close frame holds, never inside a character", () => {
    expect(closeReplyOf(4000, "a".repeat(200)).reason).toBe("a".repeat(MAX_CLOSE_REASON_BYTES));
    // 41 three-byte characters are 123 bytes; a 42nd would not fit.
    const wide = "€".repeat(60);
    expect(closeReplyOf(4000, wide).reason).toBe("€".repeat(41));
    // Four-byte characters (surrogate pairs) are kept whole: 30 of them are 120 bytes.
    const emoji = "😀".repeat(40);
    const cut = truncateUtf8(emoji, MAX_CLOSE_REASON_BYTES);
    expect(cut).toBe("😀".repeat(30));
    expect(utf8Bytes(`x${cut}`)).toBeLessThanOrEqual(MAX_CLOSE_REASON_BYTES);
    expect(utf8Bytes(closeReplyOf(4000, `ab${"é".repeat(100)}`).reason)).toBe(MAX_CLOSE_REASON_BYTES - 1);
  });
});
