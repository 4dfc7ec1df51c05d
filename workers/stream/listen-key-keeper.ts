// Binance's listen key inside a user stream object: the calls to Binance (create, keepalive, close) awaited one
// at a time, the upstream connections that listen on the key, and its events handed to the relays' feeds.
// What each answer means (keep alive, replace, back off, stop) is decided by the pure lifecycle in
// shared/streams/listen-key-lifecycle.ts; this carries out the actions it returns.

import type { RelayKeyScope } from "../../shared/auth/relay-key.ts";
import type { LogFields } from "../../shared/log-fields.ts";
import { combinedFrame, payloadOf } from "../../shared/streams/frames.ts";
import { type LifecycleAction, ListenKeyLifecycle } from "../../shared/streams/listen-key-lifecycle.ts";
import { eventTypeOf, type ListenKeyReply, userNotice } from "../../shared/streams/user-data.ts";
import { relayOptionsOrNull, type UserStreamOptions } from "../config/index.ts";
import type { GatewayEnv } from "../env.ts";
import { BinanceListenKey } from "./binance-listen-key.ts";
import type { UpstreamPool } from "./upstream-pool.ts";
import type { FeedSockets } from "./user-feed-sockets.ts";
import { misconfigured, unexpected } from "./user-keys.ts";
import type { UserStorage } from "./user-storage.ts";
import { userUpstream } from "./user-upstream.ts";

const DEFAULT_KEEPALIVE_MS = 1_800_000;

export interface KeeperSetup {
  readonly env: GatewayEnv;
  readonly storage: UserStorage;
  readonly feeds: FeedSockets;
  readonly scope: () => RelayKeyScope | null;
  readonly userOptions: () => UserStreamOptions | null;
  /** Makes sure the object's alarm fires no later than `at`. */
  readonly wake: (at: number) => void;
  /** Sets the alarm for everything the object waits for. */
  readonly schedule: (now: number) => void;
  readonly log: (level: "info" | "warn", msg: string, fields: LogFields) => void;
}

export class ListenKeyKeeper {
  readonly #setup: KeeperSetup;
  readonly #key: ListenKeyLifecycle;
  #pool: UpstreamPool | null = null;
  /** Listen-key operations run one at a time (they await Binance, and requests interleave meanwhile). */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(setup: KeeperSetup) {
    this.#setup = setup;
    this.#key = new ListenKeyLifecycle(
      { listenKey: setup.storage.listenKey(), keepaliveDue: setup.storage.keepaliveDue() },
      () => setup.userOptions()?.keepaliveMs ?? DEFAULT_KEEPALIVE_MS,
    );
  }

  /** Whether the relays were told of a gap not yet closed. */
  get inGap(): boolean {
    return this.#key.inGap;
  }

  get keepaliveDue(): number | null {
    return this.#key.keepaliveDue;
  }

  /** Whether upstream connections are open (their watchdog runs on the alarm). */
  get connected(): boolean {
    return (this.#pool?.connections.length ?? 0) > 0;
  }

  nextRetryAt(): number | null {
    return this.#pool?.nextRetryAt() ?? null;
  }

  /** Runs listen key operations one at a time, in the order asked. */
  serial<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(operation, operation);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** After a restart while listening: the upstream is rebuilt, and relays hear of the gap. True if listening. */
  restore(now: number): boolean {
    const actions = this.#key.restored();
    this.#run(actions, now);
    return actions.length > 0;
  }

  /** Gets Binance's listen key if there is none yet; the failure to pass on, or null. */
  async ensureListening(): Promise<ListenKeyReply | null> {
    if (this.#key.listenKey !== null) return null;
    const reply = await this.#binance()?.create();
    if (reply === undefined) return misconfigured();
    if (reply.kind !== "ok" || reply.listenKey === null)
      return reply.kind === "failed" ? reply : unexpected();
    const { listenKey } = reply;
    this.#step((now) => this.#key.created(listenKey, now));
    return null;
  }

  /** The alarm: the watchdog, and the keepalive when due (or another try at a key a replacement failed to get). */
  async tick(now: number): Promise<void> {
    this.#pool?.tick(now);
    if (!this.#key.isKeepaliveDue(now)) return;
    await this.serial(async () => {
      if (this.#key.listenKey !== null) return this.#keepalive();
      if ((await this.ensureListening()) !== null) this.#step((at) => this.#key.retryLater(at));
    });
  }

  /**
   * Stops everything (and closes the key at Binance) once no relay key is alive; true if none is. The stop waits
   * its turn behind listen key calls already under way (a POST that re-adopts the key must not be undone by a
   * DELETE queued before it) and checks again when its turn comes.
   */
  stopIfUnused(now: number): boolean {
    if (this.#setup.storage.alive(now).length > 0) return false;
    void this.serial(async () => {
      const at = Date.now();
      if (this.#setup.storage.alive(at).length > 0) return;
      const { actions, close } = this.#key.stop();
      this.#run(actions, at);
      if (close !== null) await this.#binance()?.close(close);
    });
    return true;
  }

  async #keepalive(): Promise<void> {
    const listenKey = this.#key.listenKey;
    if (listenKey === null) return;
    const reply = await this.#binance()?.keepAlive(listenKey);
    const now = Date.now();
    const outcome = this.#key.keptAlive(
      reply?.kind ?? "failed",
      reply?.kind === "failed" ? reply.status : 0,
      now,
    );
    if (outcome === "replace") return this.#replace("keepalive answered -1125");
    this.#run(outcome, now);
  }

  /** Replaces Binance's key if it is still the one in use when its turn comes. */
  #replaceIfCurrent(listenKey: string, why: string): void {
    void this.serial(() => (this.#key.listenKey === listenKey ? this.#replace(why) : Promise.resolve()));
  }

  /** Binance's key is gone (expired, -1125, refused): relays hear of the gap, and a new key is made. */
  async #replace(why: string): Promise<void> {
    const now = Date.now();
    const { actions, next } = this.#key.replacing(why, now);
    this.#run(actions, now);
    if (next === "wait") return;
    const reply = await this.#binance()?.create();
    const listenKey = reply?.kind === "ok" ? reply.listenKey : null;
    this.#step((at) => this.#key.replaced(listenKey, at));
  }

  /** An event from Binance: handled if it is about the key itself, else sent to every live relay key. */
  #forward(stream: string, text: string): void {
    if (stream !== this.#key.listenKey) return;
    const payload = payloadOf(text, stream);
    if (eventTypeOf(payload) === "listenKeyExpired") {
      this.#replaceIfCurrent(stream, "listenKeyExpired");
      return;
    }
    this.#key.eventArrived();
    for (const row of this.#setup.storage.alive(Date.now()))
      this.#setup.feeds.send(row.key, combinedFrame(row.key, payload));
  }

  /** Asks the lifecycle, at the time it is now, and carries out its answer. */
  #step(decide: (now: number) => readonly LifecycleAction[]): void {
    const now = Date.now();
    this.#run(decide(now), now);
  }

  #run(actions: readonly LifecycleAction[], now: number): void {
    const { storage, feeds } = this.#setup;
    for (const action of actions) {
      switch (action.kind) {
        case "save-key":
          storage.setListenKey(action.listenKey);
          break;
        case "save-due":
          storage.setKeepaliveDue(action.at);
          break;
        case "unlisten":
          this.#pool?.remove(action.listenKey, now);
          break;
        case "listen": {
          const pool = this.#poolOrNull();
          if (action.resumed) pool?.restore([action.listenKey], 0, now);
          else pool?.add(action.listenKey);
          break;
        }
        case "announce":
          feeds.broadcast(userNotice(action.notice, now));
          break;
        case "stop":
          this.#pool?.closeAll();
          break;
        case "schedule":
          this.#setup.schedule(now);
          break;
        case "log":
          this.#setup.log(action.level, action.msg, action.fields);
          break;
      }
    }
  }

  #poolOrNull(): UpstreamPool | null {
    const scope = this.#setup.scope();
    const options = relayOptionsOrNull(this.#setup.env);
    if (this.#pool !== null || scope === null || options === null) return this.#pool;
    this.#pool = userUpstream(scope, options, {
      forward: (stream, text) => this.#forward(stream, text),
      notify: (notice) => this.#step(() => this.#key.announce(notice)),
      refused: (listenKey) => this.#replaceIfCurrent(listenKey, "subscription refused"),
      wake: (at) => this.#setup.wake(at),
      log: (level, msg, fields) => this.#setup.log(level, msg, fields),
    });
    return this.#pool;
  }

  #binance(): BinanceListenKey | null {
    const scope = this.#setup.scope();
    const options = this.#setup.userOptions();
    return scope === null || options === null ? null : new BinanceListenKey(this.#setup.env, scope, options);
  }
}
