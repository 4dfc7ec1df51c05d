import { describe, expect, it } from "vitest";
import {
  errorMessage,
  parseClientMessage,
  readClientMessage,
  resultMessage,
} from "../../../shared/streams/client-protocol.ts";
import { combinedFrame, payloadOf, readUpstreamFrame } from "../../../shared/streams/frames.ts";
import { parseConnectPath } from "../../../shared/streams/paths.ts";
import { decodeAdmission, encodeAdmission } from "../../../shared/streams/relay-connect.ts";

function refusal(text: string) {
  const parsed = parseClientMessage(text);
  if (parsed.ok) throw new Error("expected a refusal");
  return parsed.error;
}

describe("client messages", () => {
  it("reads SUBSCRIBE, UNSUBSCRIBE and LIST_SUBSCRIPTIONS with the id kept as sent", () => {
    expect(
      parseClientMessage('{"method":"SUBSCRIBE","params":["btcusdt@aggTrade","btcusdt@depth"],"id":1}'),
    ).toEqual({
      ok: true,
      value: { kind: "subscribe", id: "1", streams: ["btcusdt@aggTrade", "btcusdt@depth"] },
    });
    expect(parseClientMessage('{"method":"UNSUBSCRIBE","params":["btcusdt@depth"],"id":312}')).toMatchObject({
      ok: true,
      value: { kind: "unsubscribe", id: "312" },
    });
    expect(parseClientMessage('{"method":"LIST_SUBSCRIPTIONS","id":18446744073709551615}')).toEqual({
      ok: true,
      value: { kind: "list", id: "18446744073709551615" },
    });
  });

  it("accepts the 32-hex string ids Binance's JS connector sends, and a missing id, echoing them", () => {
    expect(
      parseClientMessage('{"method":"LIST_SUBSCRIPTIONS","id":"0f1e2d3c4b5a69780f1e2d3c4b5a6978"}'),
    ).toEqual({ ok: true, value: { kind: "list", id: '"0f1e2d3c4b5a69780f1e2d3c4b5a6978"' } });
    expect(parseClientMessage('{"method":"LIST_SUBSCRIPTIONS"}')).toEqual({
      ok: true,
      value: { kind: "list", id: "null" },
    });
  });

  it("reads SET_PROPERTY and GET_PROPERTY for combined and relay_events", () => {
    expect(parseClientMessage('{"method":"SET_PROPERTY","params":["combined",true],"id":5}')).toEqual({
      ok: true,
      value: { kind: "set-property", id: "5", property: "combined", value: true },
    });
    expect(parseClientMessage('{"method":"GET_PROPERTY","params":["relay_events"],"id":2}')).toMatchObject({
      ok: true,
      value: { property: "relay_events" },
    });
  });

  it("answers bad requests with Binance's codes and messages", () => {
    expect(refusal('{"method":')).toEqual({
      code: 3,
      msg: "Invalid JSON: EOF while parsing a value at line 1 column 11",
      id: "null",
    });
    expect(refusal("SUBSCRIBE btcusdt@aggTrade")).toMatchObject({
      code: 3,
      msg: expect.stringMatching(/^Invalid JSON: .* at line 1 column \d+$/),
    });
    expect(refusal('{"method":"SUBSCRIBE","params":[],"id":"x y"}')).toEqual({
      code: 2,
      msg: "Invalid request: request ID must be an unsigned integer",
      id: "null",
    });
    expect(refusal('{"method":"SUBSCRIBE","params":[],"id":-1}').msg).toBe(
      "Invalid request: request ID must be an unsigned integer",
    );
    expect(refusal('{"method":"SUBSCRIBE","params":[],"id":1.5}').code).toBe(2);
    expect(refusal('{"method":"PING","id":7}')).toMatchObject({
      code: 2,
      id: "7",
      msg: expect.stringMatching(
        /^Invalid request: unknown variant `PING`, expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY` at line 1 column \d+$/,
      ),
    });
    expect(refusal('{"params":[],"id":7}').msg).toMatch(
      /^Invalid request: missing field `method` at line 1 column \d+$/,
    );
    expect(refusal('{"method":"SUBSCRIBE","params":[1],"id":9}')).toEqual({
      code: 2,
      msg: "Invalid request: invalid stream",
      id: "9",
    });
    expect(refusal('{"method":"GET_PROPERTY","params":["combined","x"],"id":2}')).toEqual({
      code: 2,
      msg: "Invalid request: too many parameters",
      id: "2",
    });
    expect(refusal('{"method":"SET_PROPERTY","params":[1,true],"id":2}')).toEqual({
      code: 2,
      msg: "Invalid request: property name must be a string",
      id: "2",
    });
    expect(refusal('{"method":"SET_PROPERTY","params":["speed",true],"id":2}')).toEqual({
      code: 0,
      msg: "Unknown property",
      id: "2",
    });
    expect(refusal('{"method":"SET_PROPERTY","params":["combined","yes"],"id":2}')).toEqual({
      code: 1,
      msg: "Invalid value type: expected Boolean",
      id: "2",
    });
    const many = JSON.stringify({
      method: "SUBSCRIBE",
      params: Array.from({ length: 1025 }, (_, i) => `s${i}@aggTrade`),
      id: 1,
    });
    expect(refusal(many).msg).toBe("Invalid request: too many parameters");
  });

  it("writes replies and errors in Binance's shapes, echoing big ids exactly", () => {
    expect(resultMessage("18446744073709551615", "null")).toBe('{"result":null,"id":18446744073709551615}');
    expect(errorMessage({ code: 2, msg: "Invalid request: x", id: "3" })).toBe(
      '{"error":{"code":2,"msg":"Invalid request: x"},"id":3}',
    );
  });
});

describe("connection paths", () => {
  const none = new URLSearchParams();
  it("reads /ws and /stream under every USDⓈ-M prefix, and COIN-M under /cm", () => {
    for (const prefix of ["", "/public", "/market", "/um", "/um/market"]) {
      expect(parseConnectPath(`${prefix}/ws/btcusdt@aggTrade/btcusdt@depth`, none)).toEqual({
        market: "um",
        combined: false,
        streams: ["btcusdt@aggTrade", "btcusdt@depth"],
        credential: null,
        events: {},
      });
    }
    expect(
      parseConnectPath("/cm/stream", new URLSearchParams("streams=btcusd_perp@aggTrade/!bookTicker")),
    ).toEqual({
      market: "cm",
      combined: true,
      streams: ["btcusd_perp@aggTrade", "!bookTicker"],
      credential: null,
      events: {},
    });
    expect(parseConnectPath("/ws", none)).toEqual({
      market: "um",
      combined: false,
      streams: [],
      credential: null,
      events: {},
    });
  });

  it("takes a credential from a /k/ prefix before the market", () => {
    expect(parseConnectPath("/k/rt1.abc.def/cm/stream", none)).toMatchObject({
      market: "cm",
      credential: "rt1.abc.def",
    });
    expect(parseConnectPath("/k/a%2Fb/ws", none)).toMatchObject({ credential: "a/b" });
  });

  it("refuses paths that are not stream endpoints", () => {
    for (const path of [
      "/",
      "/fapi/v1/time",
      "/cm/public/ws",
      "/stream/extra",
      "/k//ws",
      "/um/fapi/v1/order",
      "/wss",
    ]) {
      expect(parseConnectPath(path, none)).toBeNull();
    }
  });
});

describe("upstream frames", () => {
  const frame = '{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","a":9007199254740993,"p":"1.10"}}';
  it("names the stream of a data frame and slices its payload without parsing it", () => {
    expect(readUpstreamFrame(frame)).toEqual({ kind: "data", stream: "btcusdt@aggTrade" });
    expect(payloadOf(frame, "btcusdt@aggTrade")).toBe('{"e":"aggTrade","a":9007199254740993,"p":"1.10"}');
    expect(combinedFrame("btcusdt@aggTrade", payloadOf(frame, "btcusdt@aggTrade"))).toBe(frame);
  });

  it("reads replies, including the streams a LIST_SUBSCRIPTIONS names", () => {
    expect(readUpstreamFrame('{"result":null,"id":4}')).toEqual({
      kind: "reply",
      id: "4",
      ok: true,
      streams: null,
      error: null,
    });
    expect(readUpstreamFrame('{"result":["a@aggTrade"],"id":5}')).toEqual({
      kind: "reply",
      id: "5",
      ok: true,
      streams: ["a@aggTrade"],
      error: null,
    });
    expect(readUpstreamFrame('{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":6}')).toEqual({
      kind: "reply",
      id: "6",
      ok: false,
      streams: null,
      error: "Invalid request: invalid stream",
    });
    expect(readUpstreamFrame("not json").kind).toBe("other");
  });
});

describe("relay admission", () => {
  it("carries non-ASCII stream and client names in an ASCII header value, and rejects anything malformed", () => {
    const admission = {
      market: "um",
      combined: true,
      streams: ["币安人生usdt@aggTrade"],
      relayEvents: false,
      client: "trader",
      caller: "client:trader",
      protocol: "",
      events: { ["k".repeat(64)]: ["ORDER_TRADE_UPDATE"] },
      keyOnly: false,
    } as const;
    const header = encodeAdmission(admission);
    expect(header).toMatch(/^[\x21-\x7e]+$/);
    expect(decodeAdmission(header)).toEqual(admission);
    expect(decodeAdmission(null)).toBeNull();
    expect(decodeAdmission("%E0%A4%A")).toBeNull();
    expect(decodeAdmission(encodeURIComponent(JSON.stringify({ ...admission, market: "spot" })))).toBeNull();
    expect(decodeAdmission(encodeURIComponent(JSON.stringify({ ...admission, streams: [1] })))).toBeNull();
    expect(
      decodeAdmission(encodeURIComponent(JSON.stringify({ ...admission, events: { k: "X" } }))),
    ).toBeNull();
  });
});

describe("reading a client message within its limits", () => {
  const limits = { perClient: 5, perCaller: 50, maxBytes: 64 };
  const invalid = (msg: string) => ({ code: 2, msg: `Invalid request: ${msg}`, id: "null" });

  it("answers a message past the budget without reading it", () => {
    expect(readClientMessage('{"method":"LIST_SUBSCRIPTIONS","id":1}', true, limits)).toEqual({
      ok: false,
      error: invalid("too many messages: at most 5 per second, and 50 from all of a caller's connections"),
    });
  });

  it("refuses binary frames and messages over the size limit", () => {
    expect(readClientMessage(new ArrayBuffer(4), false, limits)).toEqual({
      ok: false,
      error: invalid("binary frames are not understood"),
    });
    expect(readClientMessage(`"${"x".repeat(64)}"`, false, limits)).toEqual({
      ok: false,
      error: invalid("message larger than 64 bytes"),
    });
  });

  it("parses a message within its limits", () => {
    expect(readClientMessage('{"method":"LIST_SUBSCRIPTIONS","id":1}', false, limits)).toEqual({
      ok: true,
      value: { kind: "list", id: "1" },
    });
  });
});
