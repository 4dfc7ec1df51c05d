// One account's user data stream for one market (USDⓈ-M or COIN-M). The object owns Binance's listen key: it
// creates it when the first relay key is handed out, keeps it alive on its alarm (LISTEN_KEY_KEEPALIVE_MS),
// replaces it when Binance answers -1125 or announces listenKeyExpired, and closes it when no relay key is
// alive. It holds the upstream connections for that key (the market relay's pool: redundant, merged, renewed)
// and fans each event out to the relays whose clients hold a live relay key, as
// `{"stream":"<relay key>","data":<Binance's payload>}`. Binance's key never leaves this object.
// Relay keys: one per client (asked again, the client gets the same key, extended, as Binance does), lapsing
// RELAY_LISTEN_KEY_VALIDITY_MS after the last keepalive; a lapsed or revoked key gets Binance's listenKeyExpired
// event and its sockets are closed.
// The listen key's lifecycle (when to keep it alive, replace it, back off, stop) is decided by
// shared/streams/listen-key-lifecycle.ts; this object awaits Binance, keeps the relay keys and carries out the
// actions the lifecycle returns.

import { DurableObject } from "cloudflare:workers";
import type { RelayKeyScope } from "../../shared/auth/relay-key.ts";
import { combinedFrame, payloadOf } from "../../shared/streams/frames.ts";
import {
  type LifecycleAction,
  ListenKeyLifecycle,
  nextUserWake,
} from "../../shared/streams/listen-key-lifecycle.ts";
import { eventTypeOf, type ListenKeyReply, userNotice } from "../../shared/streams/user-data.ts";
import type { GatewayEnv } from "../env.ts";
import { createLogger, type Logger } from "../log.ts";
import { AlarmClock } from "./alarm-clock.ts";
import { BinanceListenKey } from "./binance-listen-key.ts";
import { readUserStreamOptions, relayOptionsOrNull, type UserStreamOptions } from "./config.ts";
import { answerClose } from "./socket-close.ts";
import { sendQuietly } from "./socket-send.ts";
import type { UpstreamPool } from "./upstream-pool.ts";
import { FeedSockets } from "./user-feed-sockets.ts";
import { misconfigured, unexpected } from "./user-keys.ts";
import { RelayKeys } from "./user-relay-keys.ts";
import { UserStorage } from "./user-storage.ts";
import { userUpstream } from "./user-upstream.ts";

const DEFAULT_KEEPALIVE_MS = 1_800_000;

export class UserStream extends DurableObject<GatewayEnv> {
  readonly #log: Logger;
  readonly #storage: UserStorage;
  readonly #alarm: AlarmClock;
  readonly #key: ListenKeyLifecycle;
  readonly #feeds: FeedSockets;
  readonly #relayKeys: RelayKeys;
  #scope: RelayKeyScope | null = null;
  #pool: UpstreamPool | null = null;
  /** Listen-key operations run one at a time (they await Binance, and requests interleave meanwhile). */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: GatewayEnv) {
    super(ctx, env);
    this.#log = createLogger(env.LOG_LEVEL);
    this.#storage = new UserStorage(ctx.storage.sql);
    this.#alarm = new AlarmClock(ctx.storage);
    this.#feeds = new FeedSockets(ctx);
    this.#relayKeys = new RelayKeys(this.#storage, this.#feeds);
    this.#key = new ListenKeyLifecycle(
      { listenKey: this.#storage.listenKey(), keepaliveDue: this.#storage.keepaliveDue() },
      () => this.#userOptions()?.keepaliveMs ?? DEFAULT_KEEPALIVE_MS,
    );
    void ctx.blockConcurrencyWhile(async () => this.#restore());
  }

  async #restore(): Promise<void> {
    await this.#alarm.load();
    this.#scope = this.#storage.scope();
    if (this.#scope === null) return;
    const now = Date.now();
    const actions = this.#key.restored();
    if (actions.length === 0) return;
    this.#run(actions, now);
    this.#schedule(now);
  }

  /** POST: the client's relay key (its live one, extended, or a new one); starts listening if needed. */
  open(scope: RelayKeyScope, client: string): Promise<ListenKeyReply> {
    return this.#serial(async () => {
      this.#adoptScope(scope);
      const options = this.#userOptions();
      if (options === null) return misconfigured();
      const failed = await this.#ensureListening();
      if (failed !== null) return failed;
      const now = Date.now();
      const key = await this.#relayKeys.issue(
        scope,
        client,
        options.relayKeyValidityMs,
        this.#clients(),
        now,
      );
      this.#schedule(now);
      return { kind: "ok", listenKey: key };
    });
  }

  /** PUT: extends the client's key (the one named, or its live one). */
  keepAlive(scope: RelayKeyScope, client: string, key: string | null): ListenKeyReply {
    this.#adoptScope(scope);
    const options = this.#userOptions();
    if (options === null) return misconfigured();
    const now = Date.now();
    const extended = this.#relayKeys.extend(client, key, options.relayKeyValidityMs, now);
    if (extended === null) return { kind: "missing" };
    this.#schedule(now);
    return { kind: "ok", listenKey: extended };
  }

  /** DELETE: revokes the client's key (the one named, or its live one); its sockets get listenKeyExpired. */
  close(scope: RelayKeyScope, client: string, key: string | null): ListenKeyReply {
    this.#adoptScope(scope);
    const now = Date.now();
    if (this.#relayKeys.revoke(client, key, now)) this.#stopIfUnused(now);
    return { kind: "ok", listenKey: null };
  }

  /** Whose a relay key is, if it is alive. */
  holder(key: string): string | null {
    return this.#storage.find(key, Date.now())?.client ?? null;
  }

  /** A relay's socket for one relay key (the relay checked who may connect; this checks the key is alive). */
  override async fetch(request: Request): Promise<Response> {
    const key = request.headers.get("X-Relay-Key") ?? "";
    const now = Date.now();
    if (this.#storage.find(key, now) === null) return new Response("listen key not alive", { status: 410 });
    const pair = new WebSocketPair();
    this.#feeds.accept(pair[1], key);
    if (this.#key.inGap) sendQuietly(pair[1], userNotice("reconnecting", now));
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override webSocketMessage(): void {
    // Relays only listen.
  }

  /** A relay closed its feed (no client holds the key any more): its Close is answered. */
  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    answerClose(ws, code, reason);
  }

  override async alarm(): Promise<void> {
    this.#alarm.fired();
    const now = Date.now();
    this.#relayKeys.expire(now);
    if (this.#scope !== null) await this.#relayKeys.endUnauthorized(this.#scope, this.#clients(), now);
    if (this.#stopIfUnused(now)) return;
    this.#pool?.tick(now);
    if (this.#key.isKeepaliveDue(now)) {
      await this.#serial(async () => {
        if (this.#key.listenKey !== null) return this.#keepalive();
        // A replacement failed earlier: try again to get a key.
        if ((await this.#ensureListening()) !== null) this.#step((now) => this.#key.retryLater(now));
      });
    }
    this.#schedule(Date.now());
  }

  #adoptScope(scope: RelayKeyScope): void {
    if (this.#scope !== null) return;
    this.#scope = scope;
    this.#storage.setScope(scope);
  }

  #serial<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(operation, operation);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Gets Binance's listen key if there is none yet; the failure to pass on, or null. */
  async #ensureListening(): Promise<ListenKeyReply | null> {
    if (this.#key.listenKey !== null) return null;
    const reply = await this.#binance()?.create();
    if (reply === undefined) return misconfigured();
    if (reply.kind !== "ok" || reply.listenKey === null)
      return reply.kind === "failed" ? reply : unexpected();
    const { listenKey } = reply;
    this.#step((now) => this.#key.created(listenKey, now));
    return null;
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
    void this.#serial(() => (this.#key.listenKey === listenKey ? this.#replace(why) : Promise.resolve()));
  }

  /** Binance's key is gone (expired, -1125, refused): relays hear of the gap, and a new key is made. */
  async #replace(why: string): Promise<void> {
    const now = Date.now();
    const { actions, next } = this.#key.replacing(why, now);
    this.#run(actions, now);
    if (next === "wait") return;
    const reply = await this.#binance()?.create();
    const listenKey = reply?.kind === "ok" ? reply.listenKey : null;
    this.#step((now) => this.#key.replaced(listenKey, now));
  }

  /**
   * Stops everything once no relay key is alive; true if none is. The stop itself waits its turn behind listen
   * key calls already under way (a POST that re-adopts the key must not be undone by a DELETE queued before it)
   * and checks again when its turn comes.
   */
  #stopIfUnused(now: number): boolean {
    if (this.#storage.alive(now).length > 0) return false;
    void this.#serial(async () => {
      const at = Date.now();
      if (this.#storage.alive(at).length > 0) return;
      const { actions, close } = this.#key.stop();
      this.#run(actions, at);
      if (close !== null) await this.#binance()?.close(close);
    });
    return true;
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
    for (const row of this.#storage.alive(Date.now()))
      this.#feeds.send(row.key, combinedFrame(row.key, payload));
  }

  /** Asks the listen key's lifecycle, at the time it is now, and carries out its answer. */
  #step(decide: (now: number) => readonly LifecycleAction[]): void {
    const now = Date.now();
    this.#run(decide(now), now);
  }

  /** Carries out what the listen key's lifecycle decided. */
  #run(actions: readonly LifecycleAction[], now: number): void {
    for (const action of actions) {
      switch (action.kind) {
        case "save-key":
          this.#storage.setListenKey(action.listenKey);
          break;
        case "save-due":
          this.#storage.setKeepaliveDue(action.at);
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
          this.#feeds.broadcast(userNotice(action.notice, now));
          break;
        case "stop":
          this.#pool?.closeAll();
          break;
        case "schedule":
          this.#schedule(now);
          break;
        case "log":
          this.#log.log(action.level, action.msg, { ...this.#logFields(), ...action.fields });
          break;
      }
    }
  }

  #schedule(now: number): void {
    const pool = this.#pool;
    const next = nextUserWake({
      keepaliveDue: this.#key.keepaliveDue,
      firstKeyExpiresAt: this.#storage.alive(now)[0]?.expiresAt ?? null,
      heartbeatAt:
        pool !== null && pool.connections.length > 0
          ? now + (relayOptionsOrNull(this.env)?.heartbeatMs ?? 30_000)
          : null,
      retryAt: pool?.nextRetryAt() ?? null,
    });
    if (next !== null) this.#alarm.wakeBy(next);
  }

  #poolOrNull(): UpstreamPool | null {
    const scope = this.#scope;
    const options = relayOptionsOrNull(this.env);
    if (this.#pool !== null || scope === null || options === null) return this.#pool;
    this.#pool = userUpstream(scope, options, {
      forward: (stream, text) => this.#forward(stream, text),
      notify: (notice) => this.#step(() => this.#key.announce(notice)),
      refused: (listenKey) => this.#replaceIfCurrent(listenKey, "subscription refused"),
      wake: (at) => this.#alarm.wakeBy(at),
      log: (level, msg, fields) => this.#log.log(level, msg, { ...this.#logFields(), ...fields }),
    });
    return this.#pool;
  }

  #userOptions(): UserStreamOptions | null {
    const options = readUserStreamOptions(this.env);
    if (!options.ok) this.#log.log("error", "user stream misconfigured", { problem: options.error });
    return options.ok ? options.value : null;
  }

  #binance(): BinanceListenKey | null {
    const scope = this.#scope;
    const options = this.#userOptions();
    return scope === null || options === null
      ? null
      : new BinanceListenKey(this.env, scope, options.locationHint);
  }

  #clients(): string {
    return this.env.GATEWAY_CLIENTS ?? "";
  }

  #logFields(): Record<string, string> {
    return { account: this.#scope?.account ?? "", market: this.#scope?.market ?? "" };
  }
}
