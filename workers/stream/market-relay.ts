// The market stream relay: one Durable Object per market holds the upstream connections to Binance and fans
// the frames out to any number of clients, who speak Binance's own stream protocol to it.
// Client sockets use the hibernation API ("ping" is answered with "pong" by the runtime without waking the
// object); their subscriptions live in SQLite (relay-storage.ts). The upstream connections cannot hibernate, so
// while there is an upstream the object keeps an alarm heartbeat, which also drives the watchdog, renewals and
// reconnects (no interval timers, which would keep the object from ever idling): if it is evicted, the next
// heartbeat restarts it and the upstream is rebuilt from the persisted stream set, while hibernated clients
// stay connected. Relay listen keys are subscriptions like streams, served by internal feeds from the account's
// user stream object (user-feeds.ts) instead of the sources.

import { DurableObject } from "cloudflare:workers";
import { looksLikeListenKey } from "../../shared/auth/relay-key.ts";
import type { Market } from "../../shared/catalog/types.ts";
import type { Result } from "../../shared/result.ts";
import {
  type ClientCommand,
  errorMessage,
  type ProtocolError,
  readClientMessage,
  resultMessage,
} from "../../shared/streams/client-protocol.ts";
import { MAX_BATCH_MS, readBatchWindow } from "../../shared/streams/frame-batches.ts";
import { admitClient, callerTag, PUBLIC_TAG } from "../../shared/streams/relay-admission.ts";
import { ADMISSION_HEADER, decodeAdmission } from "../../shared/streams/relay-connect.ts";
import { decideSubscribe, freshStreams, readSubscribe } from "../../shared/streams/relay-subscribe.ts";
import { splitKeys } from "../../shared/streams/stream-check.ts";
import { shareOf } from "../../shared/streams/stream-shares.ts";
import { refuseStream as refuse } from "../api/errors.ts";
import { logLevelOf, type RelayOptions, relayOptionsOf } from "../config/index.ts";
import type { GatewayEnv } from "../env.ts";
import { createLogger, type Logger } from "../log.ts";
import { AlarmClock } from "./alarm-clock.ts";
import { restoreClients } from "./client-attachment.ts";
import type { ClientAttachment, RelayClient } from "./relay-client.ts";
import { RelayClients, shareOfClient } from "./relay-clients.ts";
import { RelaySources } from "./relay-sources.ts";
import { RelayStorage } from "./relay-storage.ts";
import { answerClose } from "./socket-close.ts";
import { StreamAllowance } from "./stream-allowance.ts";

export class MarketRelay extends DurableObject<GatewayEnv> {
  readonly #log: Logger;
  readonly #storage: RelayStorage;
  readonly #clients: RelayClients;
  #market: Market | null = null;
  #options: RelayOptions | null = null;
  #sources: RelaySources | null = null;
  #allowance: StreamAllowance | null = null;
  readonly #chains = new WeakMap<WebSocket, Promise<void>>();
  readonly #alarm: AlarmClock;

  constructor(ctx: DurableObjectState, env: GatewayEnv) {
    super(ctx, env);
    this.#log = createLogger(logLevelOf(env));
    this.#storage = new RelayStorage(ctx.storage.sql);
    this.#clients = new RelayClients(this.#storage, { counted: (stream) => !looksLikeListenKey(stream) });
    this.#alarm = new AlarmClock(ctx.storage);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    void ctx.blockConcurrencyWhile(async () => this.#restore());
  }

  /** After a restart (deploy, eviction): reload the market, the clients and the upstream stream set. */
  async #restore(): Promise<void> {
    await this.#alarm.load();
    const market = this.#storage.market();
    if (market === null) return;
    const sources = this.#ensureSources(market);
    if (sources === null) return;
    restoreClients(this.ctx.getWebSockets(), this.#clients, this.#storage);
    sources.restore(this.#clients.streams(), this.#clients.size, Date.now());
  }

  override async fetch(request: Request): Promise<Response> {
    const admission = decodeAdmission(request.headers.get(ADMISSION_HEADER));
    if (admission === null) return new Response("relay: not admitted by the gateway", { status: 400 });
    const market = admission.market;
    // A framing preference, not a credential: read from the URL the gateway passed on as it came.
    const batch = readBatchWindow(new URL(request.url).searchParams.get("batch"));
    if (batch === undefined) return refuse(400, `batch must be 0 or 1 to ${MAX_BATCH_MS} (ms)`);
    const sources = this.#ensureSources(market);
    const options = this.#options;
    if (sources === null || options === null)
      return refuse(500, "relay misconfigured: check the BINANCE_*_WS_URL and RELAY_* vars");
    const streams = [...new Set(admission.streams)];
    const [keys, marketStreams] = splitKeys(streams);
    // First, as it may wait for exchangeInfo: nothing is awaited between the checks below and the accept.
    const unlisted = (await this.#allowance?.listing(marketStreams, this.#carried)) ?? null;
    const share = shareOf(admission.caller);
    const sockets = {
      all: this.ctx.getWebSockets().length,
      caller: this.ctx.getWebSockets(callerTag(admission.caller)).length,
      public: this.ctx.getWebSockets(PUBLIC_TAG).length,
    };
    const decision = admitClient(
      {
        market,
        caller: admission.caller,
        streams,
        sockets,
        overBacklog: this.#clients.overBacklog(share, () => new Set(this.ctx.getWebSockets())),
        noRoom: sources.roomFor(marketStreams),
        unlisted,
        overShare: this.#allowance?.share(share, marketStreams) ?? null,
      },
      options,
    );
    if (!decision.ok) return refuse(decision.error.status, decision.error.msg);
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    const state: ClientAttachment = {
      id: crypto.randomUUID(),
      client: admission.client,
      combined: admission.combined,
      relayEvents: admission.relayEvents,
      ...(batch !== null && batch > 0 ? { batch } : {}),
      ...(Object.keys(admission.events).length > 0 && keys.length > 0 ? { events: admission.events } : {}),
      ...(admission.keyOnly ? { keyOnly: true } : {}),
      share,
      caller: admission.caller.slice(0, 256),
    };
    this.ctx.acceptWebSocket(server, [...decision.value.tags]);
    this.#sources?.subscribe(this.#clients.add(server, state, streams));
    const headers = admission.protocol ? { "Sec-WebSocket-Protocol": admission.protocol } : undefined;
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const client = this.#clients.get(ws);
    const options = this.#options;
    if (client === undefined || options === null) return;
    const limits = {
      perClient: options.maxClientMessagesPerSecond,
      perCaller: options.maxCallerMessagesPerSecond,
      maxBytes: options.maxMessageBytes,
    };
    const meter = this.#clients.meter(client, limits, Date.now());
    if (meter === "abusive") {
      ws.close(1008, "Too many requests");
      return;
    }
    // One message at a time per client: a SUBSCRIBE that waits for a listen key's feed is answered, and takes
    // effect, before the client's next message is looked at.
    const previous = this.#chains.get(ws) ?? Promise.resolve();
    // A reply counts against the backlog too: a client that asks and never reads is no cheaper than a slow one.
    const next = previous.then(async () => {
      const reply = await this.#reply(client, readClientMessage(message, meter === "over", limits), options);
      this.#clients.reply(client, reply);
      this.#clients.watch(client, reply.length);
      // An UNSUBSCRIBE of its last key leaves a key-only socket no credential: it is closed as on revocation.
      this.#closeIfKeyless(client, "no listen key held");
    });
    this.#chains.set(
      ws,
      next.catch(() => undefined),
    );
    await next;
  }

  /** The answer to one client message: a result, or an error in Binance's shape. Nothing changes on an error. */
  async #reply(
    client: RelayClient,
    parsed: Result<ClientCommand, ProtocolError>,
    options: RelayOptions,
  ): Promise<string> {
    if (!parsed.ok) return errorMessage(parsed.error);
    const command = parsed.value;
    switch (command.kind) {
      case "subscribe":
        return this.#subscribe(client, command, options);
      case "unsubscribe":
        this.#sources?.unsubscribe(this.#clients.unsubscribe(client, command.streams));
        return resultMessage(command.id, "null");
      case "list":
        return resultMessage(command.id, JSON.stringify(client.streams));
      case "get-property": {
        const { combined, relayEvents, batch } = client.state;
        const value =
          command.property === "combined"
            ? combined
            : command.property === "batch"
              ? (batch ?? 0)
              : relayEvents;
        return resultMessage(command.id, String(value));
      }
      case "set-property":
        this.#clients.update(
          client,
          command.property === "batch"
            ? { batch: command.value }
            : command.property === "combined"
              ? { combined: command.value }
              : { relayEvents: command.value },
        );
        return resultMessage(command.id, "null");
    }
  }

  /** A SUBSCRIBE: the feeds and the listing are awaited first, then the pure decision is carried out. */
  async #subscribe(
    client: RelayClient,
    command: Extract<ClientCommand, { streams: readonly string[] }>,
    options: RelayOptions,
  ): Promise<string> {
    const request = readSubscribe(command.streams, client.streams);
    // A listen key must be a live relay key of this market (as Binance's must be alive): its feed opens
    // first; feeds opened for a SUBSCRIBE that then fails are closed again.
    const feedsOpened = (await this.#sources?.openFeeds(request.keys)) ?? true;
    const unlisted = (await this.#allowance?.listing(request.marketStreams, this.#carried)) ?? null;
    const { marketStreams } = freshStreams(request.wanted, client.streams);
    const outcome = decideSubscribe({
      id: command.id,
      market: this.#market ?? "um",
      request,
      held: client.streams,
      maxStreamsPerClient: options.maxStreamsPerClient,
      feedsOpened,
      unlisted,
      overShare: this.#allowance?.share(shareOfClient(client.state), marketStreams) ?? null,
      noRoom: this.#sources?.roomFor(marketStreams) ?? null,
      gone: this.#clients.get(client.ws) !== client,
      keysHeld: request.keys.filter(this.#carried),
    });
    if (outcome.subscribe !== null)
      this.#sources?.subscribe(this.#clients.subscribe(client, outcome.subscribe));
    for (const key of outcome.closeFeeds) this.#sources?.closeFeed(key);
    return outcome.reply;
  }

  /** Streams some client holds: carried upstream, known-good. */
  readonly #carried = (stream: string): boolean => this.#clients.isSubscribed(stream);

  /**
   * A client too far behind (itself, or its caller's sockets together) is closed (4008) and dropped at once, so
   * nothing more queues for it (what is queued is freed when the peer reads or goes away, and counts against its
   * caller until then). Unsubscribes wait for the fan-out.
   */
  #tooSlow(client: RelayClient, reason: string): void {
    const gone = this.#clients.delete(client.ws);
    this.#log.log("warn", "client too slow", { market: this.#market, backlog: client.ws.bufferedAmount });
    client.ws.close(4008, reason);
    queueMicrotask(() => this.#sources?.unsubscribe(gone));
  }

  /** The client's Close is answered with its code (clients such as Binance's Python connector wait for it). */
  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    answerClose(ws, code, reason);
    this.#sources?.unsubscribe(this.#clients.delete(ws));
    this.#clients.released(ws);
  }

  override webSocketError(ws: WebSocket): void {
    this.#sources?.unsubscribe(this.#clients.delete(ws));
    this.#clients.released(ws);
  }

  /**
   * The one clock of the relay: watchdog ticks and renewals every heartbeatMs while an upstream exists,
   * reconnects at their back-off time, and after an eviction the alarm brings the object back to rebuild.
   * Nothing else keeps timers, so between events the object is idle and may hibernate or be evicted safely.
   */
  override async alarm(): Promise<void> {
    this.#alarm.fired();
    this.#sources?.tick(Date.now());
  }

  #ensureSources(market: Market): RelaySources | null {
    if (this.#sources !== null) return this.#sources;
    const options = relayOptionsOf(this.env);
    if (!options.ok) {
      this.#log.log("error", "relay misconfigured", { problem: options.error });
      return null;
    }
    this.#market = market;
    this.#options = options.value;
    this.#storage.setMarket(market);
    const { maxClientBacklogBytes: perClient, maxCallerBacklogBytes: perCaller } = options.value;
    this.#clients.watchBacklog({ perClient, perCaller }, (client, bound) =>
      this.#tooSlow(
        client,
        bound === "client"
          ? `client too slow: over ${perClient} bytes unread`
          : `client too slow: its caller's sockets are over ${perCaller} bytes unread`,
      ),
    );
    this.#allowance = new StreamAllowance(this.env, market, options.value, this.#clients.shares, this.#log);
    this.#sources = new RelaySources(this.env, market, options.value, this.#storage, {
      forward: (stream, text) => this.#clients.forward(stream, text),
      notify: (notice, streams, now) => this.#clients.notify(notice, streams, now),
      refused: (stream, reason) => this.#onRefused(stream, reason),
      keyEnded: (key) => this.#keyEnded(key),
      wake: (at) => this.#alarm.wakeBy(at),
      log: (level, msg, fields) => this.#log.log(level, msg, { market, ...fields }),
    });
    return this.#sources;
  }

  /**
   * A relay key lapsed or was revoked: its clients lose it, and a socket admitted only by listen keys closes
   * when it holds none any more (its credential is gone).
   */
  #keyEnded(key: string): void {
    for (const client of this.#clients.drop(key)) this.#closeIfKeyless(client, "listen key ended");
  }

  #closeIfKeyless(client: RelayClient, reason: string): void {
    if (client.state.keyOnly !== true || client.streams.some(looksLikeListenKey)) return;
    if (this.#clients.get(client.ws) !== client) return;
    client.ws.close(4401, reason);
  }

  /** Binance refused a stream: its clients get Binance's error for it and lose the subscription. */
  #onRefused(stream: string, reason: string): void {
    const msg = `Invalid request: stream ${stream} refused by Binance (${reason})`;
    for (const client of this.#clients.drop(stream))
      this.#clients.reply(client, errorMessage({ code: 2, msg, id: "null" }));
  }
}
