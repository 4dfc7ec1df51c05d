// The relay's refusals and the listen-key answers are gateway reasons now, mapped by the one exhaustive switch;
// their wire bytes are the ones clients saw before.
import { describe, expect, it } from "vitest";
import { toWireError } from "../../../shared/errors.ts";

describe("stream relay refusals", () => {
  it("keep the gateway's -9020 and prefix the detail with 'Stream relay: '", () => {
    expect(
      toWireError({ kind: "stream-refused", status: 426, detail: "connect with a WebSocket client" }),
    ).toEqual({ status: 426, code: -9020, msg: "Stream relay: connect with a WebSocket client" });
  });

  it("answer a relay listen key that does not exist with Binance's -1125", () => {
    expect(
      toWireError({
        kind: "stream-refused",
        status: 400,
        detail: "this listenKey does not exist",
        listenKeyUnknown: true,
      }),
    ).toEqual({ status: 400, code: -1125, msg: "Stream relay: this listenKey does not exist" });
  });

  it("pass the relay object's own status through (a full relay is 503, a hog 429)", () => {
    expect(toWireError({ kind: "stream-refused", status: 503, detail: "relay full" }).status).toBe(503);
    expect(toWireError({ kind: "stream-refused", status: 429, detail: "too many" }).status).toBe(429);
  });
});

describe("listen-key answers the gateway gives itself", () => {
  it("an unknown key is Binance's -1125 in Binance's words", () => {
    expect(toWireError({ kind: "listen-key-unknown" })).toEqual({
      status: 400,
      code: -1125,
      msg: "This listenKey does not exist.",
    });
  });

  it("a Binance answer without a key is a 502 the gateway explains", () => {
    expect(toWireError({ kind: "listen-key-not-given" })).toEqual({
      status: 502,
      code: -9012,
      msg: "Binance answered the listen key request without a listen key",
    });
  });

  it("a wrong LISTEN_KEY_* or RELAY_* var is the gateway-misconfigured -9000", () => {
    expect(
      toWireError({ kind: "gateway-misconfigured", message: "check the LISTEN_KEY_* and RELAY_* vars" }),
    ).toEqual({
      status: 500,
      code: -9000,
      msg: "Gateway misconfigured: check the LISTEN_KEY_* and RELAY_* vars",
    });
  });
});
