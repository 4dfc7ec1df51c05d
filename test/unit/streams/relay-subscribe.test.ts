// A relay client's SUBSCRIBE: what it takes, which feeds close again, and the reply, refusals in order.
import { describe, expect, it } from "vitest";
import {
  decideSubscribe,
  freshStreams,
  readSubscribe,
  type SubscribeFacts,
} from "../../../shared/streams/relay-subscribe.ts";

const KEY = "a".repeat(64);
const OTHER_KEY = "b".repeat(64);
const DEAD_KEY = -1125;

function facts(
  overrides: Partial<SubscribeFacts> & { streams?: string[]; held?: string[] } = {},
): SubscribeFacts {
  const held = overrides.held ?? [];
  const request = readSubscribe(overrides.streams ?? ["btcusdt@aggTrade"], held);
  return {
    id: "7",
    market: "um",
    request,
    held,
    maxStreamsPerClient: 3,
    feedsOpened: true,
    unlisted: null,
    overShare: null,
    noRoom: null,
    gone: false,
    keysHeld: [],
    ...overrides,
  };
}

/** Every check fails: each test lifts the ones before the refusal it looks at. */
const EVERYTHING_WRONG = {
  streams: ["btcusdt@aggTrade", "nonsense", KEY],
  held: ["ethusdt@aggTrade"],
  feedsOpened: false,
  unlisted: { status: 400, msg: "invalid stream: xyzusdt@aggTrade names no symbol this market lists" },
  overShare: { status: 429, msg: "too many streams: over the share" },
  noRoom: "too many streams on this relay: it carries at most 1 distinct streams",
};

function error(reply: string): { code: number; msg: string } {
  return (JSON.parse(reply) as { error: { code: number; msg: string } }).error;
}

describe("reading a SUBSCRIBE before any I/O", () => {
  it("drops repeats and opens feeds only for listen keys the client does not hold yet", () => {
    expect(readSubscribe(["btcusdt@aggTrade", KEY, OTHER_KEY, KEY, "btcusdt@aggTrade"], [OTHER_KEY])).toEqual(
      {
        wanted: ["btcusdt@aggTrade", KEY, OTHER_KEY],
        keys: [KEY],
        marketStreams: ["btcusdt@aggTrade"],
      },
    );
  });

  it("asks the listing about every market stream asked for, held ones too", () => {
    expect(readSubscribe(["btcusdt@aggTrade"], ["btcusdt@aggTrade"]).marketStreams).toEqual([
      "btcusdt@aggTrade",
    ]);
  });

  it("counts as fresh only what the client does not hold", () => {
    expect(freshStreams(["btcusdt@aggTrade", KEY, "ethusdt@aggTrade"], ["ethusdt@aggTrade"])).toEqual({
      fresh: ["btcusdt@aggTrade", KEY],
      marketStreams: ["btcusdt@aggTrade"],
    });
  });
});

describe("deciding a SUBSCRIBE", () => {
  it("takes the fresh streams and answers a null result", () => {
    const outcome = decideSubscribe(
      facts({ streams: ["btcusdt@aggTrade", KEY, "ethusdt@aggTrade"], held: ["ethusdt@aggTrade"] }),
    );
    expect(outcome).toEqual({
      subscribe: ["btcusdt@aggTrade", KEY],
      closeFeeds: [],
      reply: '{"result":null,"id":7}',
    });
  });

  it("takes effect with nothing new when everything is held already", () => {
    const outcome = decideSubscribe(facts({ streams: ["btcusdt@aggTrade"], held: ["btcusdt@aggTrade"] }));
    expect(outcome.subscribe).toEqual([]);
    expect(outcome.reply).toBe('{"result":null,"id":7}');
  });

  it("answers a dead listen key first with Binance's -1125, whatever else is wrong, and closes its feed", () => {
    const outcome = decideSubscribe(facts(EVERYTHING_WRONG));
    expect(outcome.subscribe).toBeNull();
    expect(outcome.closeFeeds).toEqual([KEY]);
    expect(error(outcome.reply)).toEqual({ code: DEAD_KEY, msg: "This listenKey does not exist." });
    expect(JSON.parse(outcome.reply).id).toBe(7);
  });

  it("then a request over what the client has left, listen keys counted", () => {
    const outcome = decideSubscribe(
      facts({ ...EVERYTHING_WRONG, feedsOpened: true, held: ["x@aggTrade", "y@aggTrade"] }),
    );
    expect(error(outcome.reply)).toEqual({
      code: 2,
      msg: "Invalid request: too many streams: at most 1 more on this connection",
    });
    expect(outcome.subscribe).toBeNull();
    expect(outcome.closeFeeds).toEqual([KEY]);
  });

  it("then a malformed name", () => {
    const outcome = decideSubscribe(
      facts({ ...EVERYTHING_WRONG, feedsOpened: true, streams: ["nonsense", KEY] }),
    );
    expect(error(outcome.reply)).toEqual({ code: 2, msg: "Invalid request: invalid stream" });
  });

  it("then the listing, the caller's share and the room upstream, in that order", () => {
    const named = { ...EVERYTHING_WRONG, feedsOpened: true, streams: ["btcusdt@aggTrade", KEY] };
    expect(error(decideSubscribe(facts(named)).reply).msg).toBe(
      "Invalid request: invalid stream: xyzusdt@aggTrade names no symbol this market lists",
    );
    expect(error(decideSubscribe(facts({ ...named, unlisted: null })).reply).msg).toBe(
      "Invalid request: too many streams: over the share",
    );
    expect(error(decideSubscribe(facts({ ...named, unlisted: null, overShare: null })).reply).msg).toBe(
      "Invalid request: too many streams on this relay: it carries at most 1 distinct streams",
    );
  });

  it("keeps open the feed of a refused key that another client holds", () => {
    const outcome = decideSubscribe(facts({ ...EVERYTHING_WRONG, keysHeld: [KEY] }));
    expect(outcome.closeFeeds).toEqual([]);
  });

  it("takes nothing for a client gone while its feeds opened, yet answers and closes the unheld feeds", () => {
    const outcome = decideSubscribe(facts({ streams: [KEY, OTHER_KEY], gone: true, keysHeld: [OTHER_KEY] }));
    expect(outcome).toEqual({ subscribe: null, closeFeeds: [KEY], reply: '{"result":null,"id":7}' });
  });

  it("counts the streams held now, not when the request was read (a key may have ended meanwhile)", () => {
    const request = readSubscribe([KEY, "btcusdt@aggTrade"], ["btcusdt@aggTrade"]);
    const outcome = decideSubscribe({ ...facts(), request, held: [] });
    expect(outcome.subscribe).toEqual([KEY, "btcusdt@aggTrade"]);
  });
});
