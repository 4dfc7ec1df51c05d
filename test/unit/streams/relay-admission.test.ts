// The relay's decision on a new client socket: every refusal, in the order clients see them.
import { describe, expect, it } from "vitest";
import {
  type AdmissionFacts,
  admitClient,
  callerTag,
  PUBLIC_TAG,
} from "../../../shared/streams/relay-admission.ts";

const LIMITS = {
  maxClients: 10,
  maxClientsPerCaller: 3,
  maxPublicClients: 5,
  maxCallerBacklogBytes: 1000,
  maxStreamsPerClient: 2,
};
const KEY = "a".repeat(64);

function facts(overrides: Partial<AdmissionFacts> = {}): AdmissionFacts {
  return {
    market: "um",
    caller: "client:bot",
    streams: ["btcusdt@aggTrade"],
    sockets: { all: 0, caller: 0, public: 0 },
    overBacklog: false,
    noRoom: null,
    unlisted: null,
    overShare: null,
    ...overrides,
  };
}

/** Facts on which every check fails: each test lifts the ones before the refusal it looks at. */
const EVERYTHING_WRONG: Partial<AdmissionFacts> = {
  caller: "ip:203.0.113.1",
  streams: ["btcusdt@aggTrade", "nonsense", "ethusdt@aggTrade"],
  sockets: { all: 10, caller: 3, public: 5 },
  overBacklog: true,
  noRoom: "too many streams on this relay: it carries at most 1 distinct streams",
  unlisted: { status: 503, msg: "unavailable" },
  overShare: { status: 429, msg: "over the share" },
};

function refusal(overrides: Partial<AdmissionFacts>) {
  const decision = admitClient(facts({ ...EVERYTHING_WRONG, ...overrides }), LIMITS);
  return decision.ok ? null : decision.error;
}

describe("admitting a client socket to the relay", () => {
  it("admits a credential's socket with its caller's tag alone", () => {
    expect(admitClient(facts(), LIMITS)).toEqual({
      ok: true,
      value: { share: "client:bot", tags: ["caller:client:bot"] },
    });
  });

  it("admits an anonymous socket into the public share, tagged public too", () => {
    const decision = admitClient(facts({ caller: "ip:203.0.113.1" }), LIMITS);
    expect(decision).toEqual({
      ok: true,
      value: { share: "public", tags: ["caller:ip:203.0.113.1", PUBLIC_TAG] },
    });
  });

  it("cuts a caller's tag at the 256 characters a socket tag may have", () => {
    expect(callerTag(`client:${"x".repeat(300)}`)).toHaveLength(256);
  });

  it("refuses a full relay first, whatever else is wrong (503)", () => {
    expect(refusal({})).toEqual({ status: 503, msg: "relay full: at most 10 clients" });
  });

  it("then a caller at its socket limit (429)", () => {
    expect(refusal({ sockets: { all: 9, caller: 3, public: 5 } })).toEqual({
      status: 429,
      msg: "at most 3 connections per caller",
    });
  });

  it("then the anonymous sockets together at theirs (429)", () => {
    expect(refusal({ sockets: { all: 9, caller: 2, public: 5 } })).toEqual({
      status: 429,
      msg: "anonymous clients together hold at most 5 connections",
    });
  });

  it("applies the anonymous limit to the public share only", () => {
    expect(refusal({ caller: "client:bot", sockets: { all: 9, caller: 2, public: 5 } })?.msg).toBe(
      "this caller's sockets leave over 1000 bytes unread",
    );
  });

  it("refuses a caller whose sockets leave too much unread before looking at its streams (429)", () => {
    expect(refusal({ sockets: { all: 9, caller: 2, public: 4 } })).toEqual({
      status: 429,
      msg: "this caller's sockets leave over 1000 bytes unread",
    });
  });

  it("then a request over the client's stream budget, listen keys counted (400)", () => {
    const lifted = { sockets: { all: 0, caller: 0, public: 0 }, overBacklog: false };
    expect(refusal(lifted)).toEqual({
      status: 400,
      msg: "too many streams: at most 2 more on this connection",
    });
    expect(refusal({ ...lifted, streams: ["btcusdt@aggTrade", KEY, "ethusdt@aggTrade"] })?.msg).toBe(
      "too many streams: at most 2 more on this connection",
    );
  });

  it("then a malformed stream name (400)", () => {
    const lifted = { sockets: { all: 0, caller: 0, public: 0 }, overBacklog: false };
    expect(refusal({ ...lifted, streams: ["btcusdt@aggTrade", "nonsense"] })).toEqual({
      status: 400,
      msg: "invalid stream",
    });
  });

  it("then no room upstream (400)", () => {
    const lifted = { sockets: { all: 0, caller: 0, public: 0 }, overBacklog: false, streams: [KEY] };
    expect(refusal(lifted)).toEqual({
      status: 400,
      msg: "too many streams on this relay: it carries at most 1 distinct streams",
    });
  });

  it("then the listing's refusal with its own status, before the share's", () => {
    const lifted = {
      sockets: { all: 0, caller: 0, public: 0 },
      overBacklog: false,
      streams: [KEY],
      noRoom: null,
    };
    expect(refusal(lifted)).toEqual({ status: 503, msg: "unavailable" });
    expect(refusal({ ...lifted, unlisted: null })).toEqual({ status: 429, msg: "over the share" });
  });
});
