// Relay listen keys: unguessable, Binance-shaped, bound to one account and market, and found on Binance's paths.
import { describe, expect, it } from "vitest";
import {
  looksLikeListenKey,
  mintRelayKey,
  relayKeyMac,
  relayKeyScope,
} from "../../../shared/auth/relay-key.ts";
import { parseConnectPath } from "../../../shared/streams/paths.ts";
import { eventTypeOf } from "../../../shared/streams/user-data.ts";

const ACCOUNTS = ["main", "second"];

describe("relay keys", () => {
  it("have Binance's shape, differ every time, and tell their account and market", async () => {
    const mac = await relayKeyMac("clients-v1");
    const a = await mintRelayKey(mac, { account: "second", market: "cm" });
    const b = await mintRelayKey(mac, { account: "second", market: "cm" });
    expect(a).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(looksLikeListenKey(a)).toBe(true);
    expect(a).not.toBe(b);
    expect(await relayKeyScope(mac, a, ACCOUNTS)).toEqual({ account: "second", market: "cm" });
    const main = await mintRelayKey(mac, { account: "main", market: "um" });
    expect(await relayKeyScope(mac, main, ACCOUNTS)).toEqual({ account: "main", market: "um" });
  });

  it("cannot be made up, altered, or carried over to other clients' configuration", async () => {
    const mac = await relayKeyMac("clients-v1");
    const key = await mintRelayKey(mac, { account: "main", market: "um" });
    const flipped = `${key.slice(0, 10)}${key[10] === "a" ? "b" : "a"}${key.slice(11)}`;
    expect(await relayKeyScope(mac, flipped, ACCOUNTS)).toBeNull();
    expect(
      await relayKeyScope(mac, `${key.slice(0, 63)}${key[63] === "a" ? "b" : "a"}`, ACCOUNTS),
    ).toBeNull();
    expect(await relayKeyScope(mac, "A".repeat(64), ACCOUNTS)).toBeNull();
    expect(await relayKeyScope(mac, `${key}x`, ACCOUNTS)).toBeNull();
    expect(await relayKeyScope(await relayKeyMac("clients-v2"), key, ACCOUNTS)).toBeNull();
    // An account that is no longer configured has no keys.
    expect(await relayKeyScope(mac, key, ["second"])).toBeNull();
  });

  it("use the whole alphabet without bias towards its first letters", async () => {
    const mac = await relayKeyMac("clients-v1");
    const counts = new Map<string, number>();
    for (let i = 0; i < 200; i++)
      for (const char of (await mintRelayKey(mac, { account: "main", market: "um" })).slice(0, 40))
        counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // 8000 draws over 62 letters: about 129 each.
    expect(Math.min(...counts.values())).toBeGreaterThan(70);
    expect(Math.max(...counts.values())).toBeLessThan(200);
  });
});

describe("user data connection paths", () => {
  const k1 = "a".repeat(64);
  const k2 = "b".repeat(64);

  it("reads listen keys from Binance's /private paths, with their events= filters", () => {
    const single = new URL(`wss://x/private/ws?listenKey=${k1}&events=ORDER_TRADE_UPDATE/ACCOUNT_UPDATE`);
    expect(parseConnectPath(single.pathname, single.searchParams)).toMatchObject({
      market: "um",
      combined: false,
      streams: [k1],
      events: { [k1]: ["ORDER_TRADE_UPDATE", "ACCOUNT_UPDATE"] },
    });
    const many = new URL(
      `wss://x/private/stream?listenKey=${k1}&events=ORDER_TRADE_UPDATE&listenKey=${k2}&events=ACCOUNT_UPDATE`,
    );
    expect(parseConnectPath(many.pathname, many.searchParams)).toMatchObject({
      combined: true,
      streams: [k1, k2],
      events: { [k1]: ["ORDER_TRADE_UPDATE"], [k2]: ["ACCOUNT_UPDATE"] },
    });
    const leading = new URL(`wss://x/private/ws?events=MARGIN_CALL&listenKey=${k2}`);
    expect(parseConnectPath(leading.pathname, leading.searchParams)?.events).toEqual({
      [k2]: ["MARGIN_CALL"],
    });
    const inPath = new URL(`wss://x/cm/ws/${k1}?events=ORDER_TRADE_UPDATE`);
    expect(parseConnectPath(inPath.pathname, inPath.searchParams)).toMatchObject({
      market: "cm",
      streams: [k1],
      events: { [k1]: ["ORDER_TRADE_UPDATE"] },
    });
    const unfiltered = new URL(`wss://x/ws/${k1}`);
    expect(parseConnectPath(unfiltered.pathname, unfiltered.searchParams)?.events).toEqual({});
  });

  it("reads an event's type without parsing its payload", () => {
    expect(eventTypeOf('{"e":"ORDER_TRADE_UPDATE","E":1,"o":{"i":9007199254740993}}')).toBe(
      "ORDER_TRADE_UPDATE",
    );
    expect(eventTypeOf('{"E":1,"e":"ACCOUNT_UPDATE"}')).toBe("ACCOUNT_UPDATE");
    expect(eventTypeOf("[]")).toBeNull();
  });
});
