// The relay's clients: one entry per accepted (hibernatable) socket, an in-memory index stream -> clients for
// fan-out, and the per-client limits. A socket's attachment holds only its id and settings; its subscriptions
// (up to 1024 names, beyond the 16 KiB an attachment may hold) are kept in the object's SQLite through a
// SubscriptionStore, so both survive hibernation and eviction and the index is rebuilt when the object starts.
// The index also keeps each caller's share of distinct streams (stream-shares.ts), and fan-out watches each
// socket's send buffer: a client that falls too far behind, or whose caller's sockets together are too far
// behind (client-backlog.ts), is handed to `lagging` instead of growing it further. Clients that asked for
// batched frames get their messages through client-batches.ts; what it holds for them counts as unread.

import { CallerMeter } from "../../shared/streams/caller-meter.ts";
import type { MessageLimits } from "../../shared/streams/client-protocol.ts";
import { payloadOf } from "../../shared/streams/frames.ts";
import { PUBLIC_SHARE, ShareLedger } from "../../shared/streams/stream-shares.ts";
import { eventTypeOf } from "../../shared/streams/user-data.ts";
import { backlogOf, ClientBacklog } from "./client-backlog.ts";
import { ClientBatches } from "./client-batches.ts";
import type {
  BacklogBounds,
  ClientAttachment,
  LagBound,
  RelayClient,
  SubscriptionStore,
} from "./relay-client.ts";

export interface ClientsOptions {
  /** Whether a subscription counts against its caller's share (market streams do, listen keys do not). */
  readonly counted: (stream: string) => boolean;
}

export class RelayClients {
  readonly #store: SubscriptionStore;
  readonly #counted: (stream: string) => boolean;
  readonly #byWs = new Map<WebSocket, RelayClient>();
  readonly #subscribers = new Map<string, Set<RelayClient>>();
  readonly #shares = new ShareLedger();
  readonly #batches = new ClientBatches(() => Date.now());
  readonly #backlog = new ClientBacklog(
    (ws) => this.#byWs.get(ws),
    (ws) => backlogOf(ws) + this.#batches.held(ws),
  );
  readonly #callerMeter = new CallerMeter();

  constructor(store: SubscriptionStore, options: ClientsOptions) {
    this.#store = store;
    this.#counted = options.counted;
  }

  get shares(): ShareLedger {
    return this.#shares;
  }

  /**
   * From now on, a client whose socket holds more than `perClient` unsent after a forwarded frame is handed to
   * `lagging` (once: it is no longer a client then), and so is the client furthest behind of a share whose open
   * sockets together hold more than `perCaller`. The runtime's bufferedAmount is the only measure of a reader
   * falling behind (hibernatable sockets have no send callbacks), and a runtime without it (workerd before
   * 2026-11) reads undefined, counted as 0: nothing is watched there.
   */
  watchBacklog(bounds: BacklogBounds, lagging: (client: RelayClient, bound: LagBound) => void): void {
    this.#backlog.watch(bounds, lagging);
  }

  /**
   * Whether a share's sockets, open or closed for slowness and not gone yet (in `live`), leave more than its bound
   * unread: it then gets no new socket, or what it holds would grow past the bound.
   */
  overBacklog(share: string, live: () => ReadonlySet<WebSocket>): boolean {
    return this.#backlog.overBacklog(share, live);
  }

  /** The socket's close completed (or it failed): whatever was queued for it is freed. */
  released(ws: WebSocket): void {
    this.#backlog.released(ws);
  }

  get size(): number {
    return this.#byWs.size;
  }

  get(ws: WebSocket): RelayClient | undefined {
    return this.#byWs.get(ws);
  }

  /** Registers a new socket with its first subscriptions; returns the streams that had no subscriber before. */
  add(ws: WebSocket, state: ClientAttachment, streams: readonly string[]): string[] {
    ws.serializeAttachment(state);
    const client: RelayClient = { ws, state: { ...state }, streams: [], sentAt: [] };
    this.#byWs.set(ws, client);
    return this.subscribe(client, streams);
  }

  /** Re-registers a socket after the object restarted, with the subscriptions kept for it. */
  restore(ws: WebSocket, state: ClientAttachment): void {
    const client: RelayClient = { ws, state: { ...state }, streams: [], sentAt: [] };
    this.#byWs.set(ws, client);
    this.#index(client, this.#store.load(state.id));
  }

  /**
   * Removes a socket; returns the streams that no longer have any subscriber (to unsubscribe upstream). What is
   * queued for it stays on its share's books until `released`.
   */
  delete(ws: WebSocket): string[] {
    const client = this.#byWs.get(ws);
    if (client === undefined) return [];
    this.#byWs.delete(ws);
    // What is held for it is never sent: it does not count against its share.
    this.#batches.drop(ws);
    this.#backlog.closing(ws, shareOfClient(client.state));
    return this.unsubscribe(client, [...client.streams]);
  }

  /** Adds subscriptions; returns the streams that had no subscriber before (to subscribe upstream). */
  subscribe(client: RelayClient, streams: readonly string[]): string[] {
    const added = [...new Set(streams)].filter((stream) => !this.#holds(client, stream));
    if (added.length > 0) this.#store.add(client.state.id, added);
    return this.#index(client, added);
  }

  /** Removes subscriptions; returns the streams that no longer have any subscriber. */
  unsubscribe(client: RelayClient, streams: readonly string[]): string[] {
    const removed = [...new Set(streams)].filter((stream) => this.#holds(client, stream));
    if (removed.length === 0) return [];
    this.#store.remove(client.state.id, removed);
    const gone: string[] = [];
    for (const stream of removed) {
      client.streams.splice(client.streams.indexOf(stream), 1);
      const set = this.#subscribers.get(stream);
      set?.delete(client);
      if (this.#counted(stream)) this.#shares.release(shareOfClient(client.state), stream);
      if (set?.size === 0) {
        this.#subscribers.delete(stream);
        gone.push(stream);
      }
    }
    return gone;
  }

  /** Unsubscribes everyone from a stream; returns who held it. */
  drop(stream: string): RelayClient[] {
    const holders = [...(this.#subscribers.get(stream) ?? [])];
    for (const client of holders) this.unsubscribe(client, [stream]);
    return holders;
  }

  update(
    client: RelayClient,
    change: Partial<Pick<ClientAttachment, "combined" | "relayEvents" | "batch">>,
  ): void {
    // Only a batched client has messages held: one leaving batching gets them first, in order.
    if (change.batch === 0) this.#batches.flush(client.ws);
    Object.assign(client.state, change);
    client.ws.serializeAttachment(client.state);
  }

  /** Sends a message to the client in its framing: at once, or held for its batch window. */
  send(client: RelayClient, message: string): void {
    this.#batches.send(client.ws, client.state.batch ?? 0, message);
  }

  /** Sends a reply at once, after whatever is held for the client (its order is kept). */
  reply(client: RelayClient, message: string): void {
    this.send(client, message);
    this.#batches.flush(client.ws);
  }

  isSubscribed(stream: string): boolean {
    return this.#subscribers.has(stream);
  }

  streams(): string[] {
    return [...this.#subscribers.keys()];
  }

  /** Sends an upstream frame to every subscriber of its stream, raw payload or combined envelope as each chose. */
  forward(stream: string, text: string): void {
    const set = this.#subscribers.get(stream);
    if (set === undefined) return;
    // The raw payload is sliced once per frame, not once per client.
    let raw: string | undefined;
    let event: string | null | undefined;
    let behind: RelayClient[] | undefined;
    let over: Set<string> | undefined;
    for (const client of set) {
      const wanted = client.state.events?.[stream];
      if (wanted !== undefined) {
        raw ??= payloadOf(text, stream);
        event ??= eventTypeOf(raw);
        if (event !== "listenKeyExpired" && !wanted.includes(event ?? "")) continue;
      }
      const before = this.#batches.held(client.ws) + backlogOf(client.ws);
      const batch = client.state.batch ?? 0;
      if (client.state.combined) this.#batches.send(client.ws, batch, text);
      else {
        raw ??= payloadOf(text, stream);
        this.#batches.send(client.ws, batch, raw);
      }
      const share = shareOfClient(client.state);
      const bound = this.#backlog.afterFrame(client, share, before);
      if (bound === "client") {
        behind ??= [];
        behind.push(client);
      } else if (bound === "caller") {
        over ??= new Set();
        over.add(share);
      }
    }
    // Handed over after the loop: the handler removes the clients from the very set iterated here.
    if (behind !== undefined || over !== undefined) this.#backlog.handOver(behind ?? [], over ?? new Set());
    this.#batches.flushDue();
  }

  /**
   * Hands a client still registered to `lagging` if it, or its share, is over a bound, after a reply of `sent`
   * characters was sent to it.
   */
  watch(client: RelayClient, sent: number): void {
    if (this.#byWs.get(client.ws) === client)
      this.#backlog.afterReply(client, shareOfClient(client.state), sent);
  }

  /** Tells opted-in clients about a gap on the streams they hold. */
  notify(notice: string, streams: readonly string[], now: number): void {
    const affected = new Set(streams);
    for (const client of this.#byWs.values()) {
      if (!client.state.relayEvents) continue;
      const theirs = client.streams.filter((stream) => affected.has(stream));
      if (theirs.length > 0) this.send(client, JSON.stringify({ relay: notice, streams: theirs, time: now }));
    }
  }

  /**
   * Counts a message against the client's per-second budget and its caller's: "ok", "over" (answer with an
   * error and ignore it) or "abusive" (three times either budget: close the connection).
   */
  meter(
    client: RelayClient,
    limits: Pick<MessageLimits, "perClient" | "perCaller">,
    now: number,
  ): "ok" | "over" | "abusive" {
    const times = client.sentAt;
    while (times.length > 0 && (times[0] ?? 0) <= now - 1000) times.shift();
    times.push(now);
    const caller = this.#callerMeter.count(client.state.caller ?? shareOfClient(client.state), now);
    if (times.length > limits.perClient * 3 || caller > limits.perCaller * 3) return "abusive";
    return times.length > limits.perClient || caller > limits.perCaller ? "over" : "ok";
  }

  #holds(client: RelayClient, stream: string): boolean {
    return this.#subscribers.get(stream)?.has(client) === true;
  }

  /** Adds streams to the client and the fan-out index; returns those that had no subscriber before. */
  #index(client: RelayClient, streams: readonly string[]): string[] {
    const fresh: string[] = [];
    for (const stream of streams) {
      if (this.#holds(client, stream)) continue;
      client.streams.push(stream);
      if (this.#counted(stream)) this.#shares.hold(shareOfClient(client.state), stream);
      let set = this.#subscribers.get(stream);
      if (set === undefined) {
        set = new Set();
        this.#subscribers.set(stream, set);
        fresh.push(stream);
      }
      set.add(client);
    }
    return fresh;
  }
}

/** The share a client's streams count against; sockets accepted before shares existed count by their client. */
export function shareOfClient(state: ClientAttachment): string {
  return state.share ?? (state.client === "anonymous" ? PUBLIC_SHARE : `client:${state.client}`);
}
