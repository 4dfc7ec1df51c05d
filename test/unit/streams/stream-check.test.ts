import { describe, expect, it } from "vitest";
import { invalidStreams, splitKeys } from "../../../shared/streams/stream-check.ts";

describe("checking a client's requested streams", () => {
  it("accepts valid market streams within the client's budget", () => {
    expect(
      invalidStreams("um", { count: 2, marketStreams: ["btcusdt@aggTrade", "ethusdt@markPrice"] }, 2),
    ).toBeNull();
  });

  it("refuses a request over the budget first, counting listen keys, whatever its names", () => {
    expect(invalidStreams("um", { count: 3, marketStreams: ["not a stream"] }, 2)).toBe(
      "too many streams: at most 2 more on this connection",
    );
    expect(invalidStreams("um", { count: 1, marketStreams: [] }, -3)).toBe(
      "too many streams: at most 0 more on this connection",
    );
  });

  it("answers Binance's own words for a malformed name", () => {
    expect(invalidStreams("um", { count: 2, marketStreams: ["btcusdt@aggTrade", "nonsense"] }, 5)).toBe(
      "invalid stream",
    );
  });
});

describe("splitting a request's relay listen keys from its market streams", () => {
  it("keeps each in the order asked", () => {
    const key = "a".repeat(64);
    expect(splitKeys(["btcusdt@aggTrade", key, "ethusdt@depth"])).toEqual([
      [key],
      ["btcusdt@aggTrade", "ethusdt@depth"],
    ]);
  });
});
