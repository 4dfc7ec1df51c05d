import { describe, expect, it } from "vitest";
import { GapTracker } from "../../../shared/streams/gap-tracker.ts";
import {
  type LinkStats,
  nextQuietDeadline,
  patternOf,
  recordFrame,
  unhealthyReason,
} from "../../../shared/streams/upstream-health.ts";

const OPTIONS = { probeTimeoutMs: 10_000, silenceMs: 60_000, staleMs: 10_000, stalls: true };
const NO_STALLS = { ...OPTIONS, stalls: false };
const quiet: LinkStats = { probeSentAt: null, dataFrames: 0, longestGapMs: 0, lastDataAt: 0 };
/** Nothing measured against the other connections: no lag, and the set's last frame is this connection's. */
const alone = { worstLagMs: 0, setLastDataAt: 0 };

/** The stats after frames arriving at these times. */
function after(times: number[]): LinkStats {
  const stats = { probeSentAt: null, dataFrames: 0, longestGapMs: 0, lastDataAt: 0 };
  for (const time of times) recordFrame(stats, time);
  return stats;
}

/** markPrice@1s for ten minutes, then nothing: the last frame at 599 s. */
const steady = after(Array.from({ length: 600 }, (_, i) => i * 1000));
const LAST = 599_000;

describe("judging an upstream connection", () => {
  it("replaces a connection that leaves a probe unanswered", () => {
    expect(unhealthyReason({ ...quiet, probeSentAt: 0 }, alone, 10_000, OPTIONS)).toBeNull();
    expect(unhealthyReason({ ...quiet, probeSentAt: 0 }, alone, 10_001, OPTIONS)).toBe("probe unanswered");
  });

  it("replaces a connection lagging more than staleMs behind what was forwarded", () => {
    expect(unhealthyReason(quiet, { ...alone, worstLagMs: 10_000 }, 0, OPTIONS)).toBeNull();
    expect(unhealthyReason(quiet, { ...alone, worstLagMs: 10_001 }, 0, OPTIONS)).toBe("lagging");
  });

  it("notices a steady set that stops entirely staleMs after its last frame", () => {
    expect(steady.longestGapMs).toBe(1000);
    expect(unhealthyReason(steady, alone, LAST + 9_999, OPTIONS)).toBeNull();
    expect(unhealthyReason(steady, alone, LAST + 10_000, OPTIONS)).toBe("stalled");
    expect(nextQuietDeadline(steady, 0, OPTIONS)).toBe(LAST + 10_000);
  });

  it("counts from the set's last frame: a connection whose twin still delivers is not stalled (it lags)", () => {
    const twinFrameAt = LAST + 8_000;
    expect(
      unhealthyReason(steady, { worstLagMs: 0, setLastDataAt: twinFrameAt }, LAST + 12_000, OPTIONS),
    ).toBeNull();
    expect(nextQuietDeadline(steady, twinFrameAt, OPTIONS)).toBe(twinFrameAt + 10_000);
    expect(
      unhealthyReason(steady, { worstLagMs: 0, setLastDataAt: twinFrameAt }, twinFrameAt + 10_000, OPTIONS),
    ).toBe("stalled");
  });

  it("judges only the silence of a steady connection when stalls are not noticed (user data)", () => {
    expect(unhealthyReason(steady, alone, LAST + 59_999, NO_STALLS)).toBeNull();
    expect(unhealthyReason(steady, alone, LAST + 60_000, NO_STALLS)).toBe("silent");
    expect(nextQuietDeadline(steady, 0, NO_STALLS)).toBe(LAST + 60_000);
  });

  it("takes a connection with a pause longer than staleMs / 3 on record for unsteady: only silence counts", () => {
    // markPrice@1s with one 3.5 s hiccup: 3 x 3.5 s does not fit in 10 s.
    const hiccup = after([...Array.from({ length: 30 }, (_, i) => i * 1000), 32_500, 33_500]);
    expect(hiccup.longestGapMs).toBe(3500);
    expect(unhealthyReason(hiccup, alone, 33_500 + 59_999, OPTIONS)).toBeNull();
    expect(unhealthyReason(hiccup, alone, 33_500 + 60_000, OPTIONS)).toBe("silent");
    expect(nextQuietDeadline(hiccup, 0, OPTIONS)).toBe(33_500 + 60_000);
    // markPrice@3s still counts as steady: 3 x 3.3 s fits.
    const everyThree = after(Array.from({ length: 30 }, (_, i) => i * 3300));
    expect(nextQuietDeadline(everyThree, 0, OPTIONS)).toBe(29 * 3300 + 10_000);
  });

  it("leaves a connection alone when its streams are bursty, rare, or new", () => {
    // Liquidations: bursts with pauses of up to ten minutes between them. A quiet hour is normal.
    const bursts = [0, 600_000, 1_200_000].flatMap((start) =>
      Array.from({ length: 30 }, (_, i) => start + i * 200),
    );
    expect(unhealthyReason(after(bursts), alone, 1_200_000 + 3_600_000, OPTIONS)).toBeNull();
    expect(unhealthyReason(after(bursts), alone, 1_200_000 + 6_000_000, OPTIONS)).toBe("silent");
    // Fewer than 20 frames: no pattern to break, so no deadline either.
    expect(unhealthyReason(after([0, 1000, 2000]), alone, 10_000_000, OPTIONS)).toBeNull();
    expect(unhealthyReason(quiet, alone, 10_000_000, OPTIONS)).toBeNull();
    expect(nextQuietDeadline(after([0, 1000, 2000]), 0, OPTIONS)).toBeNull();
    // Nineteen steady frames are not yet a pattern; the twentieth is.
    const nineteen = Array.from({ length: 19 }, (_, i) => i * 100);
    expect(unhealthyReason(after(nineteen), alone, 100_000, OPTIONS)).toBeNull();
    expect(unhealthyReason(after([...nineteen, 1900]), alone, 1900 + 10_000, OPTIONS)).toBe("stalled");
  });

  it("judges a connection by its steadiest stream's pattern, which goes when that stream is dropped", () => {
    const depth = after(Array.from({ length: 100 }, (_, i) => i * 100));
    const liquidations = after([0, 60_000, 120_000]);
    const klines = after(Array.from({ length: 40 }, (_, i) => i * 2000));
    expect(patternOf([liquidations, klines, depth])).toEqual({ dataFrames: 100, longestGapMs: 100 });
    // Dropped, the depth stream takes its pattern with it: the klines' is the steadiest left.
    expect(patternOf([liquidations, klines])).toEqual({ dataFrames: 40, longestGapMs: 2000 });
    // With no stream 20 frames long, no rule applies.
    const left = { probeSentAt: null, lastDataAt: 120_000, ...patternOf([liquidations]) };
    expect(unhealthyReason(left, alone, 1_000_000, OPTIONS)).toBeNull();
    expect(nextQuietDeadline(left, 0, OPTIONS)).toBeNull();
    expect(patternOf([])).toEqual({ dataFrames: 0, longestGapMs: 0 });
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
