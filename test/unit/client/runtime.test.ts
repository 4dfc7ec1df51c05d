// The client's one runtime (client/runtime.ts): the REST client takes fetch and its clock from it, the older
// fetch and now options still win, a runtime's fetch is called as browsers require, and no file of client/ but
// runtime.ts reaches for the platform itself (what lets the same code run in browsers, Node and Workers and
// lets tests drive it without real timers or a network).
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createRestClient, defaultRuntime, type FetchLike, type RestRuntime } from "../../../client/index.ts";

const GATEWAY = "https://gateway.example";
const auth = { apiKey: "virtual-key-0001", apiSecret: "virtual-secret-0001" };

/** A runtime whose fetch records the URLs it was called with and whose clock reads `time`. */
function recordingRuntime(time: number): RestRuntime & { urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    now: () => time,
    fetch: async (url) => {
      urls.push(url);
      return Response.json({});
    },
  };
}

describe("the REST client's runtime", () => {
  it("takes fetch and the signing clock from the runtime option", async () => {
    const runtime = recordingRuntime(1_700_000_000_123);
    const client = createRestClient({ baseUrl: GATEWAY, auth, runtime });
    await client.um.accountInformationV3();
    expect(runtime.urls).toHaveLength(1);
    expect(runtime.urls[0]).toContain("timestamp=1700000000123&recvWindow=5000&signature=");
  });

  it("lets the fetch and now options win over the runtime's", async () => {
    const runtime = recordingRuntime(1);
    const urls: string[] = [];
    const fetch: FetchLike = async (url) => {
      urls.push(url);
      return Response.json({});
    };
    const client = createRestClient({ baseUrl: GATEWAY, auth, runtime, fetch, now: () => 2_000 });
    await client.um.accountInformationV3();
    expect(runtime.urls).toEqual([]);
    expect(urls[0]).toContain("timestamp=2000&");
  });

  it("calls a runtime's fetch without a `this`, so globalThis.fetch itself may be handed over", async () => {
    const receivers: unknown[] = [];
    const runtime: RestRuntime = {
      now: () => 0,
      fetch: function (this: unknown) {
        receivers.push(this);
        return Promise.resolve(Response.json({}));
      },
    };
    await createRestClient({ baseUrl: GATEWAY, runtime }).um.testConnectivity();
    expect(receivers).toEqual([undefined]);
  });
});

describe("defaultRuntime", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("reaches the platform's fetch when a call is made, not when the runtime is built", async () => {
    const runtime = defaultRuntime();
    const calls: string[] = [];
    vi.stubGlobal("fetch", async (url: string) => {
      calls.push(url);
      return Response.json({ serverTime: 1 });
    });
    const client = createRestClient({ baseUrl: GATEWAY, runtime });
    const response = await client.um.checkServerTime();
    expect(calls).toEqual([`${GATEWAY}/fapi/v1/time`]);
    expect(response.data).toEqual({ serverTime: 1 });
  });
});

// `.x` and `#x` are an object's own members (a runtime's, a private field), not globals.
const AMBIENT = [
  /\bglobalThis\b/,
  /(?<![.#\w/-])(?:window|self)\./,
  /\bDate\.now\b/,
  /\bnew Date\b/,
  /\bMath\.random\b/,
  /\bperformance\./,
  /\bnew WebSocket\b/,
  /(?<![.#\w])(?:setTimeout|clearTimeout|setInterval|clearInterval|queueMicrotask|fetch)\s*\(/,
];

function sourcesOf(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts"))
    .map((name) => join(folder, name));
}

/** The ambient reads in a source file, by pattern; comments do not count. */
function ambientReads(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|\s)\/\/.*$/gm, "$1");
  return AMBIENT.filter((pattern) => pattern.test(code)).map((pattern) => pattern.source);
}

describe("the client's platform boundary", () => {
  const root = join(import.meta.dirname, "../../../client");

  it("reads globals, the clock, randomness, timers, fetch and WebSocket only in runtime.ts", () => {
    const offenders = sourcesOf(root)
      .filter((file) => relative(root, file) !== "runtime.ts")
      .flatMap((file) =>
        ambientReads(readFileSync(file, "utf8")).map((read) => `${relative(root, file)}: ${read}`),
      );
    expect(offenders).toEqual([]);
  });

  it("tells an ambient read from a runtime's member, a private field or a comment", () => {
    expect(ambientReads("const at = Date.now();")).toHaveLength(1);
    expect(ambientReads("await fetch(url, init);")).toHaveLength(1);
    expect(ambientReads("const id = setTimeout(tick, 10);")).toHaveLength(1);
    expect(ambientReads("const ws = new WebSocket(url);")).toHaveLength(1);
    expect(
      ambientReads("this.#runtime.setTimeout(tick, 10); this.#fetch(); this.#window.record(now);"),
    ).toEqual([]);
    expect(ambientReads("// Date.now() and globalThis.fetch, in a comment\n/** Math.random() */")).toEqual(
      [],
    );
  });
});
