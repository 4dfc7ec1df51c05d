// A JSON request body (token callers: webhooks, curl) turned into Binance parameters, keeping key order.
// Scalars become their text (numbers exactly as written, booleans lowercase as Binance expects); arrays and
// objects become compact JSON text, which is how Binance takes batchOrders, orderIdList and
// origClientOrderIdList; null means "not sent".

import { err, ok, type Result } from "../result.ts";
import { type JsonValue, parseJson, stringifyJson } from "./json-raw.ts";
import { isEncodable, type Param } from "./query.ts";

export type JsonParamsError =
  | { readonly kind: "invalid-json"; readonly message: string }
  | { readonly kind: "not-an-object" };

export function paramsFromJson(text: string): Result<Param[], JsonParamsError> {
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed;
  if (parsed.value.kind !== "object") return err({ kind: "not-an-object" });
  const params: Param[] = [];
  for (const [name, value] of parsed.value.entries) {
    const text = paramText(value);
    if (text === null) continue;
    // A "\ud800" escape decodes to a lone surrogate, which has no UTF-8 form to send.
    if (!isEncodable(name) || !isEncodable(text)) {
      return err({
        kind: "invalid-json",
        message: `parameter ${JSON.stringify(name)} holds an unpaired UTF-16 surrogate`,
      });
    }
    params.push([name, text]);
  }
  return ok(params);
}

export function paramText(value: JsonValue): string | null {
  switch (value.kind) {
    case "string":
      return value.value;
    case "number":
      return value.raw;
    case "boolean":
      return value.value ? "true" : "false";
    case "null":
      return null;
    case "array":
    case "object":
      return stringifyJson(value);
  }
}
