// What a relay client's SUBSCRIBE does: which streams it takes, which feeds opened for it close again, and the
// reply. No I/O here: the relay opens the feeds of the new relay listen keys and reads the listing first (both
// may wait), then counts what the client holds now and asks the shares and the upstream pool, and passes the
// answers in as plain data.
// Nothing changes on an error: feeds opened for a SUBSCRIBE that then fails are closed again, unless some client
// holds their key. A dead listen key is answered first, as Binance would; then the client's budget and the
// names, the listing, the caller's share and the room upstream, in that order.

import type { Market } from "../catalog/types.ts";
import { errorMessage, resultMessage } from "./client-protocol.ts";
import type { Refusal } from "./relay-admission.ts";
import { invalidStreams, splitKeys } from "./stream-check.ts";

/** A SUBSCRIBE before any I/O: the streams asked for (without repeats), and the feeds to open for it. */
export interface SubscribeRequest {
  readonly wanted: readonly string[];
  /** The relay listen keys among the streams the client does not hold yet: their feeds open first. */
  readonly keys: readonly string[];
  /** The market streams asked for, held or not: the listing is asked about these. */
  readonly marketStreams: readonly string[];
}

export function readSubscribe(streams: readonly string[], held: readonly string[]): SubscribeRequest {
  const wanted = [...new Set(streams)];
  const [keys] = splitKeys(freshOf(wanted, held));
  return { wanted, keys, marketStreams: splitKeys(wanted)[1] };
}

/** The streams a client does not hold yet, and the market streams among them (the shares and room are asked). */
export function freshStreams(
  wanted: readonly string[],
  held: readonly string[],
): { fresh: string[]; marketStreams: string[] } {
  const fresh = freshOf(wanted, held);
  return { fresh, marketStreams: splitKeys(fresh)[1] };
}

/** What the relay found out, after the feeds and the listing were awaited. */
export interface SubscribeFacts {
  readonly id: string;
  readonly market: Market;
  readonly request: SubscribeRequest;
  /** The client's streams now (a key may have ended meanwhile). */
  readonly held: readonly string[];
  readonly maxStreamsPerClient: number;
  /** Every feed opened (each key is a live relay key of this market). */
  readonly feedsOpened: boolean;
  readonly unlisted: Refusal | null;
  /** The caller's share has no room for the fresh market streams, or null. */
  readonly overShare: Refusal | null;
  /** Why the fresh market streams cannot be added upstream, or null. */
  readonly noRoom: string | null;
  /** The client went away meanwhile. */
  readonly gone: boolean;
  /** The request's keys that some client holds already. */
  readonly keysHeld: readonly string[];
}

export interface SubscribeOutcome {
  /** The streams the client takes (possibly none new), or null when the SUBSCRIBE does not take effect. */
  readonly subscribe: readonly string[] | null;
  /** Feeds opened for the SUBSCRIBE that nobody holds: to close. */
  readonly closeFeeds: readonly string[];
  readonly reply: string;
}

export function decideSubscribe(facts: SubscribeFacts): SubscribeOutcome {
  const { id, request } = facts;
  const { fresh, marketStreams } = freshStreams(request.wanted, facts.held);
  const capacity = facts.maxStreamsPerClient - facts.held.length;
  const bad =
    invalidStreams(facts.market, { count: fresh.length, marketStreams }, capacity) ??
    facts.unlisted?.msg ??
    facts.overShare?.msg ??
    facts.noRoom;
  const subscribe = facts.feedsOpened && bad === null && !facts.gone ? fresh : null;
  const closeFeeds = request.keys.filter((key) => !facts.keysHeld.includes(key) && !subscribe?.includes(key));
  const reply = !facts.feedsOpened
    ? errorMessage({ code: -1125, msg: "This listenKey does not exist.", id })
    : bad === null
      ? resultMessage(id, "null")
      : errorMessage({ code: 2, msg: `Invalid request: ${bad}`, id });
  return { subscribe, closeFeeds, reply };
}

function freshOf(wanted: readonly string[], held: readonly string[]): string[] {
  return wanted.filter((stream) => !held.includes(stream));
}
