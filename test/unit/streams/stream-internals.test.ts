import { describe, expect, it } from "vitest";
import { mintStreamToken, streamTokenKey, verifyStreamToken } from "../../../shared/auth/stream-token.ts";
import { frameKey, RecentFrames } from "../../../shared/streams/recent-frames.ts";
import { SendWindow } from "../../../shared/streams/send-window.ts";

describe("recent frames", () => {
  it("numbers forwarded frames per stream and finds them by their bytes", () => {
    const recent = new RecentFrames(60_000, 100);
    expect(recent.last("s")).toBe(0);
    expect(recent.record("s", "a", 0)).toBe(1);
    expect(recent.record("s", "b", 10)).toBe(2);
    expect(recent.record("other", "a", 20)).toBe(1);
    expect(recent.find("s", "a")).toBe(1);
    expect(recent.find("s", "b")).toBe(2);
    expect(recent.find("s", "c")).toBeNull();
    expect(recent.last("s")).toBe(2);
  });

  it("tells when the first frame after a number or a time was forwarded", () => {
    const recent = new RecentFrames(60_000, 100);
    for (const [text, at] of [
      ["a", 10],
      ["b", 20],
      ["c", 30],
    ] as const)
      recent.record("s", text, at);
    expect(recent.forwardedAfterSequence("s", 0)).toBe(10);
    expect(recent.forwardedAfterSequence("s", 2)).toBe(30);
    expect(recent.forwardedAfterSequence("s", 3)).toBeNull();
    expect(recent.forwardedAfterTime("s", 0)).toBe(10);
    expect(recent.forwardedAfterTime("s", 10)).toBe(20);
    expect(recent.forwardedAfterTime("s", 25)).toBe(30);
    expect(recent.forwardedAfterTime("s", 30)).toBeNull();
    expect(recent.forwardedAfterTime("none", 0)).toBeNull();
  });

  it("forgets frames after its time window and beyond its size cap, and keeps numbering", () => {
    const recent = new RecentFrames(1000, 100);
    recent.record("s", "a", 0);
    recent.record("s", "b", 2000);
    expect(recent.find("s", "a")).toBeNull();
    expect(recent.forwardedAfterSequence("s", 0)).toBe(2000);
    const capped = new RecentFrames(60_000, 2);
    for (const text of ["a", "b", "c"]) capped.record("s", text, 0);
    expect(capped.find("s", "a")).toBeNull();
    expect(capped.find("s", "c")).toBe(3);
    const long = new RecentFrames(100, 1000);
    for (let i = 0; i < 10_000; i++) long.record("s", `frame ${i}`, i);
    expect(long.find("s", "frame 9999")).toBe(10_000);
    expect(long.find("s", "frame 9000")).toBeNull();
    expect(long.last("s")).toBe(10_000);
    expect(long.forwardedAfterTime("s", 0)).toBe(9899);
    expect(long.forwardedAfterSequence("s", 9990)).toBe(9990);
  });

  it("keys frames by a hash and their length, not by their bytes", () => {
    expect(frameKey("x".repeat(150_000))).toMatch(/^[0-9a-z]+:150000$/);
    expect(frameKey('{"E":1}')).not.toBe(frameKey('{"E":2}'));
  });
});

describe("send window", () => {
  it("allows the limit per sliding second, with a margin for jitter, and says how long to wait", () => {
    const window = new SendWindow(2);
    window.record(0);
    window.record(100);
    expect(window.waitMs(200)).toBe(901);
    expect(window.waitMs(1001)).toBe(100);
    expect(window.waitMs(1101)).toBe(0);
  });
});

describe("stream tokens", () => {
  it("verifies a minted token until it expires, and refuses tampering or another key", async () => {
    const key = await streamTokenKey('[{"name":"a"}]');
    const token = await mintStreamToken(key, { client: "page", expiresAt: 10_000 });
    expect(token).toMatch(/^rt1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(await verifyStreamToken(key, token, 9_999)).toEqual({ client: "page", expiresAt: 10_000 });
    expect(await verifyStreamToken(key, token, 10_000)).toBeNull();
    const [prefix, payload, mac] = token.split(".");
    expect(await verifyStreamToken(key, `${prefix}.${payload}x.${mac}`, 0)).toBeNull();
    expect(await verifyStreamToken(await streamTokenKey("other clients"), token, 0)).toBeNull();
  });
});
