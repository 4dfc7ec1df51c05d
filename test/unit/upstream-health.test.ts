import { describe, expect, it } from "vitest";
import { GapTracker } from "../../shared/streams/gap-tracker.ts";
import {
  type LinkStats,
  recordFrame,
  resetFrames,
  unhealthyReason,
} from "../../shared/streams/upstream-health.ts";

const OPTIONS = { probeTimeoutMs: 10_000, silenceMs: 60_000, staleMs: 10_000 };
const quiet: LinkStats = { probeSentAt: null, dataFrames: 0, longestGapMs: 0, lastDataAt: 0 };

/** The stats after frames arriving at these times. */
function after(times: number[]): LinkStats {
  const stats = { probeSentAt: null, dataFrames: 0, longestGapMs: 0, lastDataAt: 0 };
  for (const time of times) recordFrame(stats, time);
  return stats;
}

describe("judging an upstream connection", () => {
  it("replaces a connection that leaves a probe unanswered", () => {
    expect(unhealthyReason({ ...quiet, probeSentAt: 0 }, 0, 10_000, OPTIONS)).toBeNull();
    expect(unhealthyReason({ ...quiet, probeSentAt: 0 }, 0, 10_001, OPTIONS)).toBe("probe unanswered");
  });

  it("replaces a connection lagging more than staleMs behind what was forwarded", () => {
    expect(unhealthyReason(quiet, 10_000, 0, OPTIONS)).toBeNull();
    expect(unhealthyReason(quiet, 10_001, 0, OPTIONS)).toBe("lagging");
  });

  it("replaces a steady connection that falls silent", () => {
    // markPrice@1s for ten minutes, then nothing.
    const steady = after(Array.from({ length: 600 }, (_, i) => i * 1000));
    expect(steady.longestGapMs).toBe(1000);
    expect(unhealthyReason(steady, 0, 599_000 + 59_999, OPTIONS)).toBeNull();
    expect(unhealthyReason(steady, 0, 599_000 + 60_000, OPTIONS)).toBe("silent");
  });

  it("leaves a connection alone when its streams are bursty, rare, or new", () => {
    // Liquidations: bursts with pauses of up to ten minutes between them. A quiet hour is normal.
    const bursts = [0, 600_000, 1_200_000].flatMap((start) =>
      Array.from({ length: 30 }, (_, i) => start + i * 200),
    );
    expect(unhealthyReason(after(bursts), 0, 1_200_000 + 3_600_000, OPTIONS)).toBeNull();
    expect(unhealthyReason(after(bursts), 0, 1_200_000 + 6_000_000, OPTIONS)).toBe("silent");
    // Fewer than 20 frames: no pattern to break.
    expect(unhealthyReason(after([0, 1000, 2000]), 0, 10_000_000, OPTIONS)).toBeNull();
    expect(unhealthyReason(quiet, 0, 10_000_000, OPTIONS)).toBeNull();
  });

  it("forgets the pattern when a stream is dropped", () => {
    const stats = after(Array.from({ length: 100 }, (_, i) => i * 100));
    resetFrames(stats);
    expect(unhealthyReason(stats, 0, 1_000_000, OPTIONS)).toBeNull();
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
