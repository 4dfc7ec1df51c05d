// A relay's feeds of user data: for each relay listen key its clients hold, one internal socket to the account's
// user stream object, which sends that key's events as `{"stream":"<relay key>","data":...}` (the relay's own
// frame shape, so they fan out like any stream) and its gaps as notices. A feed that drops is reopened with
// back-off on the relay's alarm and its clients are told (reconnecting, then reconnected); a key that lapsed
// or was revoked ends its feed, and its clients get Binance's listenKeyExpired event.

import { type RelayKeyScope, relayKeyScope } from "../../shared/auth/relay-key.ts";
import type { Market } from "../../shared/catalog/types.ts";
import { retryDelayMs } from "../../shared/rest/retry.ts";
import { combinedFrame } from "../../shared/streams/frames.ts";
import { KEY_ENDED, listenKeyExpiredEvent, noticeOf } from "../../shared/streams/user-data.ts";
import { accountsOf, placementOf, relayKeyConfigOf } from "../config/index.ts";
import { userStreamStub } from "../durable-objects.ts";
import type { GatewayEnv } from "../env.ts";
import { answerClose } from "./socket-close.ts";

const RETRY_BASE_MS = 500;
const RETRY_MAX_MS = 30_000;

export interface FeedEvents {
  /** A frame for the key's clients (an event, in the combined envelope). */
  forward(key: string, frame: string): void;
  notify(notice: string, key: string): void;
  /** The key lapsed or was revoked: its clients lose it. */
  ended(key: string): void;
  wake(at: number): void;
}

interface Feed {
  ws: WebSocket | null;
  /** Reopen attempts since the feed last worked; 0 while it works. */
  failures: number;
  retryAt: number | null;
  opening: Promise<boolean> | null;
}

export class UserFeeds {
  readonly #env: GatewayEnv;
  readonly #market: Market;
  readonly #events: FeedEvents;
  readonly #feeds = new Map<string, Feed>();

  constructor(env: GatewayEnv, market: Market, events: FeedEvents) {
    this.#env = env;
    this.#market = market;
    this.#events = events;
  }

  get keys(): string[] {
    return [...this.#feeds.keys()];
  }

  /** Whether a key is one of ours for this relay's market (its MAC checks out), whatever its state. */
  async genuine(key: string): Promise<boolean> {
    return (await this.#scope(key)) !== null;
  }

  /**
   * Opens the feed of a key (or finds it open); false if the key is not alive. A feed that cannot be opened for
   * another reason (the object restarting) is retried, and counts as open.
   */
  open(key: string, resumed = false): Promise<boolean> {
    const feed = this.#feeds.get(key);
    if (feed !== undefined) return feed.opening ?? Promise.resolve(true);
    // A feed resumed after the relay restarted had a gap: its clients hear "reconnecting" now, "reconnected" later.
    const fresh: Feed = { ws: null, failures: resumed ? 1 : 0, retryAt: null, opening: null };
    this.#feeds.set(key, fresh);
    if (resumed) this.#events.notify("reconnecting", key);
    return this.#connect(key, fresh);
  }

  /** No client holds the key any more. */
  close(key: string): void {
    const feed = this.#feeds.get(key);
    this.#feeds.delete(key);
    try {
      feed?.ws?.close(1000, "no clients");
    } catch {
      // Already closed.
    }
  }

  /** Reopens feeds whose retry time has come. */
  tick(now: number): void {
    for (const [key, feed] of this.#feeds) {
      if (feed.ws === null && feed.opening === null && feed.retryAt !== null && feed.retryAt <= now)
        void this.#connect(key, feed);
    }
  }

  nextRetryAt(): number | null {
    let next: number | null = null;
    for (const feed of this.#feeds.values())
      if (feed.retryAt !== null && (next === null || feed.retryAt < next)) next = feed.retryAt;
    return next;
  }

  #connect(key: string, feed: Feed): Promise<boolean> {
    const attempt = this.#dial(key, feed).finally(() => {
      feed.opening = null;
    });
    feed.opening = attempt;
    return attempt;
  }

  async #dial(key: string, feed: Feed): Promise<boolean> {
    feed.retryAt = null;
    const scope = await this.#scope(key);
    if (scope === null) {
      this.#end(key, feed, true);
      return false;
    }
    let response: Response;
    try {
      const stub = userStreamStub(this.#env, scope, placementOf(this.#env));
      response = await stub.fetch("https://user-stream/feed", {
        headers: { Upgrade: "websocket", "X-Relay-Key": key },
      });
    } catch {
      this.#retry(key, feed);
      return true;
    }
    if (this.#feeds.get(key) !== feed) {
      response.webSocket?.close(1000, "no clients");
      return true;
    }
    if (response.status === 410) {
      this.#end(key, feed, true);
      return false;
    }
    const ws = response.webSocket;
    if (ws === null) {
      this.#retry(key, feed);
      return true;
    }
    ws.accept();
    feed.ws = ws;
    ws.addEventListener("message", (event) => {
      if (typeof event.data !== "string") return;
      const notice = noticeOf(event.data);
      if (notice === null) this.#events.forward(key, event.data);
      else this.#events.notify(notice, key);
    });
    const lost = (code: number) => {
      if (feed.ws !== ws) return;
      feed.ws = null;
      if (this.#feeds.get(key) !== feed) return;
      if (code === KEY_ENDED) this.#end(key, feed, false);
      else this.#retry(key, feed);
    };
    ws.addEventListener("close", (event) => {
      answerClose(ws, event.code, event.reason);
      lost(event.code);
    });
    ws.addEventListener("error", () => lost(0));
    if (feed.failures > 0) this.#events.notify("reconnected", key);
    feed.failures = 0;
    return true;
  }

  #retry(key: string, feed: Feed): void {
    if (feed.failures === 0) this.#events.notify("reconnecting", key);
    feed.failures++;
    feed.retryAt =
      Date.now() + Math.min(retryDelayMs(feed.failures, RETRY_BASE_MS, Math.random()), RETRY_MAX_MS);
    this.#events.wake(feed.retryAt);
  }

  /**
   * The key is gone; its clients get Binance's expiry event first (`announce`), unless the user stream object
   * already sent it before closing the feed.
   */
  #end(key: string, feed: Feed, announce: boolean): void {
    if (this.#feeds.get(key) !== feed) return;
    this.#feeds.delete(key);
    if (announce) this.#events.forward(key, combinedFrame(key, listenKeyExpiredEvent(key, Date.now())));
    this.#events.ended(key);
  }

  async #scope(key: string): Promise<RelayKeyScope | null> {
    const accounts = accountsOf(this.#env);
    const names = new Set(["main", ...(accounts.ok ? accounts.value.keys() : [])]);
    const scope = await relayKeyScope(await relayKeyConfigOf(this.#env).mac, key, [...names]);
    return scope !== null && scope.market === this.#market ? scope : null;
  }
}
