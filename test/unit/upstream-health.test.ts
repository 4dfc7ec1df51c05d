import { describe, expect, it } from "vitest";
import { GapTracker } from "../../shared/streams/gap-tracker.ts";
import { type LinkStats, unhealthyReason } from "../../shared/streams/upstream-health.ts";

const OPTIONS = { probeTimeoutMs: 10_000, silenceMs: 60_000, staleMs: 10_000 };
const quiet: LinkStats = { probeSentAt: null, dataFrames: 0, firstDataAt: 0, lastDataAt: 0 };

describe("judging an upstream connection", () => {
  it("replaces a connection that leaves a probe unanswered", () => {
    expect(unhealthyReason({ ...quiet, probeSentAt: 0 }, 0, 10_000, OPTIONS)).toBeNull();
    expect(unhealthyReason({ ...quiet, probeSentAt: 0 }, 0, 10_001, OPTIONS)).toBe("probe unanswered");
  });

  it("replaces a connection lagging more than staleMs behind what was forwarded", () => {
    expect(unhealthyReason(quiet, 10_000, 0, OPTIONS)).toBeNull();
    expect(unhealthyReason(quiet, 10_001, 0, OPTIONS)).toBe("lagging");
  });

  it("replaces a busy connection that falls silent, but never one whose streams are simply quiet", () => {
    // 10 frames a second for a minute, then a minute of nothing: hundreds of frames were due.
    const busy = { probeSentAt: null, dataFrames: 600, firstDataAt: 0, lastDataAt: 60_000 };
    expect(unhealthyReason(busy, 0, 119_999, OPTIONS)).toBeNull();
    expect(unhealthyReason(busy, 0, 120_000, OPTIONS)).toBe("silent");
    // A liquidation stream: five frames in an hour. Silence for ten minutes is normal.
    const rare = { probeSentAt: null, dataFrames: 5, firstDataAt: 0, lastDataAt: 3_600_000 };
    expect(unhealthyReason(rare, 0, 4_200_000, OPTIONS)).toBeNull();
    // Nothing delivered yet: no rate to break.
    expect(unhealthyReason(quiet, 0, 10_000_000, OPTIONS)).toBeNull();
  });
});

describe("gap notices", () => {
  it("announces a stream lost once and back once, and never one that was not covered yet", () => {
    const gaps = new GapTracker();
    expect(gaps.update([["a", false]])).toEqual({ lost: [], back: [] });
    expect(gaps.update([["a", true]])).toEqual({ lost: [], back: [] });
    expect(gaps.update([["a", false]])).toEqual({ lost: ["a"], back: [] });
    expect(gaps.update([["a", false]])).toEqual({ lost: [], back: [] });
    expect(gaps.isLost("a")).toBe(true);
    expect(gaps.update([["a", true]])).toEqual({ lost: [], back: ["a"] });
  });

  it("takes streams known lost before a restart without announcing them again", () => {
    const gaps = new GapTracker();
    gaps.markLost(["a"]);
    expect(gaps.update([["a", false]])).toEqual({ lost: [], back: [] });
    expect(gaps.update([["a", true]])).toEqual({ lost: [], back: ["a"] });
    gaps.forget("a");
    expect(gaps.isLost("a")).toBe(false);
  });
});
