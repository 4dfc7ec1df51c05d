// The market stream relay: one Durable Object per market holds the upstream connections to Binance and fans
// the frames out to any number of clients, who speak Binance's own stream protocol to it.
// Client sockets use the hibernation API (subscriptions live in their attachments; "ping" is answered with
// "pong" by the runtime without waking the object). The upstream connections cannot hibernate, so the object
// keeps an alarm heartbeat, which also drives the watchdog, renewals and reconnects (no interval timers, which
// would keep the object from ever idling): if it is evicted, the next heartbeat restarts it and the upstream
// is rebuilt from the stream set persisted in SQLite, while hibernated clients stay connected.

import { DurableObject } from "cloudflare:workers";
import type { Market } from "../../shared/catalog/types.ts";
import { errorMessage, parseClientMessage, resultMessage } from "../../shared/streams/client-protocol.ts";
import type { GatewayEnv } from "../env.ts";
import { createLogger, type Logger } from "../log.ts";
import { type RelayOptions, readRelayOptions } from "./config.ts";
import { type ClientAttachment, type RelayClient, RelayClients, send } from "./relay-clients.ts";
import { invalidStreams } from "./stream-check.ts";
import { UpstreamPool } from "./upstream-pool.ts";

export class MarketRelay extends DurableObject<GatewayEnv> {
  readonly #log: Logger;
  readonly #clients = new RelayClients();
  #market: Market | null = null;
  #options: RelayOptions | null = null;
  #pool: UpstreamPool | null = null;

  constructor(ctx: DurableObjectState, env: GatewayEnv) {
    super(ctx, env);
    this.#log = createLogger(env.LOG_LEVEL);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    void ctx.blockConcurrencyWhile(async () => this.#restore());
  }

  /** After a restart (deploy, eviction): reload the market, the clients and the upstream stream set. */
  #restore(): void {
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    sql.exec("CREATE TABLE IF NOT EXISTS streams (name TEXT PRIMARY KEY)");
    const market = sql
      .exec<{ value: string }>("SELECT value FROM meta WHERE key = 'market'")
      .toArray()[0]?.value;
    if (market !== "um" && market !== "cm") return;
    const pool = this.#ensurePool(market);
    if (pool === null) return;
    const persisted = sql
      .exec<{ name: string }>("SELECT name FROM streams")
      .toArray()
      .map((row) => row.name);
    for (const ws of this.ctx.getWebSockets()) {
      const attachment = ws.deserializeAttachment() as ClientAttachment | null;
      if (attachment !== null) this.#clients.add(ws, attachment);
    }
    const wanted = new Set(this.#clients.streams());
    for (const stream of persisted) if (!wanted.has(stream)) this.#forget([stream]);
    if (wanted.size === 0) return;
    this.#log.log("warn", "relay restored", { market, clients: this.#clients.size, streams: wanted.size });
    this.#clients.notify("reconnecting", [...wanted], Date.now());
    pool.restore([...wanted]);
    this.#wake();
  }

  override async fetch(request: Request): Promise<Response> {
    const market = request.headers.get("X-Relay-Market");
    if (market !== "um" && market !== "cm") return new Response("relay: missing market", { status: 400 });
    const pool = this.#ensurePool(market);
    const options = this.#options;
    if (pool === null || options === null)
      return refuse(500, "relay misconfigured: check the BINANCE_*_WS_URL and RELAY_* vars");
    if (this.ctx.getWebSockets().length >= options.maxClients)
      return refuse(503, `relay full: at most ${options.maxClients} clients`);
    const streams = JSON.parse(request.headers.get("X-Relay-Streams") ?? "[]") as string[];
    const bad = invalidStreams(market, streams, options.maxStreamsPerClient);
    if (bad !== null) return refuse(400, bad);
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    const state: ClientAttachment = {
      client: request.headers.get("X-Relay-Client") ?? "anonymous",
      combined: request.headers.get("X-Relay-Combined") === "1",
      relayEvents: request.headers.get("X-Relay-Events") === "1",
      streams,
    };
    this.ctx.acceptWebSocket(server, [`client:${state.client}`.slice(0, 256)]);
    this.#subscribeUpstream(this.#clients.add(server, state));
    const protocol = request.headers.get("X-Relay-Protocol");
    const headers = protocol ? { "Sec-WebSocket-Protocol": protocol } : undefined;
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    const client = this.#clients.get(ws);
    const options = this.#options;
    if (client === undefined || options === null) return;
    const meter = this.#clients.meter(client, options.maxClientMessagesPerSecond, Date.now());
    if (meter === "abusive") {
      ws.close(1008, "Too many requests");
      return;
    }
    send(client, this.#reply(client, message, meter === "over", options));
  }

  /** The answer to one client message: a result, or an error in Binance's shape. */
  #reply(
    client: RelayClient,
    message: string | ArrayBuffer,
    overBudget: boolean,
    options: RelayOptions,
  ): string {
    const invalid = (msg: string, id = "null") =>
      errorMessage({ code: 2, msg: `Invalid request: ${msg}`, id });
    if (overBudget)
      return invalid(`too many messages: at most ${options.maxClientMessagesPerSecond} per second`);
    if (typeof message !== "string") return invalid("binary frames are not understood");
    if (message.length > options.maxMessageBytes)
      return invalid(`message larger than ${options.maxMessageBytes} bytes`);
    const parsed = parseClientMessage(message);
    if (!parsed.ok) return errorMessage(parsed.error);
    const command = parsed.value;
    switch (command.kind) {
      case "subscribe": {
        const fresh = command.streams.filter((s) => !client.state.streams.includes(s));
        const capacity = options.maxStreamsPerClient - client.state.streams.length;
        const bad = invalidStreams(this.#market ?? "um", fresh, capacity);
        if (bad !== null) return invalid(bad, command.id);
        this.#subscribeUpstream(this.#clients.subscribe(client, fresh));
        return resultMessage(command.id, "null");
      }
      case "unsubscribe":
        this.#unsubscribeUpstream(this.#clients.unsubscribe(client, command.streams));
        return resultMessage(command.id, "null");
      case "list":
        return resultMessage(command.id, JSON.stringify(client.state.streams));
      case "get-property": {
        const value = command.property === "combined" ? client.state.combined : client.state.relayEvents;
        return resultMessage(command.id, String(value));
      }
      case "set-property":
        this.#clients.update(
          client,
          command.property === "combined" ? { combined: command.value } : { relayEvents: command.value },
        );
        return resultMessage(command.id, "null");
    }
  }

  override webSocketClose(ws: WebSocket): void {
    this.#unsubscribeUpstream(this.#clients.delete(ws));
  }

  override webSocketError(ws: WebSocket): void {
    this.#unsubscribeUpstream(this.#clients.delete(ws));
  }

  /**
   * The one clock of the relay: watchdog ticks and renewals every heartbeatMs while there is anything to watch,
   * reconnects at their back-off time, and after an eviction the alarm brings the object back to rebuild.
   * Nothing else keeps timers, so between events the object is idle and may hibernate or be evicted safely.
   */
  override async alarm(): Promise<void> {
    const now = Date.now();
    this.#pool?.tick(now);
    const active = this.#clients.size > 0 || (this.#pool?.connections.length ?? 0) > 0;
    const retryAt = this.#pool?.nextRetryAt() ?? null;
    const next = Math.min(
      active ? now + (this.#options?.heartbeatMs ?? 30_000) : Number.POSITIVE_INFINITY,
      retryAt ?? Number.POSITIVE_INFINITY,
    );
    if (Number.isFinite(next)) await this.ctx.storage.setAlarm(next);
  }

  /** Makes sure the alarm fires no later than `at` (default: one heartbeat from now). */
  #wake(at?: number): void {
    const when = at ?? Date.now() + (this.#options?.heartbeatMs ?? 30_000);
    void this.ctx.storage.getAlarm().then((current) => {
      if (current === null || current > when) return this.ctx.storage.setAlarm(when);
    });
  }

  #ensurePool(market: Market): UpstreamPool | null {
    if (this.#pool !== null) return this.#pool;
    const options = readRelayOptions(this.env);
    if (!options.ok) {
      this.#log.log("error", "relay misconfigured", { problem: options.error });
      return null;
    }
    this.#market = market;
    this.#options = options.value;
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('market', ?)", market);
    this.#pool = new UpstreamPool(market, options.value, {
      forward: (stream, text) => this.#clients.forward(stream, text),
      notify: (notice, streams) => this.#clients.notify(notice, streams, Date.now()),
      log: (level, msg, fields) => this.#log.log(level, msg, { market, ...fields }),
      wake: (at) => this.#wake(at),
    });
    return this.#pool;
  }

  #subscribeUpstream(streams: readonly string[]): void {
    if (streams.length === 0) return;
    for (const stream of streams) {
      this.ctx.storage.sql.exec("INSERT OR IGNORE INTO streams (name) VALUES (?)", stream);
      this.#pool?.add(stream);
    }
    this.#wake();
  }

  #unsubscribeUpstream(streams: readonly string[]): void {
    if (streams.length === 0) return;
    this.#forget(streams);
    const now = Date.now();
    for (const stream of streams) this.#pool?.remove(stream, now);
  }

  #forget(streams: readonly string[]): void {
    for (const stream of streams) this.ctx.storage.sql.exec("DELETE FROM streams WHERE name = ?", stream);
  }
}

function refuse(status: number, msg: string): Response {
  return new Response(JSON.stringify({ code: -9020, msg: `Stream relay: ${msg}` }), {
    status,
    headers: { "Content-Type": "application/json", "X-Gateway-Error": "stream-refused" },
  });
}
