import { describe, expect, it } from "vitest";
import { type MergeOptions, StreamMerge } from "../../../shared/streams/stream-merge.ts";

const OPTIONS: MergeOptions = {
  windowMs: 60_000,
  maxRememberedPerStream: 10_000,
  holdMs: 1000,
  maxHeldFrames: 500,
};
const A = 1;
const B = 2;
const C = 3;

function merge(options: MergeOptions = OPTIONS): { merge: StreamMerge; out: number[] } {
  const out: number[] = [];
  return { merge: new StreamMerge(options, (_stream, text) => out.push(Number(text))), out };
}

function deliver(m: StreamMerge, source: number, events: number[], at: number): void {
  for (const event of events) m.frame("s", source, String(event), at);
}

describe("merging one stream from several connections", () => {
  it("forwards each event once, whichever connection delivers it first", () => {
    const { merge: m, out } = merge();
    deliver(m, A, [1, 2], 0);
    deliver(m, B, [1, 2, 3], 1);
    deliver(m, A, [3, 4], 2);
    deliver(m, B, [4], 3);
    expect(out).toEqual([1, 2, 3, 4]);
  });

  it("holds a connection that starts ahead of a lagging one, so the lagging one cannot deliver out of order", () => {
    const { merge: m, out } = merge();
    deliver(m, A, [1], 0);
    deliver(m, B, [3], 1); // B subscribed later and starts ahead of A
    deliver(m, A, [2], 2); // forwarding every first sighting would give [1, 3, 2]
    expect(out).toEqual([1, 2]);
    deliver(m, A, [3], 3); // A reaches B's first event: B joins
    expect(out).toEqual([1, 2, 3]);
  });

  it("forwards at once what a held connection buffered past the point the others reach", () => {
    const { merge: m, out } = merge();
    deliver(m, A, [1], 0);
    deliver(m, B, [3, 4, 5], 1);
    deliver(m, A, [2, 3], 2);
    expect(out).toEqual([1, 2, 3, 4, 5]);
    deliver(m, A, [4, 5], 3);
    deliver(m, B, [6], 4);
    deliver(m, A, [6, 7], 5);
    expect(out).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("places a connection that starts behind by the forwarded frames it delivers, and lets it forward from the head", () => {
    const { merge: m, out } = merge();
    deliver(m, A, [1, 2, 3, 4], 0);
    deliver(m, B, [2, 3], 10); // behind: its place is event 3
    deliver(m, A, [5], 20);
    deliver(m, B, [4, 5], 30); // at the head again
    deliver(m, B, [6], 40);
    deliver(m, A, [6], 50);
    expect(out).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("waits for a connection that owes frames forwarded since it subscribed, before a fresh one starts", () => {
    const { merge: m, out } = merge();
    m.subscribed("s", A);
    deliver(m, B, [1, 2, 3], 0);
    m.leave("s", B, 10);
    m.subscribed("s", C); // fresh: starts at the present, ahead of A, which lags
    deliver(m, C, [10, 11], 20);
    expect(out).toEqual([1, 2, 3]);
    expect(m.lagMs("s", A, 0, 100)).toBe(100);
    deliver(m, A, [1, 2, 3, 4, 5, 6, 7, 8, 9], 30);
    deliver(m, A, [10], 40);
    expect(out).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    deliver(m, C, [12], 50);
    deliver(m, A, [11, 12], 60);
    expect(out).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it("hands over to a held connection when the joined one closes", () => {
    const { merge: m, out } = merge();
    deliver(m, A, [1, 2], 0);
    deliver(m, B, [4, 5], 1);
    m.leave("s", A, 2);
    expect(out).toEqual([1, 2, 4, 5]);
    deliver(m, B, [6], 3);
    expect(out).toEqual([1, 2, 4, 5, 6]);
  });

  it("hands over to a held connection when the joined one stalls, and keeps the stalled one's backlog out", () => {
    const { merge: m, out } = merge();
    deliver(m, A, [1, 2], 0);
    deliver(m, B, [5, 6], 100);
    m.tick(900);
    expect(out).toEqual([1, 2]);
    m.tick(1100);
    expect(out).toEqual([1, 2, 5, 6]);
    deliver(m, A, [3, 4], 1200); // A's backlog, after the hand-over: a hole, older than what clients have
    deliver(m, A, [2], 1200);
    deliver(m, B, [7], 1300);
    deliver(m, A, [5, 6, 7, 8], 1400); // A caught up with what B forwarded
    deliver(m, B, [8, 9], 1500);
    expect(out).toEqual([1, 2, 5, 6, 7, 8, 9]);
  });

  it("does not hand over while the joined connection keeps forwarding", () => {
    const { merge: m, out } = merge();
    deliver(m, A, [1], 0);
    deliver(m, B, [100], 10); // a held source whose frames never match (it started far ahead)
    for (let t = 1; t <= 30; t++) {
      deliver(m, A, [1 + t], t * 100);
      m.tick(t * 100);
    }
    expect(out).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
  });

  it("hands over to the holder furthest behind, so the others line up with it", () => {
    const { merge: m, out } = merge();
    deliver(m, A, [1, 2, 3], 0);
    deliver(m, B, [10, 11, 12], 100); // started holding first, but further ahead
    deliver(m, C, [5, 6, 7, 8, 9, 10, 11], 105);
    m.leave("s", A, 200);
    expect(out).toEqual([1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it("does not let two connections that both still owe frames block each other", () => {
    const { merge: m, out } = merge();
    m.subscribed("s", B);
    m.subscribed("s", C);
    deliver(m, A, [1, 2], 0);
    m.leave("s", A, 10);
    deliver(m, B, [5, 6], 20);
    deliver(m, C, [5, 6, 7], 30);
    expect(out).toEqual([1, 2, 5, 6, 7]);
  });

  it("starts a resubscribed connection over, so its gap does not freeze the stream", () => {
    const { merge: m, out } = merge();
    deliver(m, A, [1, 2], 0);
    deliver(m, B, [1, 2], 0);
    deliver(m, A, [3], 10);
    m.resubscribed("s", B, 20); // B's subscription was lost and renewed: it will never deliver 3
    m.leave("s", A, 30);
    deliver(m, B, [4, 5], 40);
    expect(out).toEqual([1, 2, 3, 4, 5]);
    expect(m.isPlaced("s", B)).toBe(true);
  });

  it("counts a connection behind everything it remembers as lagging without limit", () => {
    const { merge: m } = merge({ ...OPTIONS, maxRememberedPerStream: 10 });
    deliver(m, B, [1], 0);
    deliver(m, A, [1, ...Array.from({ length: 30 }, (_, i) => i + 2)], 0);
    expect(m.lagMs("s", B, 0, 100)).toBe(Number.POSITIVE_INFINITY);
    expect(m.lagMs("s", A, 0, 100)).toBe(0);
  });

  it("bounds what a held connection buffers", () => {
    const { merge: m, out } = merge({ ...OPTIONS, maxHeldFrames: 3 });
    deliver(m, A, [1], 0);
    deliver(m, B, [10, 11, 12, 13, 14], 1);
    m.leave("s", A, 2);
    expect(out).toEqual([1, 12, 13, 14]);
  });

  it("tells how far behind a connection is", () => {
    const { merge: m } = merge();
    deliver(m, A, [1], 0);
    deliver(m, B, [1], 5);
    deliver(m, A, [2], 100);
    deliver(m, A, [3], 200);
    expect(m.lagMs("s", A, 0, 1000)).toBe(0);
    expect(m.lagMs("s", B, 0, 1000)).toBe(900); // event 2, forwarded at 100, never came over B
    deliver(m, B, [2], 1000);
    expect(m.lagMs("s", B, 0, 1000)).toBe(800);
    expect(m.lagMs("s", C, 150, 1000)).toBe(800); // never delivered: counted from its subscription
    expect(m.lagMs("s", C, 250, 1000)).toBe(0);
  });

  it("keeps order and loses nothing with two contiguous connections at random speeds", () => {
    for (let seed = 1; seed <= 50; seed++) {
      const random = prng(seed);
      const { merge: m, out } = merge();
      const deliveries: [number, number, number][] = [];
      for (const source of [A, B]) {
        let at = 0;
        for (let event = 1; event <= 300; event++) {
          at = Math.max(at, event * 10 + Math.floor(random() * 400));
          deliveries.push([at, source, event]);
        }
      }
      deliveries.sort((x, y) => x[0] - y[0]);
      for (const [at, source, event] of deliveries) {
        m.frame("s", source, String(event), at);
        m.tick(at);
      }
      expect(out).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    }
  });

  it("never forwards out of order or twice while connections join late, stall and close", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = prng(seed);
      const { merge: m, out } = merge({ ...OPTIONS, holdMs: 300 });
      type Step = { at: number; source: number; event: number | "subscribed" | null };
      const steps: Step[] = [];
      for (let source = 1; source <= 6; source++) {
        const first = 1 + Math.floor(random() * 250);
        const last = Math.min(400, first + Math.floor(random() * 300));
        let at = first * 10;
        if (random() < 0.7) steps.push({ at: at - 5, source, event: "subscribed" });
        for (let event = first; event <= last; event++) {
          const stall = random() < 0.01 ? Math.floor(random() * 2000) : 0;
          at = Math.max(at, event * 10) + Math.floor(random() * 30) + stall;
          steps.push({ at, source, event });
        }
        steps.push({ at: at + 1, source, event: null });
      }
      steps.sort((x, y) => x.at - y.at);
      for (const step of steps) {
        if (step.event === "subscribed") m.subscribed("s", step.source);
        else if (step.event === null) m.leave("s", step.source, step.at);
        else m.frame("s", step.source, String(step.event), step.at);
        m.tick(step.at);
      }
      for (let i = 1; i < out.length; i++) expect(out[i]).toBeGreaterThan(out[i - 1] ?? 0);
      expect(out.length).toBeGreaterThan(0);
    }
  });
});

/** A small deterministic generator (mulberry32), so a failing seed can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
