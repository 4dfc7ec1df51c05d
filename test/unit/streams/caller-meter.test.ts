import { describe, expect, it } from "vitest";
import { CallerMeter } from "../../../shared/streams/caller-meter.ts";

describe("CallerMeter", () => {
  it("counts each caller's messages over the last second, across window edges", () => {
    const meter = new CallerMeter();
    for (let i = 0; i < 10; i++) meter.count("a", 100 * i);
    expect(meter.count("a", 950)).toBe(11);
    expect(meter.count("b", 950)).toBe(1);
    // Half a second later, half of the first second's eleven still count.
    expect(meter.count("a", 1500)).toBe(1 + Math.floor(11 * 0.5));
    // Two quiet seconds: nothing carried over.
    expect(meter.count("a", 4000)).toBe(1);
  });
});
