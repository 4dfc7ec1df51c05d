// The relay's clients: one entry per accepted (hibernatable) socket, with its subscriptions kept in the
// socket's attachment so they survive hibernation and eviction, an in-memory index stream -> clients for
// fan-out, and the per-client limits. Tags cannot carry subscriptions (at most 10 per socket, fixed at
// accept time), so the index is rebuilt from attachments when the object starts.

import { payloadOf } from "../../shared/streams/frames.ts";

export interface ClientAttachment {
  readonly client: string;
  combined: boolean;
  relayEvents: boolean;
  streams: string[];
}

export interface RelayClient {
  readonly ws: WebSocket;
  readonly state: ClientAttachment;
  readonly sentAt: number[];
}

export class RelayClients {
  readonly #byWs = new Map<WebSocket, RelayClient>();
  readonly #subscribers = new Map<string, Set<RelayClient>>();

  get size(): number {
    return this.#byWs.size;
  }

  get all(): IterableIterator<RelayClient> {
    return this.#byWs.values();
  }

  get(ws: WebSocket): RelayClient | undefined {
    return this.#byWs.get(ws);
  }

  /** Registers a socket; returns the streams that had no subscriber before (to subscribe upstream). */
  add(ws: WebSocket, state: ClientAttachment): string[] {
    const client = { ws, state: { ...state, streams: [] }, sentAt: [] };
    this.#byWs.set(ws, client);
    return this.subscribe(client, state.streams);
  }

  /** Removes a socket; returns the streams that no longer have any subscriber (to unsubscribe upstream). */
  delete(ws: WebSocket): string[] {
    const client = this.#byWs.get(ws);
    if (client === undefined) return [];
    this.#byWs.delete(ws);
    return this.unsubscribe(client, [...client.state.streams]);
  }

  subscribe(client: RelayClient, streams: readonly string[]): string[] {
    const fresh: string[] = [];
    for (const stream of streams) {
      if (client.state.streams.includes(stream)) continue;
      client.state.streams.push(stream);
      let set = this.#subscribers.get(stream);
      if (set === undefined) {
        set = new Set();
        this.#subscribers.set(stream, set);
        fresh.push(stream);
      }
      set.add(client);
    }
    this.#persist(client);
    return fresh;
  }

  unsubscribe(client: RelayClient, streams: readonly string[]): string[] {
    const gone: string[] = [];
    for (const stream of streams) {
      const index = client.state.streams.indexOf(stream);
      if (index === -1) continue;
      client.state.streams.splice(index, 1);
      const set = this.#subscribers.get(stream);
      set?.delete(client);
      if (set?.size === 0) {
        this.#subscribers.delete(stream);
        gone.push(stream);
      }
    }
    this.#persist(client);
    return gone;
  }

  update(client: RelayClient, change: Partial<Pick<ClientAttachment, "combined" | "relayEvents">>): void {
    Object.assign(client.state, change);
    this.#persist(client);
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
    for (const client of set) {
      if (client.state.combined) {
        send(client, text);
        continue;
      }
      if (raw === undefined) raw = payloadOf(text, stream);
      send(client, raw);
    }
  }

  /** Tells opted-in clients about a gap on the streams they hold. */
  notify(notice: string, streams: readonly string[], now: number): void {
    const affected = new Set(streams);
    for (const client of this.#byWs.values()) {
      if (!client.state.relayEvents) continue;
      const theirs = client.state.streams.filter((stream) => affected.has(stream));
      if (theirs.length > 0) send(client, JSON.stringify({ relay: notice, streams: theirs, time: now }));
    }
  }

  /**
   * Counts a message against the client's per-second budget: "ok", "over" (answer with an error and ignore it)
   * or "abusive" (three times the budget: close the connection).
   */
  meter(client: RelayClient, limit: number, now: number): "ok" | "over" | "abusive" {
    const times = client.sentAt;
    while (times.length > 0 && (times[0] ?? 0) <= now - 1000) times.shift();
    times.push(now);
    if (times.length > limit * 3) return "abusive";
    return times.length > limit ? "over" : "ok";
  }

  #persist(client: RelayClient): void {
    client.ws.serializeAttachment(client.state);
  }
}

export function send(client: RelayClient, text: string): void {
  try {
    client.ws.send(text);
  } catch {
    // The socket is closing; its close event removes the client.
  }
}
