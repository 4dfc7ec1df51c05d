// The life of one upstream connection in a lane: opened, closed and settled, with the back-off that follows.
// Driven directly with a slot built by hand (upstream-lanes.test.ts drives it through the whole machine).
import { describe, expect, it } from "vitest";
import type { LaneAction, LanesOptions } from "../../../shared/streams/upstream-lane-actions.ts";
import { LaneConnections } from "../../../shared/streams/upstream-lane-connections.ts";
import { type Link, newSlot, type Slot } from "../../../shared/streams/upstream-slots.ts";
import { LANE_OPTIONS } from "./lane-options.ts";

const OPTIONS: LanesOptions = { ...LANE_OPTIONS, redundancy: 1 };

type PlainLink = Link & { state: "connecting" | "open" | "closed"; subscribed: Map<string, number> };

function setUp() {
  let made = 0;
  const lanes = new LaneConnections<PlainLink>(OPTIONS, {
    create: (_path, streams, now) => ({
      id: ++made,
      state: "connecting",
      ready: false,
      openedAt: now,
      lastDataAt: 0,
      lastProbeAnsweredAt: 0,
      stats: { probeSentAt: null, dataFrames: 0, longestGapMs: 0, lastDataAt: 0 },
      subscribed: new Map(),
      wanted: new Set(streams),
      pendingRemovals: 0,
    }),
    forward: () => undefined,
    random: () => 0,
  });
  const slot: Slot<PlainLink> = newSlot("/market/stream", 1, { failures: 0, retryAt: null });
  slot.streams.add("btcusdt@aggTrade");
  lanes.slots.push(slot);
  lanes.slotOf.set("btcusdt@aggTrade", slot);
  const lane = slot.lanes[0];
  if (lane === undefined) throw new Error("no lane");
  return { lanes, slot, lane };
}

const kinds = (out: readonly LaneAction<PlainLink>[]) => out.map((action) => action.kind);

describe("a lane's connections", () => {
  it("opens a connection for the slot's streams when the lane connects", () => {
    const { lanes, slot, lane } = setUp();
    const out: LaneAction<PlainLink>[] = [];
    lane.retryAt = 500;
    lanes.connect(slot, lane, 1000, out);
    expect(lane.current?.wanted).toEqual(new Set(["btcusdt@aggTrade"]));
    expect(lane.retryAt).toBeNull();
    expect(out).toEqual([{ kind: "open", link: lane.current }]);
  });

  it("settles a connection it closes at once, and ignores the close event that follows", () => {
    const { lanes, slot, lane } = setUp();
    lanes.connect(slot, lane, 1000, []);
    const link = lane.current;
    if (link === null) throw new Error("no link");
    const out: LaneAction<PlainLink>[] = [];
    lanes.close(link, 4000, "probe unanswered", 2000, out);
    expect(kinds(out)).toEqual(["close", "log", "backoff", "wake"]);
    // The first reconnect waits 125 to 250 ms (no jitter here: the low end).
    expect(lane.retryAt).toBe(2125);
    expect(lane.failures).toBe(1);
    const after: LaneAction<PlainLink>[] = [];
    link.state = "closed";
    lanes.closed(link, "probe unanswered", 2001, after);
    expect(after).toEqual([]);
    lanes.close(link, 4000, "again", 2002, after);
    expect(after).toEqual([]);
  });

  it("backs off further with each failure, up to 30 s", () => {
    const { lanes } = setUp();
    expect([0, 1, 2, 10].map((failures) => lanes.delay(failures))).toEqual([125, 250, 500, 30_000]);
  });

  it("tells clients a stream is reconnecting when its only connection goes", () => {
    const { lanes, slot, lane } = setUp();
    lanes.connect(slot, lane, 1000, []);
    const link = lane.current;
    if (link === null) throw new Error("no link");
    link.state = "open";
    link.subscribed.set("btcusdt@aggTrade", 1000);
    lanes.updateCoverage(slot, []);
    link.state = "closed";
    const out: LaneAction<PlainLink>[] = [];
    lanes.closed(link, "server closed", 3000, out);
    expect(out).toContainEqual({ kind: "notify", notice: "reconnecting", streams: ["btcusdt@aggTrade"] });
  });

  it("retries a failed renewal later and keeps the current connection", () => {
    const { lanes, slot, lane } = setUp();
    lanes.connect(slot, lane, 1000, []);
    const current = lane.current;
    lane.next = lanes.open(slot, 61_000, []);
    const renewal = lane.next;
    const out: LaneAction<PlainLink>[] = [];
    lanes.closed(renewal, "handshake failed", 62_000, out);
    expect(lane.current).toBe(current);
    expect(lane.next).toBeNull();
    expect(lane.renewAfter).toBe(62_125);
    expect(out).toEqual([{ kind: "wake", at: 62_125 }]);
  });

  it("closes every connection of an idle slot and forgets its streams", () => {
    const { lanes, slot, lane } = setUp();
    lanes.connect(slot, lane, 1000, []);
    const out: LaneAction<PlainLink>[] = [];
    lanes.closeSlot(slot, 9000, out);
    expect(lanes.slots).toEqual([]);
    expect(lanes.slotOf.size).toBe(0);
    expect(out).toContainEqual(expect.objectContaining({ kind: "close", code: 1000, reason: "idle" }));
    expect(out.at(-1)).toEqual({ kind: "backoff", failures: 0 });
  });
});
