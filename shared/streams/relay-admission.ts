// Whether the relay takes a new client socket: the first refusal, or the tags to accept the socket with. No I/O
// here: the relay object counts its sockets, asks the backlog, the listing, the shares and the upstream pool, and
// passes the answers in as plain data.
// The order is what clients see, so it is fixed: limits on sockets first (a full relay is full whatever is
// asked), then the caller's backlog, then the streams (budget and names, room upstream, listing, share).

import type { Market } from "../catalog/types.ts";
import { err, ok, type Result } from "../result.ts";
import { invalidStreams, splitKeys } from "./stream-check.ts";
import { PUBLIC_SHARE, shareOf } from "./stream-shares.ts";

export interface Refusal {
  /** The words after "Invalid request: " in a SUBSCRIBE error, and after "Stream relay: " at connect. */
  readonly msg: string;
  /** The HTTP status of a refused connect. */
  readonly status: number;
}

/** The tag every anonymous socket of a public relay carries besides its address's (sockets take up to 10 tags). */
export const PUBLIC_TAG = "public";

/** The tag of a caller's sockets (tags are at most 256 characters). */
export function callerTag(caller: string): string {
  return `caller:${caller}`.slice(0, 256);
}

export interface AdmissionLimits {
  readonly maxClients: number;
  readonly maxClientsPerCaller: number;
  readonly maxPublicClients: number;
  readonly maxCallerBacklogBytes: number;
  readonly maxStreamsPerClient: number;
}

/** What the relay found out about a connect before deciding: counts and the answers of its checks. */
export interface AdmissionFacts {
  readonly market: Market;
  readonly caller: string;
  /** Every stream asked for, without repeats, listen keys included. */
  readonly streams: readonly string[];
  /** Open sockets: all of them, the caller's (its tag), and the anonymous ones together (the public tag). */
  readonly sockets: { readonly all: number; readonly caller: number; readonly public: number };
  /** The caller's sockets leave more than its bound unread. */
  readonly overBacklog: boolean;
  /** Why the market streams cannot be added upstream (the relay-wide cap), or null. */
  readonly noRoom: string | null;
  /** A market stream the listing refuses, or null. */
  readonly unlisted: Refusal | null;
  /** The caller's share has no room for the market streams, or null. */
  readonly overShare: Refusal | null;
}

export interface Admission {
  readonly share: string;
  /** The tags to accept the socket with. */
  readonly tags: readonly string[];
}

export function admitClient(facts: AdmissionFacts, limits: AdmissionLimits): Result<Admission, Refusal> {
  const { sockets } = facts;
  if (sockets.all >= limits.maxClients)
    return err({ status: 503, msg: `relay full: at most ${limits.maxClients} clients` });
  if (sockets.caller >= limits.maxClientsPerCaller)
    return err({ status: 429, msg: `at most ${limits.maxClientsPerCaller} connections per caller` });
  const share = shareOf(facts.caller);
  const anonymous = share === PUBLIC_SHARE;
  // Anonymous sockets are limited per address, and all together too: addresses cost an attacker nothing, so
  // per address alone they could fill the relay and lock every credential out.
  if (anonymous && sockets.public >= limits.maxPublicClients)
    return err({
      status: 429,
      msg: `anonymous clients together hold at most ${limits.maxPublicClients} connections`,
    });
  if (facts.overBacklog)
    return err({
      status: 429,
      msg: `this caller's sockets leave over ${limits.maxCallerBacklogBytes} bytes unread`,
    });
  const [, marketStreams] = splitKeys(facts.streams);
  const request = { count: facts.streams.length, marketStreams };
  const bad = invalidStreams(facts.market, request, limits.maxStreamsPerClient) ?? facts.noRoom;
  if (bad !== null) return err({ status: 400, msg: bad });
  const refusal = facts.unlisted ?? facts.overShare;
  if (refusal !== null) return err(refusal);
  const tag = callerTag(facts.caller);
  return ok({ share, tags: anonymous ? [tag, PUBLIC_TAG] : [tag] });
}
