// Exact decimal arithmetic on strings (BigInt-scaled), for fill amounts.

interface Scaled {
  units: bigint;
  scale: number;
}

function parseDecimal(text: string): Scaled {
  const match = /^(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (match === null || text.trim() === "" || text.trim() === ".") throw new Error(`not a decimal: ${text}`);
  const whole = match[1] ?? "";
  const fraction = match[2] ?? "";
  return { units: BigInt(`${whole}${fraction}` || "0"), scale: fraction.length };
}

function format(units: bigint, scale: number): string {
  const digits = units.toString().padStart(scale + 1, "0");
  if (scale === 0) return digits;
  const whole = digits.slice(0, -scale);
  const fraction = digits.slice(-scale).replace(/0+$/, "");
  return fraction === "" ? whole : `${whole}.${fraction}`;
}

export function isDecimal(text: string): boolean {
  return /^\d+(\.\d+)?$/.test(text) || /^\d*\.\d+$/.test(text);
}

/** a × b, exact. */
export function multiplyDecimal(a: string, b: string): string {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  return format(x.units * y.units, x.scale + y.scale);
}

/** a ÷ b, truncated to `places` decimals. */
export function divideDecimal(a: string, b: string, places: number): string {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  if (y.units === 0n) throw new Error("division by zero");
  // (x.units / 10^x.scale) / (y.units / 10^y.scale) * 10^places
  const numerator = x.units * 10n ** BigInt(y.scale + places);
  const denominator = y.units * 10n ** BigInt(x.scale);
  return format(numerator / denominator, places);
}
