// Prices compared as decimal strings, never as floats: parseFloat("0.1") + parseFloat("0.2") style errors
// would merge or misorder levels of small-tick contracts, and Binance writes the same price with varying
// trailing zeros ("10.0", "10.00"). Inputs are non-negative plain decimals, the only form Binance sends for
// prices and quantities (no sign, no exponent).

/** The shortest spelling: no leading zeros before the point, no trailing zeros after it ("010.50" -> "10.5"). */
export function canonicalDecimal(text: string): string {
  const point = text.indexOf(".");
  const whole = (point < 0 ? text : text.slice(0, point)).replace(/^0+(?=\d)/, "") || "0";
  const fraction = point < 0 ? "" : text.slice(point + 1).replace(/0+$/, "");
  return fraction === "" ? whole : `${whole}.${fraction}`;
}

/** Negative when a < b, zero when equal, positive when a > b. */
export function compareDecimals(a: string, b: string): number {
  const [aWhole = "0", aFraction = ""] = canonicalDecimal(a).split(".");
  const [bWhole = "0", bFraction = ""] = canonicalDecimal(b).split(".");
  if (aWhole.length !== bWhole.length) return aWhole.length - bWhole.length;
  if (aWhole !== bWhole) return aWhole < bWhole ? -1 : 1;
  const length = Math.max(aFraction.length, bFraction.length);
  const x = aFraction.padEnd(length, "0");
  const y = bFraction.padEnd(length, "0");
  return x === y ? 0 : x < y ? -1 : 1;
}

export function isZeroDecimal(text: string): boolean {
  return canonicalDecimal(text) === "0";
}
