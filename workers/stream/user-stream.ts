// One account's user data stream for one market (USDⓈ-M or COIN-M). The object owns Binance's listen key: it
// creates it when the first relay key is handed out, keeps it alive on its alarm (LISTEN_KEY_KEEPALIVE_MS),
// replaces it when Binance answers -1125 or announces listenKeyExpired, and closes it when no relay key is
// alive. It holds the upstream connections for that key (the market relay's pool: redundant, merged, renewed)
// and fans each event out to the relays whose clients hold a live relay key, as
// `{"stream":"<relay key>","data":<Binance's payload>}`. Binance's key never leaves this object.
// Relay keys: one per client (asked again, the client gets the same key, extended, as Binance does), lapsing
// RELAY_LISTEN_KEY_VALIDITY_MS after the last keepalive; a lapsed or revoked key gets Binance's listenKeyExpired
// event and its sockets are closed.

import { DurableObject } from "cloudflare:workers";
import { mintRelayKey, type RelayKeyScope, relayKeyMac, relayKeyScope } from "../../shared/auth/relay-key.ts";
import { combinedFrame, payloadOf } from "../../shared/streams/frames.ts";
import {
  eventTypeOf,
  KEY_ENDED,
  type ListenKeyReply,
  listenKeyExpiredEvent,
  userNotice,
} from "../../shared/streams/user-data.ts";
import {
  logLevelOf,
  relayOptionsOrNull,
  type UserStreamOptions,
  userStreamOptionsOf,
} from "../config/index.ts";
import type { GatewayEnv } from "../env.ts";
import { createLogger, type Logger } from "../log.ts";
import { AlarmClock } from "./alarm-clock.ts";
import { BinanceListenKey } from "./binance-listen-key.ts";
import { answerClose } from "./socket-close.ts";
import { sendQuietly } from "./socket-send.ts";
import { UpstreamPool } from "./upstream-pool.ts";
import { misconfigured, unauthorizedKeys, unexpected } from "./user-keys.ts";
import { UserStorage } from "./user-storage.ts";

const KEEPALIVE_RETRY_MS = 60_000;
const REPLACE_BACKOFF_MS = 1000;

export class UserStream extends DurableObject<GatewayEnv> {
  readonly #log: Logger;
  readonly #storage: UserStorage;
  readonly #alarm: AlarmClock;
  #scope: RelayKeyScope | null = null;
  #pool: UpstreamPool | null = null;
  #listenKey: string | null = null;
  #keepaliveDue: number | null = null;
  #keepaliveFailures = 0;
  /** Replacements since an event last arrived: more than one in a row waits, growing (Binance kept refusing). */
  #replacements = 0;
  /** Relays were told "reconnecting" and not yet "reconnected". */
  #gap = false;
  /** Listen-key operations run one at a time (they await Binance, and requests interleave meanwhile). */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: GatewayEnv) {
    super(ctx, env);
    this.#log = createLogger(logLevelOf(env));
    this.#storage = new UserStorage(ctx.storage.sql);
    this.#alarm = new AlarmClock(ctx.storage);
    void ctx.blockConcurrencyWhile(async () => this.#restore());
  }

  async #restore(): Promise<void> {
    await this.#alarm.load();
    this.#scope = this.#storage.scope();
    this.#listenKey = this.#storage.listenKey();
    this.#keepaliveDue = this.#storage.keepaliveDue();
    if (this.#listenKey === null || this.#scope === null) return;
    // Restarted (deploy, eviction) while listening: the upstream is rebuilt, and relays hear of the gap.
    this.#announce("reconnecting");
    this.#poolOrNull()?.restore([this.#listenKey], 0, Date.now());
    this.#schedule();
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
      const mac = await relayKeyMac(this.#clients());
      let key = this.#storage.keyOf(client, now)?.key ?? null;
      if (key !== null && (await relayKeyScope(mac, key, [scope.account]))?.market !== scope.market) {
        // Minted under an earlier GATEWAY_CLIENTS: the gateway no longer accepts it, so it ends here too.
        this.#storage.revoke(key);
        this.#end(key, now, "listen key no longer valid");
        key = null;
      }
      key ??= await mintRelayKey(mac, scope);
      this.#storage.put({ key, client, expiresAt: now + options.relayKeyValidityMs });
      this.#schedule();
      return { kind: "ok", listenKey: key };
    });
  }

  /** PUT: extends the client's key (the one named, or its live one). */
  keepAlive(scope: RelayKeyScope, client: string, key: string | null): ListenKeyReply {
    this.#adoptScope(scope);
    const options = this.#userOptions();
    if (options === null) return misconfigured();
    const now = Date.now();
    const row = key === null ? this.#storage.keyOf(client, now) : this.#storage.find(key, now);
    if (row === null || row.client !== client) return { kind: "missing" };
    this.#storage.put({ ...row, expiresAt: now + options.relayKeyValidityMs });
    this.#schedule();
    return { kind: "ok", listenKey: row.key };
  }

  /** DELETE: revokes the client's key (the one named, or its live one); its sockets get listenKeyExpired. */
  close(scope: RelayKeyScope, client: string, key: string | null): ListenKeyReply {
    this.#adoptScope(scope);
    const now = Date.now();
    const row = key === null ? this.#storage.keyOf(client, now) : this.#storage.find(key, now);
    if (row !== null && row.client === client) {
      this.#storage.revoke(row.key);
      this.#end(row.key, now, "listen key revoked");
      this.#stopIfUnused(now);
    }
    return { kind: "ok", listenKey: null };
  }

  /** Whose a relay key is, if it is alive. */
  holder(key: string): string | null {
    return this.#storage.find(key, Date.now())?.client ?? null;
  }

  /** A relay's socket for one relay key (the relay checked who may connect; this checks the key is alive). */
  override async fetch(request: Request): Promise<Response> {
    const key = request.headers.get("X-Relay-Key") ?? "";
    if (this.#storage.find(key, Date.now()) === null)
      return new Response("listen key not alive", { status: 410 });
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1], [`key:${key}`]);
    if (this.#gap) sendQuietly(pair[1], userNotice("reconnecting", Date.now()));
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
    for (const row of this.#storage.takeExpired(now)) this.#end(row.key, now, "listen key expired");
    await this.#endUnauthorized(now);
    if (this.#stopIfUnused(now)) return;
    this.#pool?.tick(now);
    if (this.#keepaliveDue !== null && this.#keepaliveDue <= now) {
      await this.#serial(async () => {
        if (this.#listenKey !== null) return this.#keepalive();
        // A replacement failed earlier: try again to get a key.
        if ((await this.#ensureListening()) !== null) this.#retryLater();
      });
    }
    this.#schedule();
  }

  /**
   * Ends keys whose holder left GATEWAY_CLIENTS, lost the stream scope or moved account, and keys minted under
   * an earlier GATEWAY_CLIENTS (the gateway refuses those already): open feeds do not outlive the access.
   */
  async #endUnauthorized(now: number): Promise<void> {
    const scope = this.#scope;
    if (scope === null) return;
    for (const key of await unauthorizedKeys(this.#storage.alive(now), scope, this.#clients())) {
      this.#storage.revoke(key);
      this.#end(key, now, "listen key no longer authorized");
    }
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
    if (this.#listenKey !== null) return null;
    const reply = await this.#binance()?.create();
    if (reply === undefined) return misconfigured();
    if (reply.kind !== "ok" || reply.listenKey === null)
      return reply.kind === "failed" ? reply : unexpected();
    this.#adopt(reply.listenKey);
    return null;
  }

  /** Starts listening on a (new) Binance key, replacing the old one upstream. */
  #adopt(listenKey: string): void {
    const old = this.#listenKey;
    const options = this.#userOptions();
    this.#listenKey = listenKey;
    this.#storage.setListenKey(listenKey);
    this.#keepaliveDue = Date.now() + (options?.keepaliveMs ?? 1_800_000);
    this.#storage.setKeepaliveDue(this.#keepaliveDue);
    this.#keepaliveFailures = 0;
    const pool = this.#poolOrNull();
    if (old !== null && old !== listenKey) pool?.remove(old, Date.now());
    // After an announced gap the new connection must be reported back ("reconnected"): restore does that.
    if (this.#gap) pool?.restore([listenKey], 0, Date.now());
    else pool?.add(listenKey);
  }

  async #keepalive(): Promise<void> {
    const listenKey = this.#listenKey;
    if (listenKey === null) return;
    const reply = await this.#binance()?.keepAlive(listenKey);
    if (reply?.kind === "ok") {
      this.#keepaliveFailures = 0;
      this.#replacements = 0;
      this.#keepaliveDue = Date.now() + (this.#userOptions()?.keepaliveMs ?? 1_800_000);
      this.#storage.setKeepaliveDue(this.#keepaliveDue);
      return;
    }
    if (reply?.kind === "missing") return this.#replace("keepalive answered -1125");
    // Binance did not answer (or refused for now): the key stays valid for up to an hour, so try again soon.
    this.#keepaliveFailures++;
    this.#keepaliveDue =
      Date.now() + Math.min(KEEPALIVE_RETRY_MS * this.#keepaliveFailures, 5 * KEEPALIVE_RETRY_MS);
    this.#storage.setKeepaliveDue(this.#keepaliveDue);
    this.#log.log("warn", "listen key keepalive failed", {
      ...this.#logFields(),
      status: reply?.kind === "failed" ? reply.status : 0,
    });
  }

  /** Binance's key is gone (expired, -1125, refused): relays hear of the gap, and a new key is made. */
  async #replace(why: string): Promise<void> {
    this.#log.log("warn", "listen key replaced", { ...this.#logFields(), why });
    this.#announce("reconnecting");
    this.#replacements++;
    const old = this.#listenKey;
    if (this.#replacements > 1) {
      // Replaced moments ago and still failing: wait before asking Binance again.
      if (old !== null) this.#pool?.remove(old, Date.now());
      this.#listenKey = null;
      this.#storage.setListenKey(null);
      this.#retryLater(Math.min(REPLACE_BACKOFF_MS * 2 ** (this.#replacements - 2), KEEPALIVE_RETRY_MS * 5));
      return;
    }
    const reply = await this.#binance()?.create();
    if (reply?.kind === "ok" && reply.listenKey !== null) {
      if (old !== null) this.#pool?.remove(old, Date.now());
      this.#listenKey = null;
      this.#adopt(reply.listenKey);
      return;
    }
    // Try again on the alarm; meanwhile there is no key to listen on.
    if (old !== null) this.#pool?.remove(old, Date.now());
    this.#listenKey = null;
    this.#storage.setListenKey(null);
    this.#retryLater();
  }

  #retryLater(delayMs = KEEPALIVE_RETRY_MS): void {
    this.#keepaliveDue = Date.now() + delayMs;
    this.#storage.setKeepaliveDue(this.#keepaliveDue);
    this.#schedule();
  }

  /**
   * Stops everything once no relay key is alive; true if none is. The stop itself waits its turn behind listen
   * key calls already under way (a POST that re-adopts the key must not be undone by a DELETE queued before it)
   * and checks again when its turn comes.
   */
  #stopIfUnused(now: number): boolean {
    if (this.#storage.alive(now).length > 0) return false;
    void this.#serial(async () => {
      if (this.#storage.alive(Date.now()).length > 0) return;
      const listenKey = this.#listenKey;
      this.#pool?.closeAll();
      this.#listenKey = null;
      this.#keepaliveDue = null;
      this.#replacements = 0;
      this.#storage.setListenKey(null);
      if (listenKey === null) return;
      this.#log.log("info", "listen key closed", this.#logFields());
      await this.#binance()?.close(listenKey);
    });
    return true;
  }

  /** Tells the relays holding a relay key that it ended, and closes their sockets. */
  #end(key: string, now: number, why: string): void {
    const frame = combinedFrame(key, listenKeyExpiredEvent(key, now));
    for (const ws of this.ctx.getWebSockets(`key:${key}`)) {
      try {
        ws.send(frame);
        ws.close(KEY_ENDED, why);
      } catch {
        // Already closing.
      }
    }
  }

  /** An event from Binance: handled if it is about the key itself, else sent to every live relay key. */
  #forward(stream: string, text: string): void {
    if (stream !== this.#listenKey) return;
    const payload = payloadOf(text, stream);
    if (eventTypeOf(payload) === "listenKeyExpired") {
      void this.#serial(() =>
        this.#listenKey === stream ? this.#replace("listenKeyExpired") : Promise.resolve(),
      );
      return;
    }
    this.#replacements = 0;
    for (const row of this.#storage.alive(Date.now())) {
      const frame = combinedFrame(row.key, payload);
      for (const ws of this.ctx.getWebSockets(`key:${row.key}`)) sendQuietly(ws, frame);
    }
  }

  #announce(notice: string): void {
    if (notice === "reconnecting") this.#gap = true;
    if (notice === "reconnected") this.#gap = false;
    this.#broadcast(userNotice(notice, Date.now()));
  }

  #broadcast(frame: string): void {
    for (const ws of this.ctx.getWebSockets()) sendQuietly(ws, frame);
  }

  #schedule(): void {
    const now = Date.now();
    const times = [
      this.#keepaliveDue ?? Number.POSITIVE_INFINITY,
      this.#storage.alive(now)[0]?.expiresAt ?? Number.POSITIVE_INFINITY,
    ];
    if (this.#pool !== null && this.#pool.connections.length > 0)
      times.push(now + (relayOptionsOrNull(this.env)?.heartbeatMs ?? 30_000));
    const retryAt = this.#pool?.nextRetryAt();
    if (retryAt !== undefined && retryAt !== null) times.push(retryAt);
    const next = Math.min(...times);
    if (Number.isFinite(next)) this.#alarm.wakeBy(next);
  }

  #poolOrNull(): UpstreamPool | null {
    if (this.#pool !== null) return this.#pool;
    const scope = this.#scope;
    const options = relayOptionsOrNull(this.env);
    if (scope === null || options === null) return null;
    const path = scope.market === "um" ? "/private/stream" : "/stream";
    this.#pool = new UpstreamPool(
      scope.market,
      options,
      {
        forward: (stream, text) => this.#forward(stream, text),
        notify: (notice) => this.#announce(notice),
        refused: (stream) => {
          void this.#serial(() =>
            this.#listenKey === stream ? this.#replace("subscription refused") : Promise.resolve(),
          );
        },
        wake: (at) => this.#alarm.wakeBy(at),
        backoff: () => undefined,
        // The pool names streams in its logs: here a stream is Binance's listen key, which is never logged.
        log: (level, msg, fields) => {
          const { stream: _stream, ...rest } = fields;
          this.#log.log(level, msg, { ...this.#logFields(), ...rest });
        },
      },
      // User data comes in flurries (an order's fills, then nothing for hours): never judged a stall.
      { pathOf: () => path, noticeStalls: false },
    );
    return this.#pool;
  }

  #userOptions(): UserStreamOptions | null {
    const options = userStreamOptionsOf(this.env);
    if (!options.ok) this.#log.log("error", "user stream misconfigured", { problem: options.error });
    return options.ok ? options.value : null;
  }

  #binance(): BinanceListenKey | null {
    const scope = this.#scope;
    const options = this.#userOptions();
    return scope === null || options === null ? null : new BinanceListenKey(this.env, scope, options);
  }

  #clients(): string {
    return this.env.GATEWAY_CLIENTS ?? "";
  }

  #logFields(): Record<string, string> {
    return { account: this.#scope?.account ?? "", market: this.#scope?.market ?? "" };
  }
}
