import { describe, expect, it } from "vitest";
import { paramsFromJson } from "../../../shared/encoding/json-params.ts";
import { encodeComponent, encodeParams, parseParams } from "../../../shared/encoding/query.ts";

describe("Binance parameter encoding", () => {
  // The reference connector's table (reference-connector.md, V7): quote_plus with "@" kept.
  const table: [string, string][] = [
    ["@", "@"],
    ["~", "~"],
    [" ", "+"],
    ["[", "%5B"],
    ["]", "%5D"],
    ["{", "%7B"],
    ["}", "%7D"],
    ['"', "%22"],
    ["'", "%27"],
    [",", "%2C"],
    [":", "%3A"],
    ["/", "%2F"],
    ["?", "%3F"],
    ["=", "%3D"],
    ["&", "%26"],
    ["+", "%2B"],
    ["*", "%2A"],
    ["!", "%21"],
    ["$", "%24"],
    ["(", "%28"],
    [")", "%29"],
    [";", "%3B"],
    ["#", "%23"],
    ["%", "%25"],
    ["é", "%C3%A9"],
    ["^", "%5E"],
    ["|", "%7C"],
    ["`", "%60"],
    ["<", "%3C"],
    [">", "%3E"],
    ["\\", "%5C"],
    ["_", "_"],
    [".", "."],
    ["-", "-"],
    ["AZaz09", "AZaz09"],
  ];
  for (const [char, encoded] of table) {
    it(`encodes ${JSON.stringify(char)} as ${encoded}`, () => {
      expect(encodeComponent(char)).toBe(encoded);
    });
  }

  it("percent-encodes non-ASCII symbols as UTF-8, as Binance's docs example does", () => {
    expect(encodeParams([["symbol", "１２３４５６"]])).toBe(
      "symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96",
    );
  });

  it("keeps @ and turns spaces into + in a client order id", () => {
    expect(encodeParams([["newClientOrderId", "x@y z"]])).toBe("newClientOrderId=x@y+z");
  });

  it("encodes a JSON array parameter the way Binance expects batchOrders", () => {
    const params = paramsFromJson('{"batchOrders":[{"symbol":"BTCUSDT","quantity":"0.001"}]}');
    expect(params.ok && encodeParams(params.value)).toBe(
      "batchOrders=%5B%7B%22symbol%22%3A%22BTCUSDT%22%2C%22quantity%22%3A%220.001%22%7D%5D",
    );
  });

  it("decodes what it encodes, for every character of the table and emoji", () => {
    const value = `${table.map(([c]) => c).join("")} 🚀 &=`;
    const parsed = parseParams(encodeParams([["k", value]]));
    expect(parsed.ok && parsed.value).toEqual([["k", value]]);
  });

  it("decodes + as a space and keeps parameter order", () => {
    const parsed = parseParams("b=2&a=x+y&c=%40");
    expect(parsed.ok && parsed.value).toEqual([
      ["b", "2"],
      ["a", "x y"],
      ["c", "@"],
    ]);
  });

  it("refuses malformed percent escapes instead of passing them on", () => {
    expect(parseParams("symbol=BTC%ZZ").ok).toBe(false);
    expect(parseParams("symbol=%E2%82").ok).toBe(false);
  });

  it("reads a parameter without = as an empty value and skips empty segments", () => {
    const parsed = parseParams("a&&b=1");
    expect(parsed.ok && parsed.value).toEqual([
      ["a", ""],
      ["b", "1"],
    ]);
  });
});
