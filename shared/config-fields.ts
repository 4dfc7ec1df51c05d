// Reading one entry of a JSON configuration variable (GATEWAY_CLIENTS, WEBHOOKS): an object whose fields are all
// known ones. Strict on purpose: a typo is an error that names the field, never a setting silently ignored. Each
// caller words its own message (GATEWAY_CLIENTS does not echo a name that may be a pasted credential).

import type { JsonValue } from "./encoding/json-raw.ts";
import { err, ok, type Result } from "./result.ts";

/** What a configuration variable's parser answers when the variable is wrong; `message` never holds a secret. */
export type ConfigError<Kind extends string> = { readonly kind: Kind; readonly message: string };

export type FieldsProblem =
  | { readonly kind: "not-an-object" }
  | { readonly kind: "unknown-field"; readonly name: string }
  | { readonly kind: "repeated-field"; readonly name: string };

/** The object's fields by name, if it is an object and every field is in `known`. */
export function readFields(
  entry: JsonValue,
  known: ReadonlySet<string>,
): Result<ReadonlyMap<string, JsonValue>, FieldsProblem> {
  if (entry.kind !== "object") return err({ kind: "not-an-object" });
  const fields = new Map<string, JsonValue>();
  for (const [name, value] of entry.entries) {
    if (!known.has(name)) return err({ kind: "unknown-field", name });
    if (fields.has(name)) return err({ kind: "repeated-field", name });
    fields.set(name, value);
  }
  return ok(fields);
}
