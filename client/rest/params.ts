// A caller's parameter object turned into Binance's wire parameters, in the object's key order.
// Numbers are written as plain decimals: String(0.00000001) is "1e-8", which Binance rejects. Integers beyond
// 2^53 are refused because the caller's number is already not the id they meant (pass such ids as strings).
// `undefined` means "not sent", so optional fields can be passed through without filtering.

import { isEncodable, type Param } from "../../shared/encoding/query.ts";
import { err, ok, type Result } from "../../shared/result.ts";

export type ParamValue = string | number | boolean;

export type Params = Readonly<Record<string, ParamValue | undefined>>;

export interface ParamProblem {
  readonly name: string;
  readonly detail: string;
}

const EXPONENT = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/;

/** The number as a plain decimal ("0.00000001", never "1e-8"); null when it is not finite or not exact. */
export function formatNumber(value: number): string | null {
  if (!Number.isFinite(value)) return null;
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) return null;
  // String() gives the shortest text that reads back as the same double, so only the exponent needs undoing.
  const text = String(value);
  const match = EXPONENT.exec(text);
  if (match === null) return text;
  const [, sign = "", lead = "", fraction = "", exponent = "0"] = match;
  const digits = lead + fraction;
  const point = 1 + Number(exponent);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function formatValue(value: ParamValue): string | null {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
      return formatNumber(value);
    case "boolean":
      // Binance reads lowercase booleans (dualSidePosition=true).
      return value ? "true" : "false";
  }
}

export function toWireParams(params: Params | undefined): Result<Param[], ParamProblem> {
  const out: Param[] = [];
  for (const [name, value] of Object.entries(params ?? {})) {
    if (value === undefined) continue;
    if (!isEncodable(name)) return err({ name, detail: "has an unpaired UTF-16 surrogate in its name" });
    const text = formatValue(value);
    if (text === null) {
      return err({
        name,
        detail: `is ${String(value)}: send a finite number within ±2^53, or a string for larger ids`,
      });
    }
    if (!isEncodable(text)) return err({ name, detail: "holds an unpaired UTF-16 surrogate" });
    out.push([name, text]);
  }
  return ok(out);
}

/**
 * The catalog's required entries that the parameters do not satisfy, as the catalog spells them ("a|b" means
 * one of the two). An empty value counts as missing, as Binance treats it ("not sent, was empty/null").
 */
export function missingRequired(required: readonly string[], params: readonly Param[]): string[] {
  const present = new Set(params.filter(([, value]) => value !== "").map(([name]) => name));
  return required.filter((entry) => !entry.split("|").some((name) => present.has(name)));
}
