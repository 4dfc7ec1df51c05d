import { describe, expect, it } from "vitest";
import type { LinkStats } from "../../../shared/streams/upstream-health.ts";
import type { LaneAction, LanesOptions } from "../../../shared/streams/upstream-lane-actions.ts";
import { UpstreamLanes } from "../../../shared/streams/upstream-lanes.ts";
import type { Link } from "../../../shared/streams/upstream-slots.ts";
import { LANE_OPTIONS } from "./lane-options.ts";

/** A connection as the lane machine sees it; the test plays the server. */
class FakeLink implements Link {
  readonly id: number;
  readonly path: string;
  readonly openedAt: number;
  state: "connecting" | "open" | "closed" = "connecting";
  lastDataAt = 0;
  lastProbeAnsweredAt = 0;
  stats: LinkStats = { probeSentAt: null, dataFrames: 0, longestGapMs: 0, lastDataAt: 0 };
  readonly subscribed = new Map<string, number>();
  readonly wanted = new Set<string>();
  pendingRemovals = 0;
  closedWith: string | null = null;

  constructor(id: number, path: string, streams: ReadonlySet<string>, now: number) {
    this.id = id;
    this.path = path;
    this.openedAt = now;
    for (const stream of streams) this.wanted.add(stream);
  }

  get ready(): boolean {
    return this.state === "open" && [...this.wanted].every((stream) => this.subscribed.has(stream));
  }
}

const OPTIONS = LANE_OPTIONS;

/** The machine with its effects carried out on fake links, as the pool does; actions are recorded. */
function harness(options: Partial<LanesOptions> = {}) {
  const links: FakeLink[] = [];
  const actions: LaneAction<FakeLink>[] = [];
  const forwarded: string[] = [];
  const lanes = new UpstreamLanes<FakeLink>(
    { ...OPTIONS, ...options },
    {
      create: (path, streams, now) => {
        const link = new FakeLink(links.length + 1, path, streams, now);
        links.push(link);
        return link;
      },
      forward: (_stream, text) => forwarded.push(text),
      random: () => 0,
    },
  );
  const run = (batch: readonly LaneAction<FakeLink>[], now: number): void => {
    for (const action of batch) {
      actions.push(action);
      if (action.kind === "add") action.link.wanted.add(action.stream);
      if (action.kind === "remove") {
        action.link.wanted.delete(action.stream);
        action.link.subscribed.delete(action.stream);
      }
      if (action.kind === "probe") action.link.stats = { ...action.link.stats, probeSentAt: action.at };
      if (action.kind === "close") {
        action.link.state = "closed";
        action.link.closedWith = action.reason;
        run(lanes.closed(action.link, action.reason, now), now);
      }
    }
  };
  /** The server opens the link and acknowledges everything it wants. */
  const accept = (link: FakeLink, now: number): void => {
    link.state = "open";
    for (const stream of link.wanted) link.subscribed.set(stream, now);
    run(lanes.acked(link, [...link.wanted], false, now), now);
    run(lanes.ready(link, now), now);
  };
  /** The server drops the link. */
  const drop = (link: FakeLink, now: number): void => {
    link.state = "closed";
    run(lanes.closed(link, "closed by server (1006)", now), now);
  };
  const kinds = (kind: LaneAction<FakeLink>["kind"]) => actions.filter((action) => action.kind === kind);
  const notices = () =>
    actions.flatMap((action) =>
      action.kind === "notify" ? [`${action.notice} ${action.streams.join(",")}`] : [],
    );
  const live = () => links.filter((link) => link.state !== "closed");
  /** The nth connection made (from 0); the test fails if there is none. */
  const made = (n: number): FakeLink => {
    const link = links[n];
    if (link === undefined) throw new Error(`no connection #${n + 1} was made`);
    return link;
  };
  return { lanes, links, actions, forwarded, run, accept, drop, kinds, notices, live, made };
}

/** A steady stream on record: 30 frames a second apart, the last at `last`. */
function steady(link: FakeLink, last: number): void {
  link.lastDataAt = last;
  link.stats = { probeSentAt: null, dataFrames: 30, longestGapMs: 1000, lastDataAt: last };
}

describe("upstream lanes: opening", () => {
  it("opens one connection per lane for a new stream, on the stream's path, carrying it", () => {
    const h = harness();
    h.run(h.lanes.add("btcusdt@aggTrade", 0), 0);
    expect(h.links.map((link) => [link.path, [...link.wanted]])).toEqual([
      ["/market/stream", ["btcusdt@aggTrade"]],
      ["/market/stream", ["btcusdt@aggTrade"]],
    ]);
    expect(h.kinds("open")).toHaveLength(2);
    // A second stream on the same path rides the same connections.
    h.run(h.lanes.add("ethusdt@aggTrade", 0), 0);
    expect(h.links).toHaveLength(2);
    expect(h.kinds("add")).toHaveLength(2);
  });

  it("starts another slot once a slot is full, or for another path", () => {
    const h = harness();
    for (const stream of ["a@aggTrade", "b@aggTrade", "c@aggTrade", "d@aggTrade", "btcusdt@depth"])
      h.run(h.lanes.add(stream, 0), 0);
    expect(h.links.map((link) => [...link.wanted].join(","))).toEqual([
      "a@aggTrade,b@aggTrade,c@aggTrade",
      "a@aggTrade,b@aggTrade,c@aggTrade",
      "d@aggTrade",
      "d@aggTrade",
      "btcusdt@depth",
      "btcusdt@depth",
    ]);
  });

  it("counts unsubscribes the server has not confirmed against a slot's room", () => {
    const h = harness();
    h.run(h.lanes.add("a@aggTrade", 0), 0);
    for (const link of h.links) link.pendingRemovals = 2;
    h.run(h.lanes.add("b@aggTrade", 0), 0);
    expect(h.links).toHaveLength(4);
  });

  it("tells nothing to clients of a stream that has never been covered", () => {
    const h = harness();
    h.run(h.lanes.add("a@aggTrade", 0), 0);
    for (const link of h.links) h.accept(link, 10);
    expect(h.notices()).toEqual([]);
  });
});

describe("upstream lanes: renewal make-before-break", () => {
  it("opens a renewal for a connection past maxConnectionMs and closes the old one only once the new is ready", () => {
    const h = harness();
    h.run(h.lanes.add("a@aggTrade", 0), 0);
    const [first, second] = [h.made(0), h.made(1)];
    h.accept(first, 0);
    h.accept(second, 0);
    h.run(h.lanes.tick(59_999), 59_999);
    expect(h.links).toHaveLength(2);
    h.run(h.lanes.tick(60_000), 60_000);
    expect(h.links).toHaveLength(4);
    expect(first.state).toBe("open");
    const renewal = h.made(2);
    h.accept(renewal, 60_100);
    // Nothing flows, so the renewal is lined up at once: the old connection goes.
    expect(first.closedWith).toBe("renewed");
    expect(h.lanes.links).toEqual(expect.arrayContaining([renewal, second]));
    expect(h.notices()).toEqual([]);
    expect(h.kinds("backoff")).toEqual([]);
  });

  it("backs a failed renewal off, keeping the current connection", () => {
    const h = harness({ redundancy: 1 });
    h.run(h.lanes.add("a@aggTrade", 0), 0);
    const first = h.made(0);
    h.accept(first, 0);
    h.run(h.lanes.tick(60_000), 60_000);
    const renewal = h.made(1);
    h.drop(renewal, 60_500);
    // random() = 0: the first back-off is half of 250 ms.
    expect(h.kinds("wake")).toContainEqual({ kind: "wake", at: 60_625 });
    expect(h.lanes.links).toEqual([first]);
    h.run(h.lanes.tick(60_600), 60_600);
    expect(h.links).toHaveLength(2);
    h.run(h.lanes.tick(60_625), 60_625);
    expect(h.links).toHaveLength(3);
    expect(h.notices()).toEqual([]);
  });
});

describe("upstream lanes: replacing unhealthy connections", () => {
  it("replaces one lane of a set that stalled, at its deadline, and says the stream went stale", () => {
    const h = harness();
    h.run(h.lanes.add("a@aggTrade", 0), 0);
    for (const link of h.links) h.accept(link, 0);
    for (const link of h.links) steady(link, 30_000);
    h.run(h.lanes.tick(30_000), 30_000);
    // The watchdog asks to be woken when the stall would be noticed.
    expect(h.kinds("wake").at(-1)).toEqual({ kind: "wake", at: 40_000 });
    h.run(h.lanes.tick(39_999), 39_999);
    expect(h.kinds("close")).toEqual([]);
    h.run(h.lanes.tick(40_000), 40_000);
    // One per slot per tick: both lanes are never cut at once.
    expect(h.kinds("close")).toHaveLength(1);
    expect(h.links.filter((link) => link.closedWith === "stalled")).toHaveLength(1);
    expect(h.notices()).toEqual(["stale a@aggTrade"]);
    expect(h.links).toHaveLength(2);
    // The lane reconnects with back-off (random() = 0: 125 ms).
    h.run(h.lanes.tick(40_125), 40_125);
    expect(h.links).toHaveLength(3);
  });

  it("replaces a connection that leaves a probe unanswered, even while the other lane is not ready", () => {
    const h = harness({ probeMs: 1000 });
    h.run(h.lanes.add("a@aggTrade", 0), 0);
    const first = h.made(0);
    h.accept(first, 0);
    h.run(h.lanes.tick(1000), 1000);
    expect(h.kinds("probe")).toEqual([{ kind: "probe", link: first, at: 1000 }]);
    h.run(h.lanes.tick(11_001), 11_001);
    expect(first.closedWith).toBe("probe unanswered");
  });

  it("replaces a silent connection only while every other lane is ready", () => {
    const h = harness({ noticeStalls: false });
    h.run(h.lanes.add("a@aggTrade", 0), 0);
    const [first, second] = [h.made(0), h.made(1)];
    h.accept(first, 0);
    steady(first, 1000);
    h.run(h.lanes.tick(61_000), 61_000);
    expect(first.state).toBe("open");
    h.accept(second, 61_500);
    // Ready: the other lane is now checked at once.
    expect(first.closedWith).toBe("silent");
  });
});

describe("upstream lanes: dropped connections", () => {
  it("tells clients a stream lost its last connection, reconnects with back-off, and tells them it is back", () => {
    const h = harness({ redundancy: 1 });
    h.run(h.lanes.add("a@aggTrade", 0), 0);
    const first = h.made(0);
    h.accept(first, 0);
    h.drop(first, 1000);
    expect(h.notices()).toEqual(["reconnecting a@aggTrade"]);
    expect(h.kinds("backoff")).toEqual([{ kind: "backoff", failures: 1 }]);
    expect(h.lanes.nextRetryAt()).toBe(1125);
    h.run(h.lanes.tick(1125), 1125);
    const second = h.made(1);
    h.drop(second, 1200);
    // The second failure waits twice as long.
    expect(h.lanes.nextRetryAt()).toBe(1450);
    h.run(h.lanes.tick(1450), 1450);
    const third = h.made(2);
    h.accept(third, 1500);
    expect(h.notices()).toEqual(["reconnecting a@aggTrade", "reconnected a@aggTrade"]);
    expect(h.kinds("backoff").at(-1)).toEqual({ kind: "backoff", failures: 0 });
  });

  it("says nothing while another lane still holds the stream", () => {
    const h = harness();
    h.run(h.lanes.add("a@aggTrade", 0), 0);
    for (const link of h.links) h.accept(link, 0);
    const first = h.made(0);
    h.drop(first, 1000);
    expect(h.notices()).toEqual([]);
  });

  it("after a restart waits out the carried back-off, then reports the streams back", () => {
    const h = harness({ redundancy: 1 });
    h.run(h.lanes.restore(["a@aggTrade"], 2, 0), 0);
    expect(h.links).toEqual([]);
    expect(h.lanes.isLost("a@aggTrade")).toBe(true);
    expect(h.kinds("wake")).toEqual([{ kind: "wake", at: 500 }]);
    h.run(h.lanes.tick(500), 500);
    const link = h.made(0);
    h.accept(link, 600);
    expect(h.notices()).toEqual(["reconnected a@aggTrade"]);
  });
});

describe("upstream lanes: idle close and refusals", () => {
  it("closes a slot's connections once it has been empty for idleCloseMs", () => {
    const h = harness();
    h.run(h.lanes.add("a@aggTrade", 0), 0);
    for (const link of h.links) h.accept(link, 0);
    h.run(h.lanes.remove("a@aggTrade", 1000), 1000);
    expect(h.kinds("remove")).toHaveLength(2);
    h.run(h.lanes.tick(5999), 5999);
    expect(h.live()).toHaveLength(2);
    h.run(h.lanes.tick(6000), 6000);
    expect(h.links.map((link) => link.closedWith)).toEqual(["idle", "idle"]);
    expect(h.lanes.links).toEqual([]);
    expect(h.notices()).toEqual([]);
  });

  it("keeps a slot that got a stream again before idleCloseMs", () => {
    const h = harness();
    h.run(h.lanes.add("a@aggTrade", 0), 0);
    h.run(h.lanes.remove("a@aggTrade", 1000), 1000);
    h.run(h.lanes.add("b@aggTrade", 2000), 2000);
    h.run(h.lanes.tick(6000), 6000);
    expect(h.live()).toHaveLength(2);
  });

  it("gives up a stream Binance refuses: unsubscribed from the other lanes, and reported", () => {
    const h = harness();
    h.run(h.lanes.add("a@aggTrade", 0), 0);
    const [first, second] = [h.made(0), h.made(1)];
    first.wanted.delete("a@aggTrade");
    h.run(h.lanes.refused("a@aggTrade", "Invalid request", 100), 100);
    expect(h.lanes.has("a@aggTrade")).toBe(false);
    expect(h.kinds("refused")).toEqual([
      { kind: "refused", stream: "a@aggTrade", reason: "Invalid request" },
    ]);
    expect(second.wanted.size).toBe(0);
  });

  it("forwards each frame once whichever lane brings it first", () => {
    const h = harness();
    h.run(h.lanes.add("a@aggTrade", 0), 0);
    for (const link of h.links) h.accept(link, 0);
    const [first, second] = [h.made(0), h.made(1)];
    h.run(h.lanes.frame(first, "a@aggTrade", "one", 10), 10);
    h.run(h.lanes.frame(second, "a@aggTrade", "one", 12), 12);
    h.run(h.lanes.frame(second, "a@aggTrade", "two", 14), 14);
    h.run(h.lanes.frame(first, "a@aggTrade", "two", 15), 15);
    expect(h.forwarded).toEqual(["one", "two"]);
  });
});
