import { describe, expect, it } from "vitest";
import { mintStreamToken, streamTokenKey, verifyStreamToken } from "../../shared/auth/stream-token.ts";
import { RecentFrames } from "../../shared/streams/recent-frames.ts";
import { SendWindow } from "../../shared/streams/send-window.ts";

describe("first-sighting filter", () => {
  it("forwards the first copy of a frame and drops later copies from other connections", () => {
    const recent = new RecentFrames(60_000, 100);
    expect(recent.firstSighting("s", "a", 0)).toBe(true);
    expect(recent.firstSighting("s", "a", 10)).toBe(false);
    expect(recent.firstSighting("s", "b", 20)).toBe(true);
    expect(recent.firstSighting("other", "a", 30)).toBe(true);
  });

  it("forgets frames after its time window and beyond its size cap", () => {
    const recent = new RecentFrames(1000, 2);
    recent.firstSighting("s", "a", 0);
    expect(recent.firstSighting("s", "a", 2000)).toBe(true);
    const capped = new RecentFrames(60_000, 2);
    for (const text of ["a", "b", "c"]) capped.firstSighting("s", text, 0);
    expect(capped.firstSighting("s", "a", 1)).toBe(true);
    expect(capped.firstSighting("s", "c", 1)).toBe(false);
  });
});

describe("send window", () => {
  it("allows the limit per sliding second and says how long to wait", () => {
    const window = new SendWindow(2);
    window.record(0);
    window.record(100);
    expect(window.waitMs(200)).toBe(801);
    expect(window.waitMs(1001)).toBe(0);
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
