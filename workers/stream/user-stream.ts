// One account's user data stream for one market (USDⓈ-M or COIN-M). The object owns Binance's listen key: it
// creates it when the first relay key is handed out, keeps it alive on its alarm (LISTEN_KEY_KEEPALIVE_MS),
// replaces it when Binance answers -1125 or announces listenKeyExpired, and closes it when no relay key is
// alive. It holds the upstream connections for that key (the market relay's pool: redundant, merged, renewed)
// and fans each event out to the relays whose clients hold a live relay key, as
// `{"stream":"<relay key>","data":<Binance's payload>}`. Binance's key never leaves this object.
// Relay keys: one per client (asked again, the client gets the same key, extended, as Binance does), lapsing
// RELAY_LISTEN_KEY_VALIDITY_MS after the last keepalive; a lapsed or revoked key gets Binance's listenKeyExpired
// event and its sockets are closed.
// Binance's key is kept by listen-key-keeper.ts (its lifecycle decided by shared/streams/listen-key-lifecycle.ts),
// relay keys by user-relay-keys.ts, the relays' sockets by user-feed-sockets.ts; this object wires them to the
// platform: requests, the relays' sockets and the alarm.

import { DurableObject } from "cloudflare:workers";
import type { RelayKeyScope } from "../../shared/auth/relay-key.ts";
import { nextUserWake } from "../../shared/streams/listen-key-lifecycle.ts";
import { type ListenKeyReply, userNotice } from "../../shared/streams/user-data.ts";
import {
  logLevelOf,
  type RelayKeyConfig,
  relayKeyConfigOf,
  relayOptionsOrNull,
  type UserStreamOptions,
  userStreamOptionsOf,
} from "../config/index.ts";
import type { GatewayEnv } from "../env.ts";
import { createLogger, type Logger } from "../log.ts";
import { AlarmClock } from "./alarm-clock.ts";
import { ListenKeyKeeper } from "./listen-key-keeper.ts";
import { answerClose } from "./socket-close.ts";
import { sendQuietly } from "./socket-send.ts";
import { FeedSockets } from "./user-feed-sockets.ts";
import { misconfigured } from "./user-keys.ts";
import { RelayKeys } from "./user-relay-keys.ts";
import { UserStorage } from "./user-storage.ts";

export class UserStream extends DurableObject<GatewayEnv> {
  readonly #log: Logger;
  readonly #storage: UserStorage;
  readonly #alarm: AlarmClock;
  readonly #feeds: FeedSockets;
  readonly #relayKeys: RelayKeys;
  readonly #keeper: ListenKeyKeeper;
  #scope: RelayKeyScope | null = null;

  constructor(ctx: DurableObjectState, env: GatewayEnv) {
    super(ctx, env);
    this.#log = createLogger(logLevelOf(env));
    this.#storage = new UserStorage(ctx.storage.sql);
    this.#alarm = new AlarmClock(ctx.storage);
    this.#feeds = new FeedSockets(ctx);
    this.#relayKeys = new RelayKeys(this.#storage, this.#feeds);
    this.#keeper = new ListenKeyKeeper({
      env,
      storage: this.#storage,
      feeds: this.#feeds,
      scope: () => this.#scope,
      userOptions: () => this.#userOptions(),
      wake: (at) => this.#alarm.wakeBy(at),
      schedule: (now) => this.#schedule(now),
      log: (level, msg, fields) => this.#log.log(level, msg, { ...this.#logFields(), ...fields }),
    });
    void ctx.blockConcurrencyWhile(async () => this.#restore());
  }

  async #restore(): Promise<void> {
    await this.#alarm.load();
    this.#scope = this.#storage.scope();
    if (this.#scope === null) return;
    const now = Date.now();
    if (this.#keeper.restore(now)) this.#schedule(now);
  }

  /** POST: the client's relay key (its live one, extended, or a new one); starts listening if needed. */
  open(scope: RelayKeyScope, client: string): Promise<ListenKeyReply> {
    return this.#keeper.serial(async () => {
      this.#adoptScope(scope);
      const options = this.#userOptions();
      if (options === null) return misconfigured();
      const failed = await this.#keeper.ensureListening();
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
    if (this.#relayKeys.revoke(client, key, now)) this.#keeper.stopIfUnused(now);
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
    if (this.#keeper.inGap) sendQuietly(pair[1], userNotice("reconnecting", now));
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
    if (this.#keeper.stopIfUnused(now)) return;
    await this.#keeper.tick(now);
    this.#schedule(Date.now());
  }

  #adoptScope(scope: RelayKeyScope): void {
    if (this.#scope !== null) return;
    this.#scope = scope;
    this.#storage.setScope(scope);
  }

  #schedule(now: number): void {
    const next = nextUserWake({
      keepaliveDue: this.#keeper.keepaliveDue,
      firstKeyExpiresAt: this.#storage.alive(now)[0]?.expiresAt ?? null,
      heartbeatAt: this.#keeper.connected
        ? now + (relayOptionsOrNull(this.env)?.heartbeatMs ?? 30_000)
        : null,
      retryAt: this.#keeper.nextRetryAt(),
    });
    if (next !== null) this.#alarm.wakeBy(next);
  }

  #userOptions(): UserStreamOptions | null {
    const options = userStreamOptionsOf(this.env);
    if (!options.ok) this.#log.log("error", "user stream misconfigured", { problem: options.error });
    return options.ok ? options.value : null;
  }

  #clients(): RelayKeyConfig {
    return relayKeyConfigOf(this.env);
  }

  #logFields(): Record<string, string> {
    return { account: this.#scope?.account ?? "", market: this.#scope?.market ?? "" };
  }
}
