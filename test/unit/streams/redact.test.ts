import { describe, expect, it } from "vitest";
import { redactCredentials } from "../../../shared/streams/redact.ts";

const KEY = `${"aB3".repeat(21).slice(0, 63)}z`;

describe("redactCredentials", () => {
  it("hides a /k/ credential and relay listen keys in a request log line", () => {
    expect(
      redactCredentials("[wrangler:info] GET /k/tok-hook-0123456789abcdef0123/ws/btcusdt@aggTrade 101"),
    ).toBe("[wrangler:info] GET /k/<credential>/ws/btcusdt@aggTrade 101");
    expect(redactCredentials(`GET /private/ws/${KEY} 101 Switching Protocols (3ms)`)).toBe(
      "GET /private/ws/<listen key> 101 Switching Protocols (3ms)",
    );
    expect(redactCredentials(`GET /k/vk%2Fsecret/cm/ws/${KEY}/btcusd_perp@aggTrade 101`)).toBe(
      "GET /k/<credential>/cm/ws/<listen key>/btcusd_perp@aggTrade 101",
    );
  });

  it("leaves other lines alone", () => {
    const line = '{"level":"info","msg":"request","client":"bot","endpoint":"newOrder","status":200}';
    expect(redactCredentials(line)).toBe(line);
    expect(redactCredentials("GET /fapi/v1/order 200 OK (4ms)")).toBe("GET /fapi/v1/order 200 OK (4ms)");
  });
});
