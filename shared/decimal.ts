// Exact decimal arithmetic for order sizes and prices: values are integers scaled by a power of ten (BigInt), so
// 0.1 + 0.2 is 0.3 and a quantity rounded to a 0.001 step is written "0.123", never "0.12300000000000001".
// The order desk computes with `Decimal`; the client library's order book compares Binance's price text as it
// comes (canonicalDecimal, compareDecimals: no parsing on its hot path, and no float errors either).

export interface Decimal {
  /** The value times 10^scale. */
  readonly units: bigint;
  readonly scale: number;
}

const PATTERN = /^(-?)(\d{1,30})(?:\.(\d{1,18}))?$/;

export function parseDecimal(text: string): Decimal | null {
  const match = PATTERN.exec(text.trim());
  if (match === null) return null;
  const fraction = match[3] ?? "";
  const units = BigInt(`${match[2]}${fraction}`);
  return { units: match[1] === "-" ? -units : units, scale: fraction.length };
}

export function decimal(text: string): Decimal {
  const value = parseDecimal(text);
  if (value === null) throw new Error(`not a decimal: ${text}`);
  return value;
}

export const ZERO: Decimal = { units: 0n, scale: 0 };

function rescale(value: Decimal, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

function aligned(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [rescale(a, scale), rescale(b, scale), scale];
}

export function add(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = aligned(a, b);
  return { units: x + y, scale };
}

export function subtract(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = aligned(a, b);
  return { units: x - y, scale };
}

export function multiply(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** a / b, truncated towards zero at `scale` digits. */
export function divide(a: Decimal, b: Decimal, scale = 18): Decimal {
  if (b.units === 0n) throw new Error("division by zero");
  // a/b = (a.units / 10^a.scale) / (b.units / 10^b.scale); result units = that * 10^scale.
  const numerator = a.units * 10n ** BigInt(scale + b.scale);
  const denominator = b.units * 10n ** BigInt(a.scale);
  return { units: numerator / denominator, scale };
}

export function compare(a: Decimal, b: Decimal): number {
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isZero(a: Decimal): boolean {
  return a.units === 0n;
}

export function negate(a: Decimal): Decimal {
  return { units: -a.units, scale: a.scale };
}

export function abs(a: Decimal): Decimal {
  return a.units < 0n ? negate(a) : a;
}

export function min(a: Decimal, b: Decimal): Decimal {
  return compare(a, b) <= 0 ? a : b;
}

/** The largest multiple of `step` not above `value` (for value >= 0), written at the step's scale. */
export function floorToStep(value: Decimal, step: Decimal): Decimal {
  const [x, s, scale] = aligned(value, step);
  if (s <= 0n) return value;
  const floored = (x / s) * s - (x < 0n && x % s !== 0n ? s : 0n);
  return trimTo({ units: floored, scale }, step.scale);
}

/** The nearest multiple of `step` (halves away from zero), written at the step's scale. */
export function roundToStep(value: Decimal, step: Decimal): Decimal {
  const [x, s, scale] = aligned(value, step);
  if (s <= 0n) return value;
  const sign = x < 0n ? -1n : 1n;
  const magnitude = sign * x;
  const rounded = ((magnitude + s / 2n) / s) * s * sign;
  return trimTo({ units: rounded, scale }, step.scale);
}

/** Reduces the scale to `scale` digits when that loses nothing. */
function trimTo(value: Decimal, scale: number): Decimal {
  let current = value;
  while (current.scale > scale && current.units % 10n === 0n)
    current = { units: current.units / 10n, scale: current.scale - 1 };
  return current;
}

/** Plain decimal text (no exponent), at the value's scale: what Binance expects. */
export function format(value: Decimal): string {
  const negative = value.units < 0n;
  const digits = (negative ? -value.units : value.units).toString().padStart(value.scale + 1, "0");
  const whole = value.scale === 0 ? digits : digits.slice(0, -value.scale);
  const fraction = value.scale === 0 ? "" : `.${digits.slice(-value.scale)}`;
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

/** Without trailing zeros after the point ("12.500" -> "12.5", "3.000" -> "3"), for messages. */
export function formatShort(value: Decimal): string {
  return canonicalDecimal(format(value));
}

// Decimal text compared as text: Binance writes the same price with varying trailing zeros ("10.0", "10.00").
// Inputs are plain decimals without an exponent, as Binance sends prices and quantities.

/** The shortest spelling: no leading zeros before the point, no trailing zeros after it ("010.50" -> "10.5"). */
export function canonicalDecimal(text: string): string {
  const point = text.indexOf(".");
  const whole = (point < 0 ? text : text.slice(0, point)).replace(/^0+(?=\d)/, "") || "0";
  const fraction = point < 0 ? "" : text.slice(point + 1).replace(/0+$/, "");
  return fraction === "" ? whole : `${whole}.${fraction}`;
}

/** Of two non-negative decimal texts: negative when a < b, zero when equal, positive when a > b. */
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
