// Exact decimal arithmetic on strings (BigInt-scaled, signed), for fills, positions and filters.

interface Scaled {
  units: bigint;
  scale: number;
}

function parseDecimal(text: string): Scaled {
  const trimmed = text.trim();
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(trimmed);
  const digits = trimmed.replace(/^-/, "");
  if (match === null || digits === "" || digits === ".") throw new Error(`not a decimal: ${text}`);
  const whole = match[2] ?? "";
  const fraction = match[3] ?? "";
  const units = BigInt(`${whole}${fraction}` || "0");
  return { units: match[1] === "-" ? -units : units, scale: fraction.length };
}

function format(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const sign = negative ? "-" : "";
  if (scale === 0) return `${sign}${digits}`;
  const whole = digits.slice(0, -scale);
  const fraction = digits.slice(-scale).replace(/0+$/, "");
  return fraction === "" ? `${sign}${whole}` : `${sign}${whole}.${fraction}`;
}

/** Both values as units of the larger scale. */
function align(a: string, b: string): { x: bigint; y: bigint; scale: number } {
  const p = parseDecimal(a);
  const q = parseDecimal(b);
  const scale = Math.max(p.scale, q.scale);
  return {
    x: p.units * 10n ** BigInt(scale - p.scale),
    y: q.units * 10n ** BigInt(scale - q.scale),
    scale,
  };
}

/** A plain non-negative decimal as Binance accepts it in a parameter ("1", "0.5", ".5"). */
export function isDecimal(text: string): boolean {
  return /^\d+(\.\d+)?$/.test(text) || /^\d*\.\d+$/.test(text);
}

/** a × b, exact. */
export function multiplyDecimal(a: string, b: string): string {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  return format(x.units * y.units, x.scale + y.scale);
}

/** a ÷ b, truncated toward zero to `places` decimals. */
export function divideDecimal(a: string, b: string, places: number): string {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  if (y.units === 0n) throw new Error("division by zero");
  // (x.units / 10^x.scale) / (y.units / 10^y.scale) * 10^places
  const numerator = x.units * 10n ** BigInt(y.scale + places);
  const denominator = y.units * 10n ** BigInt(x.scale);
  return format(numerator / denominator, places);
}

export function addDecimal(a: string, b: string): string {
  const { x, y, scale } = align(a, b);
  return format(x + y, scale);
}

export function subtractDecimal(a: string, b: string): string {
  const { x, y, scale } = align(a, b);
  return format(x - y, scale);
}

/** -1, 0 or 1 as a is less than, equal to or greater than b. */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const { x, y } = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function signOf(a: string): -1 | 0 | 1 {
  return compareDecimal(a, "0");
}

export function absDecimal(a: string): string {
  const x = parseDecimal(a);
  return format(x.units < 0n ? -x.units : x.units, x.scale);
}

export function negateDecimal(a: string): string {
  const x = parseDecimal(a);
  return format(-x.units, x.scale);
}

/** value is a whole multiple of step (step > 0). */
export function isMultipleOf(value: string, step: string): boolean {
  const { x, y } = align(value, step);
  return y !== 0n && x % y === 0n;
}

/** Decimal places that carry a digit ("0.010" has 2). */
export function decimalPlaces(value: string): number {
  const fraction = value.split(".")[1] ?? "";
  return fraction.replace(/0+$/, "").length;
}

/** The value with exactly `places` decimals (truncated toward zero), as Binance writes amounts: "0.00000000". */
export function fixedDecimal(value: string, places: number): string {
  const x = parseDecimal(value);
  const units =
    places >= x.scale ? x.units * 10n ** BigInt(places - x.scale) : x.units / 10n ** BigInt(x.scale - places);
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(places + 1, "0");
  const text = places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
  return negative ? `-${text}` : text;
}
