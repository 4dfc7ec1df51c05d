// JSON writer that can emit raw number text (big order ids) without passing it through a JS number.

const RAW = Symbol("raw-json-number");

export interface RawNumber {
  readonly [RAW]: string;
}

export type Json =
  | null
  | boolean
  | number
  | string
  | RawNumber
  | readonly Json[]
  | { readonly [key: string]: Json | undefined };

/** A JSON number written exactly as the given digits (e.g. a bigint order id). */
export function rawNumber(value: bigint | string): RawNumber {
  const text = typeof value === "bigint" ? value.toString() : value;
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Error(`not a JSON number: ${text}`);
  return { [RAW]: text };
}

function isRawNumber(value: unknown): value is RawNumber {
  return typeof value === "object" && value !== null && RAW in value;
}

/** Like JSON.stringify (compact), but raw numbers are written verbatim; undefined members are skipped. */
export function stringifyJson(value: Json): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error("non-finite number in JSON");
    return JSON.stringify(value);
  }
  if (isRawNumber(value)) return value[RAW];
  if (Array.isArray(value)) {
    const items: readonly Json[] = value;
    return `[${items.map((item) => stringifyJson(item)).join(",")}]`;
  }
  const parts: string[] = [];
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${stringifyJson(member)}`);
  }
  return `{${parts.join(",")}}`;
}
