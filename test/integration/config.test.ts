// The configuration readers (workers/config/): one integer reader, the location hint parsed once, every part
// cached on the raw values of its vars; and the Durable Object names, which carry the hint.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { cachedOn } from "../../workers/config/cache.ts";
import {
  egressOptionsOf,
  loadGatewayOptions,
  logLevelOf,
  relayOptionsOf,
} from "../../workers/config/index.ts";
import { integerReader, readInteger, readLocationHint } from "../../workers/config/read.ts";
import { readRelayOptions, userStreamOptionsOf } from "../../workers/config/relay.ts";
import { deskName, egressObjectName, relayName, userStreamName } from "../../workers/durable-objects.ts";
import type { GatewayEnv } from "../../workers/env.ts";

const range = { fallback: 7, min: 1, max: 10 };

describe("readInteger", () => {
  it("gives the fallback for an unset, empty or blank var", () => {
    expect(readInteger("N", undefined, range)).toEqual({ ok: true, value: 7 });
    expect(readInteger("N", "", range)).toEqual({ ok: true, value: 7 });
    expect(readInteger("N", "  ", range)).toEqual({ ok: true, value: 7 });
  });

  it("reads a whole number inside the range, surrounding blanks allowed", () => {
    expect(readInteger("N", " 10 ", range)).toEqual({ ok: true, value: 10 });
    expect(readInteger("N", "1", range)).toEqual({ ok: true, value: 1 });
  });

  it("refuses fractions, words and numbers outside the range, naming the var but not its value", () => {
    for (const text of ["1.5", "ten", "0", "11", "1e9"]) {
      expect(readInteger("N_VAR", text, range)).toEqual({
        ok: false,
        error: "N_VAR must be a whole number from 1 to 10",
      });
    }
  });
});

describe("integerReader", () => {
  it("reads a row of integers and reports the first one that is wrong", () => {
    const { read, failure } = integerReader();
    expect(read("A", "3", range)).toBe(3);
    expect(read("B", "99", range)).toBe(7);
    expect(read("C", "x", range)).toBe(7);
    expect(failure()).toBe("B must be a whole number from 1 to 10");
  });

  it("reports no failure when every value reads", () => {
    const { read, failure } = integerReader();
    read("A", "", range);
    expect(failure()).toBeNull();
  });
});

describe("readLocationHint", () => {
  it("takes no hint from an empty var and accepts Cloudflare's hints", () => {
    expect(readLocationHint(undefined)).toEqual({ ok: true, value: null });
    expect(readLocationHint(" ")).toEqual({ ok: true, value: null });
    expect(readLocationHint(" apac-ne ")).toEqual({ ok: true, value: "apac-ne" });
  });

  it("refuses a hint Cloudflare does not know, listing the ones it does", () => {
    const read = readLocationHint("mars");
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error).toMatch(/^BINANCE_LOCATION_HINT must be empty or one of wnam, enam, /);
  });
});

describe("cachedOn", () => {
  it("reads again only when one of the vars it names changes", () => {
    let reads = 0;
    const hintOf = cachedOn(["BINANCE_LOCATION_HINT"], (vars) => {
      reads++;
      return vars.BINANCE_LOCATION_HINT;
    });
    expect(hintOf({ BINANCE_LOCATION_HINT: "weur" })).toBe("weur");
    expect(hintOf({ BINANCE_LOCATION_HINT: "weur" })).toBe("weur");
    expect(reads).toBe(1);
    expect(hintOf({ BINANCE_LOCATION_HINT: "enam" })).toBe("enam");
    expect(reads).toBe(2);
  });

  it("tells apart values that differ only in where one var ends and the next begins", () => {
    const pairOf = cachedOn(["LOG_LEVEL", "BINANCE_LOCATION_HINT"], (vars) =>
      [vars.LOG_LEVEL, vars.BINANCE_LOCATION_HINT].join("|"),
    );
    expect(pairOf({ LOG_LEVEL: "a\u0000", BINANCE_LOCATION_HINT: "" })).toBe("a\u0000|");
    expect(pairOf({ LOG_LEVEL: "a", BINANCE_LOCATION_HINT: "\u0000" })).toBe("a|\u0000");
  });
});

describe("the configuration parts", () => {
  it("parses BINANCE_ACCOUNTS for the egress once, not on every call", () => {
    const gateway = env as GatewayEnv;
    const first = egressOptionsOf(gateway);
    expect(first.ok).toBe(true);
    expect(egressOptionsOf({ ...gateway })).toBe(first);
  });

  it("reads the relay's defaults when its vars are unset, and reports the first wrong one", () => {
    const bare = { ...(env as GatewayEnv), RELAY_MAX_CLIENTS: "", RELAY_HEARTBEAT_MS: "" };
    const options = readRelayOptions(bare);
    expect(options.ok && options.value.maxClients).toBe(10_000);
    expect(options.ok && options.value.heartbeatMs).toBe(30_000);
    const wrong = readRelayOptions({ ...bare, RELAY_STALE_MS: "100", RELAY_PROBE_MS: "x" });
    expect(wrong).toEqual({ ok: false, error: "RELAY_STALE_MS must be a whole number from 500 to 20000" });
  });

  it("reads LOG_LEVEL as a level's name, and anything else as info", () => {
    expect(logLevelOf({ LOG_LEVEL: "debug" })).toBe("debug");
    expect(logLevelOf({ LOG_LEVEL: "error" })).toBe("error");
    expect(logLevelOf({ LOG_LEVEL: "loud" })).toBe("info");
    expect(logLevelOf({ LOG_LEVEL: "" })).toBe("info");
  });

  it("keeps the relay's options for the same env", () => {
    const gateway = env as GatewayEnv;
    expect(relayOptionsOf(gateway)).toBe(relayOptionsOf(gateway));
  });
});

describe("Durable Object names", () => {
  it("carry the location hint, or 'default' without one", () => {
    expect(egressObjectName(null)).toBe("egress:default");
    expect(egressObjectName("apac-ne")).toBe("egress:apac-ne");
    expect(relayName("um", null)).toBe("relay:um:default");
    expect(userStreamName("main", "cm", "weur")).toBe("user:main:cm:weur");
    expect(deskName("sub1", "um", null)).toBe("desk:sub1:um:default");
  });
});

describe("vars given as numbers or booleans (an unquoted value in wrangler.toml [vars] is a JSON binding)", () => {
  // Before the one integer reader, the relay's and the user stream object's vars were read with String(...); the
  // review of issue 11 found the reader calling .trim() on a number, which took the relay and user streams down.
  const unquoted = (value: number | boolean) => value as unknown as string;

  it("reads the relay's options", () => {
    const options = readRelayOptions({ ...(env as GatewayEnv), RELAY_HEARTBEAT_MS: unquoted(30_000) });
    expect(options.ok && options.value.heartbeatMs).toBe(30_000);
  });

  it("reads the user stream object's options", () => {
    const options = userStreamOptionsOf({
      ...(env as GatewayEnv),
      LISTEN_KEY_KEEPALIVE_MS: unquoted(1_800_000),
    });
    expect(options.ok && options.value.keepaliveMs).toBe(1_800_000);
  });

  it("reads the gateway's options, a boolean switch included", async () => {
    const options = await loadGatewayOptions({
      ...(env as GatewayEnv),
      UPSTREAM_TIMEOUT_MS: unquoted(4321),
      RELAY_PUBLIC: unquoted(true),
    });
    expect(options.ok && [options.value.timeoutMs, options.value.relay.isPublic]).toEqual([4321, true]);
  });

  it("still refuses a number out of range, naming the var", () => {
    const options = readRelayOptions({ ...(env as GatewayEnv), RELAY_HEARTBEAT_MS: unquoted(-5) });
    expect(options.ok ? null : options.error).toMatch(/^RELAY_HEARTBEAT_MS must be a whole number/);
  });
});
