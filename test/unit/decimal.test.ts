// The product's one decimal module: exact arithmetic for the order desk, and decimal text compared as text for the
// client library's order book.
import { describe, expect, it } from "vitest";
import {
  add,
  canonicalDecimal,
  compareDecimals,
  decimal,
  divide,
  format,
  formatShort,
  isZeroDecimal,
  parseDecimal,
} from "../../shared/decimal.ts";

describe("decimal arithmetic", () => {
  it("adds exactly and writes plain text", () => {
    expect(format(add(decimal("0.1"), decimal("0.2")))).toBe("0.3");
    expect(format(divide(decimal("1"), decimal("3"), 4))).toBe("0.3333");
    expect(parseDecimal("1e-8")).toBeNull();
  });

  it("writes short text for messages, without trailing zeros", () => {
    expect(formatShort(decimal("12.500"))).toBe("12.5");
    expect(formatShort(decimal("3.000"))).toBe("3");
    expect(formatShort(decimal("100"))).toBe("100");
    expect(formatShort(decimal("-0.50"))).toBe("-0.5");
    expect(formatShort(decimal("0.000"))).toBe("0");
  });
});

describe("decimal text", () => {
  it("spells a decimal the shortest way", () => {
    expect(canonicalDecimal("010.50")).toBe("10.5");
    expect(canonicalDecimal(".5")).toBe("0.5");
    expect(canonicalDecimal("7.")).toBe("7");
  });

  it("compares texts of any length exactly", () => {
    expect(compareDecimals("10.0", "10.00")).toBe(0);
    expect(compareDecimals("99.99", "100")).toBeLessThan(0);
    expect(compareDecimals("0.000000000000000000001", "0")).toBeGreaterThan(0);
    expect(isZeroDecimal("0.000")).toBe(true);
    expect(isZeroDecimal("0.001")).toBe(false);
  });
});
