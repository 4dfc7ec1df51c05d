// The field reader GATEWAY_CLIENTS and WEBHOOKS share: an object whose fields are all known ones, or the first
// problem found, for the caller to word.
import { describe, expect, it } from "vitest";
import { readFields } from "../../shared/config-fields.ts";
import { type JsonValue, parseJson } from "../../shared/encoding/json-raw.ts";

const KNOWN = new Set(["name", "symbols"]);

function json(text: string): JsonValue {
  const parsed = parseJson(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

describe("readFields", () => {
  it("gives the fields of an object by name", () => {
    const read = readFields(json('{"name": "bot", "symbols": ["BTCUSDT"]}'), KNOWN);
    expect(read.ok && [...read.value.keys()]).toEqual(["name", "symbols"]);
    expect(read.ok && read.value.get("name")).toEqual({ kind: "string", value: "bot" });
  });

  it("takes an object without fields", () => {
    const read = readFields(json("{}"), KNOWN);
    expect(read.ok && read.value.size).toBe(0);
  });

  it("names the first unknown field", () => {
    expect(readFields(json('{"name": "bot", "scope": 1, "other": 2}'), KNOWN)).toEqual({
      ok: false,
      error: { kind: "unknown-field", name: "scope" },
    });
  });

  it("refuses what is not an object", () => {
    for (const text of ["[]", '"name"', "1", "null"])
      expect(readFields(json(text), KNOWN)).toEqual({ ok: false, error: { kind: "not-an-object" } });
  });

  it("refuses a field given twice", () => {
    const twice: JsonValue = {
      kind: "object",
      entries: [
        ["name", { kind: "string", value: "a" }],
        ["name", { kind: "string", value: "b" }],
      ],
    };
    expect(readFields(twice, KNOWN)).toEqual({ ok: false, error: { kind: "repeated-field", name: "name" } });
  });
});
