// How far behind the relay's readers are: each socket's unsent bytes (the runtime's bufferedAmount, the only
// measure: hibernatable sockets have no send callbacks), and each share's sockets together (backlog-ledger.ts),
// counting sockets closed for slowness until their close completes. A client over its own bound, or the client
// furthest behind of a share over its bound, is handed to `lagging`. A runtime without bufferedAmount (workerd
// before 2026-11) reads undefined, counted as 0: nothing is watched there.

import { BacklogLedger } from "../../shared/streams/backlog-ledger.ts";
import type { BacklogBounds, LagBound, RelayClient } from "./relay-client.ts";

/**
 * What a healthy reader may hold unsent for a moment (a burst of frames not yet written, one large array): only
 * what a socket holds beyond it counts against its caller, so thousands of readers keeping up cost nothing there.
 */
const IN_FLIGHT_BYTES = 65_536;

export class ClientBacklog {
  readonly #clientOf: (ws: WebSocket) => RelayClient | undefined;
  readonly #held: (ws: WebSocket) => number;
  #bounds: BacklogBounds = { perClient: Number.POSITIVE_INFINITY, perCaller: Number.POSITIVE_INFINITY };
  #lagging: (client: RelayClient, bound: LagBound) => void = () => undefined;
  /** Registered sockets' latest readings, and those of sockets closed for slowness until their close completes. */
  readonly #open = new BacklogLedger<WebSocket>();
  readonly #closing = new BacklogLedger<WebSocket>();

  /**
   * `clientOf`: the registered client of a socket (a socket no longer registered is not handed over); `held`:
   * what it holds unsent, the socket's backlog and any batched messages not yet sent to it.
   */
  constructor(
    clientOf: (ws: WebSocket) => RelayClient | undefined,
    held: (ws: WebSocket) => number = backlogOf,
  ) {
    this.#clientOf = clientOf;
    this.#held = held;
  }

  watch(bounds: BacklogBounds, lagging: (client: RelayClient, bound: LagBound) => void): void {
    this.#bounds = bounds;
    this.#lagging = lagging;
  }

  /** See RelayClients.overBacklog. */
  overBacklog(share: string, live: () => ReadonlySet<WebSocket>): boolean {
    if (this.#open.total(share) + this.#closing.total(share) <= this.#bounds.perCaller) return false;
    const sockets = live();
    for (const [ws] of this.#closing.entries(share)) if (!sockets.has(ws)) this.#closing.remove(ws);
    for (const [ws] of this.#open.entries(share)) this.#open.set(share, ws, lagOf(this.#held(ws)));
    return this.#open.total(share) + this.#closing.total(share) > this.#bounds.perCaller;
  }

  /** The socket's close completed (or it failed): whatever was queued for it is freed. */
  released(ws: WebSocket): void {
    this.#open.remove(ws);
    this.#closing.remove(ws);
  }

  /** The socket is no longer a client: what it holds stays on its share's books until released. */
  closing(ws: WebSocket, share: string): void {
    this.#open.remove(ws);
    this.#closing.set(share, ws, lagOf(this.#held(ws)));
  }

  /**
   * Records a frame sent to a client that held `before` bytes unsent: which bound it is now over, if any. What
   * it held before is how far behind it is; what it holds after, how much it costs now.
   */
  afterFrame(client: RelayClient, share: string, before: number): LagBound | null {
    if (this.#held(client.ws) > this.#bounds.perClient) return "client";
    return this.#open.set(share, client.ws, lagOf(before)) > this.#bounds.perCaller ? "caller" : null;
  }

  /** Hands over the clients and shares found over their bounds while forwarding a frame. */
  handOver(behind: readonly RelayClient[], over: ReadonlySet<string>): void {
    for (const client of behind) this.#lagging(client, "client");
    for (const share of over) this.#trim(share);
  }

  /** After a reply of `sent` characters to a registered client: hands it, or its share, over if over a bound. */
  afterReply(client: RelayClient, share: string, sent: number): void {
    const bytes = this.#held(client.ws);
    if (bytes > this.#bounds.perClient) this.#lagging(client, "client");
    else if (this.#open.set(share, client.ws, lagOf(bytes - sent)) > this.#bounds.perCaller)
      this.#trim(share);
  }

  /** Hands over the share's clients furthest behind until its open sockets are within its bound again. */
  #trim(share: string): void {
    while (this.#open.total(share) > this.#bounds.perCaller) {
      let furthest: RelayClient | undefined;
      let furthestBytes = 0;
      for (const [ws, bytes] of this.#open.entries(share)) {
        const client = this.#clientOf(ws);
        if (client !== undefined && bytes > furthestBytes) [furthest, furthestBytes] = [client, bytes];
      }
      if (furthest === undefined) return;
      this.#lagging(furthest, "caller");
      // A handler that kept the client would be asked again forever.
      if (this.#clientOf(furthest.ws) === furthest) return;
    }
  }
}

function lagOf(bytes: number): number {
  return Math.max(0, bytes - IN_FLIGHT_BYTES);
}

/** What the socket holds unsent; 0 on a runtime without bufferedAmount. */
export function backlogOf(ws: WebSocket): number {
  const bytes: unknown = ws.bufferedAmount;
  return typeof bytes === "number" ? bytes : 0;
}
