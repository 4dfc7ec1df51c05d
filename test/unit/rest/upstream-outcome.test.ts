import { describe, expect, it } from "vitest";
import { activeBan, NO_BANS, recordBan, upgradeBanState } from "../../../shared/rest/ban.ts";
import { offsetFromServerTime } from "../../../shared/rest/clock.ts";
import { classifyResponse } from "../../../shared/rest/outcome.ts";
import { retryDelayMs } from "../../../shared/rest/retry.ts";

const NOW = 1_700_000_000_000;

describe("classifying Binance's answers", () => {
  it("passes successes and ordinary client errors through untouched", () => {
    expect(classifyResponse(200, null, "", NOW).kind).toBe("pass-through");
    expect(classifyResponse(400, null, '{"code":-2013,"msg":"Order does not exist."}', NOW).kind).toBe(
      "pass-through",
    );
    expect(classifyResponse(403, null, '{"code":-2015,"msg":"x"}', NOW).kind).toBe("pass-through");
  });

  it("recognises a restricted location and an HTML 403 from Binance's edge", () => {
    expect(
      classifyResponse(451, null, '{"code":0,"msg":"Service unavailable from a restricted location"}', NOW)
        .kind,
    ).toBe("restricted-location");
    expect(classifyResponse(403, null, "<html><body>403 ERROR</body></html>", NOW).kind).toBe("blocked");
  });

  it("takes the back-off from Retry-After, then from a 418 body, then a default", () => {
    expect(classifyResponse(429, "7", '{"code":-1003,"msg":"Too many requests"}', NOW)).toEqual({
      kind: "rate-limited",
      status: 429,
      code: -1003,
      until: NOW + 7000,
    });
    const body = `{"code":-1003,"msg":"Way too many requests; IP(1.2.3.4) banned until ${NOW + 99_000}. Please use the websocket"}`;
    expect(classifyResponse(418, null, body, NOW)).toEqual({
      kind: "rate-limited",
      status: 418,
      code: -1003,
      until: NOW + 99_000,
    });
    expect(classifyResponse(418, null, "", NOW)).toEqual({
      kind: "rate-limited",
      status: 418,
      code: -1003,
      until: NOW + 120_000,
    });
  });

  it("tells an unknown execution from a plain server failure", () => {
    const unknown = '{"code":-1006,"msg":"Unknown error, please check your request or try again later."}';
    expect(classifyResponse(503, null, unknown, NOW).kind).toBe("execution-unknown");
    // The body Binance really sends with it has no code (hummingbot#6123, LHPControl#16).
    const observed =
      '{"timestamp":1690000000000,"path":"/fapi/v1/order","msg":"Unknown error, please check your request or try again later."}';
    expect(classifyResponse(503, null, observed, NOW).kind).toBe("execution-unknown");
    expect(classifyResponse(503, null, '{"code":-1001,"msg":"Service Unavailable."}', NOW).kind).toBe(
      "server-error",
    );
    expect(
      classifyResponse(
        500,
        null,
        '{"code":-1001,"msg":"Internal error; unable to process your request. Please try again."}',
        NOW,
      ).kind,
    ).toBe("server-error");
    expect(
      classifyResponse(503, null, '{"code":-1008,"msg":"Request throttled by system-level protection."}', NOW)
        .kind,
    ).toBe("server-error");
  });

  it("treats a 5xx that is not a documented failure, an HTML page included, as possibly executed", () => {
    expect(classifyResponse(502, null, "<html><body>502 Bad Gateway</body></html>", NOW).kind).toBe(
      "execution-unknown",
    );
    expect(classifyResponse(504, null, "", NOW).kind).toBe("execution-unknown");
    expect(
      classifyResponse(
        500,
        null,
        '{"code":-1000,"msg":"An unknown error occured while processing the request."}',
        NOW,
      ).kind,
    ).toBe("execution-unknown");
  });

  it("does not follow redirects: a 3xx is a block", () => {
    expect(classifyResponse(302, null, "", NOW).kind).toBe("blocked");
    expect(classifyResponse(307, null, "", NOW).kind).toBe("blocked");
  });

  it("spots -1021 so the clock can be resynchronised", () => {
    expect(
      classifyResponse(
        400,
        null,
        '{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}',
        NOW,
      ).kind,
    ).toBe("timestamp-rejected");
  });
});

describe("back-off state", () => {
  it("holds every call during an IP ban, and only that account's new orders during an order-rate ban", () => {
    const ipBan = recordBan(NO_BANS, { status: 429, code: -1003, until: NOW + 1000 }, "main");
    expect(activeBan(ipBan, false, "sub", NOW)?.code).toBe(-1003);
    expect(activeBan(ipBan, false, "main", NOW + 1000)).toBeNull();
    const orderBan = recordBan(NO_BANS, { status: 429, code: -1015, until: NOW + 1000 }, "main");
    expect(activeBan(orderBan, false, "main", NOW)).toBeNull();
    expect(activeBan(orderBan, true, "main", NOW)?.code).toBe(-1015);
    expect(activeBan(orderBan, true, "sub", NOW)).toBeNull();
  });

  it("never shortens a ban it already holds", () => {
    const long = recordBan(NO_BANS, { status: 418, code: -1003, until: NOW + 60_000 }, "main");
    expect(recordBan(long, { status: 429, code: -1003, until: NOW + 1000 }, "main").all?.until).toBe(
      NOW + 60_000,
    );
    const orders = recordBan(NO_BANS, { status: 429, code: -1015, until: NOW + 60_000 }, "main");
    expect(recordBan(orders, { status: 429, code: -1015, until: NOW + 10 }, "main")).toBe(orders);
  });

  it("reads a state saved by the version with one order hold per market as the main account's", () => {
    const ban = { status: 429, code: -1015, until: NOW + 1000 } as const;
    expect(upgradeBanState({ all: null, orders: ban }, "main")).toEqual({ all: null, orders: { main: ban } });
    expect(upgradeBanState({ all: null, orders: null }, "main")).toEqual({ all: null, orders: {} });
    expect(upgradeBanState(undefined, "main")).toEqual(NO_BANS);
  });
});

describe("clock and retries", () => {
  it("estimates the offset at the middle of the round trip", () => {
    expect(offsetFromServerTime(1_000_500, 1_000_000, 1_000_200)).toBe(400);
  });

  it("backs off exponentially with jitter between half and full delay", () => {
    expect(retryDelayMs(0, 200, 0)).toBe(100);
    expect(retryDelayMs(0, 200, 1)).toBe(200);
    expect(retryDelayMs(2, 200, 1)).toBe(800);
  });
});
