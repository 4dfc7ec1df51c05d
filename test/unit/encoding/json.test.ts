import { describe, expect, it } from "vitest";
import { paramsFromJson } from "../../../shared/encoding/json-params.ts";
import { parseJson, stringifyJson } from "../../../shared/encoding/json-raw.ts";

describe("lossless JSON", () => {
  it("keeps numbers exactly as written, beyond 2^53 and below 1e-7", () => {
    const text = '{"orderId":9007199254740993,"quantity":0.00000001,"price":1E+2,"n":-0}';
    const parsed = parseJson(text);
    expect(parsed.ok && stringifyJson(parsed.value)).toBe(text);
  });

  it("turns a JSON body into parameters with numbers as written and booleans lowercase", () => {
    const params = paramsFromJson(
      '{"symbol":"BTCUSDT","quantity":0.00000001,"reduceOnly":true,"price":null,"orderIdList":[1,2]}',
    );
    expect(params.ok && params.value).toEqual([
      ["symbol", "BTCUSDT"],
      ["quantity", "0.00000001"],
      ["reduceOnly", "true"],
      ["orderIdList", "[1,2]"],
    ]);
  });

  it("reports where JSON breaks, without echoing the input", () => {
    const parsed = parseJson('{"apiSecret": "hunter2-secret", }');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error.message).toBe("key must be a string at line 1 column 33");
      expect(parsed.error.message).not.toContain("hunter2");
    }
  });

  it("rejects trailing garbage, bare words and unterminated values", () => {
    for (const text of ['{"a":1} x', "{a:1}", '{"a":tru}', '{"a":"b', "[1,2", "", "01"]) {
      expect(parseJson(text).ok).toBe(false);
    }
  });

  it("refuses nesting deeper than 32 levels instead of exhausting the stack", () => {
    expect(parseJson(`${"[".repeat(40)}${"]".repeat(40)}`).ok).toBe(false);
    expect(parseJson(`${"[".repeat(20)}${"]".repeat(20)}`).ok).toBe(true);
  });

  it("needs a JSON object at the top of a request body", () => {
    const params = paramsFromJson("[1,2]");
    expect(!params.ok && params.error.kind).toBe("not-an-object");
  });

  it("refuses an object that repeats a key, since parsers disagree on which one wins", () => {
    const parsed = parseJson('[{"symbol":"BTCUSDT","symbol":"ETHUSDT"}]');
    expect(!parsed.ok && parsed.error.message).toBe("duplicate key at line 1 column 30");
  });

  it("refuses parameters holding an unpaired surrogate", () => {
    const params = paramsFromJson('{"newClientOrderId":"\\ud800"}');
    expect(!params.ok && params.error.kind).toBe("invalid-json");
  });

  it("decodes string escapes including unicode", () => {
    const parsed = parseJson('"a\\u00e9\\n\\"b"');
    expect(parsed.ok && parsed.value).toEqual({ kind: "string", value: 'aé\n"b' });
  });
});
