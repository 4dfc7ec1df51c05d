// The readers every configuration part uses: one for whole numbers in a range, one for the location hint.
// Each returns the message the gateway reports (naming the variable, never its value) instead of throwing.

import { err, ok, type Result } from "../../shared/result.ts";

export interface IntegerRange {
  readonly fallback: number;
  readonly min: number;
  readonly max: number;
}

/**
 * A var's text. An unquoted value in wrangler.toml's [vars] (`RELAY_PUBLIC = true`, `RELAY_HEARTBEAT_MS = 30000`)
 * reaches the Worker as a JSON value, not a string, whatever the generated types say: numbers and booleans are
 * read as they are written; anything else (an object, an array) is no text at all.
 */
export function varText(value: unknown): string {
  if (typeof value === "string") return value;
  return typeof value === "number" || typeof value === "boolean" ? String(value) : "";
}

/** A var holding a whole number from min to max; empty or unset means the fallback. */
export function readInteger(name: string, text: unknown, range: IntegerRange): Result<number, string> {
  const trimmed = varText(text).trim();
  if (trimmed === "") return ok(range.fallback);
  const value = Number(trimmed);
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    return err(`${name} must be a whole number from ${range.min} to ${range.max}`);
  }
  return ok(value);
}

/**
 * Reads many integers in a row and keeps the first failure, so a long list of settings reads as a table;
 * a failed read yields its fallback, which the caller never uses because it then reports the failure.
 */
export function integerReader(): {
  readonly read: (name: string, text: unknown, range: IntegerRange) => number;
  readonly failure: () => string | null;
} {
  let failure: string | null = null;
  return {
    read(name, text, range) {
      const value = readInteger(name, text, range);
      if (value.ok) return value.value;
      failure ??= value.error;
      return range.fallback;
    },
    failure: () => failure,
  };
}

// Cloudflare's documented Durable Object location hints.
const LOCATION_HINTS: readonly DurableObjectLocationHint[] = [
  "wnam",
  "enam",
  "sam",
  "weur",
  "eeur",
  "apac",
  "apac-ne",
  "apac-se",
  "oc",
  "afr",
  "me",
];

/** BINANCE_LOCATION_HINT: null when unset or empty, else one of Cloudflare's hints. */
export function readLocationHint(text: unknown): Result<DurableObjectLocationHint | null, string> {
  const hint = varText(text).trim();
  if (hint === "") return ok(null);
  const known = LOCATION_HINTS.find((known) => known === hint);
  if (known === undefined) {
    return err(`BINANCE_LOCATION_HINT must be empty or one of ${LOCATION_HINTS.join(", ")}`);
  }
  return ok(known);
}
