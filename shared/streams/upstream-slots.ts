// The pool's bookkeeping: a slot is a set of streams on one stream server path, carried by `redundancy` lanes,
// each lane one upstream connection at a time (two during a renewal). Plain data and helpers; upstream-lanes.ts
// acts on them. A connection is seen only through `Link`, what the lane decisions read of it, so the decisions
// are tested with plain objects and the Durable Object supplies its WebSockets.

import type { Market } from "../catalog/types.ts";
import { parseStreamName } from "./names.ts";
import type { LinkStats } from "./upstream-health.ts";

/** What the lane decisions read of one upstream connection. */
export interface Link {
  readonly id: number;
  readonly state: "connecting" | "open" | "closed";
  /** Open, with every wanted stream acknowledged by the server. */
  readonly ready: boolean;
  readonly openedAt: number;
  readonly lastDataAt: number;
  readonly lastProbeAnsweredAt: number;
  readonly stats: LinkStats;
  /** Streams the server acknowledged, with the time of the acknowledgement. */
  readonly subscribed: ReadonlyMap<string, number>;
  readonly wanted: ReadonlySet<string>;
  /** Streams the server may still hold although no longer wanted (unsubscribes not yet answered). */
  readonly pendingRemovals: number;
}

export interface Lane<C extends Link> {
  current: C | null;
  /** The renewal of `current`, until it has taken over. */
  next: C | null;
  failures: number;
  /** When to reconnect this lane; scheduled on the object's alarm (no timers: they would keep it from idling). */
  retryAt: number | null;
  /** When a ready renewal takes over even if it has not lined up with the forwarded stream yet. */
  swapAt: number | null;
  renewalFailures: number;
  /** No renewal is opened before this (a failed renewal backs off like a reconnect). */
  renewAfter: number;
}

export interface Slot<C extends Link> {
  readonly path: string;
  readonly streams: Set<string>;
  readonly lanes: Lane<C>[];
  emptySince: number | null;
}

/** A slot for streams on `path`, with `redundancy` lanes that start with this back-off (none: connect at once). */
export function newSlot<C extends Link>(
  path: string,
  redundancy: number,
  start: { readonly failures: number; readonly retryAt: number | null },
): Slot<C> {
  const lanes: Lane<C>[] = [];
  for (let i = 0; i < redundancy; i++)
    lanes.push({ current: null, next: null, ...start, swapAt: null, renewalFailures: 0, renewAfter: 0 });
  return { path, streams: new Set(), lanes, emptySince: null };
}

/** The lane's renewal takes over; returns the connection it replaces (to be closed). */
export function takeOver<C extends Link>(lane: Lane<C>): C | null {
  const old = lane.current;
  lane.current = lane.next;
  lane.next = null;
  lane.swapAt = null;
  lane.renewalFailures = 0;
  return old;
}

/** The latest data frame on any open connection of the slot (0 before any). */
export function lastDataOf<C extends Link>(slot: Slot<C>): number {
  let last = 0;
  for (const lane of slot.lanes)
    for (const connection of liveOf(lane))
      if (connection.state === "open") last = Math.max(last, connection.lastDataAt);
  return last;
}

/** The lane's connections: the current one and, during a renewal, the next. */
export function liveOf<C extends Link>(lane: Lane<C>): C[] {
  const connections: C[] = [];
  if (lane.current !== null) connections.push(lane.current);
  if (lane.next !== null) connections.push(lane.next);
  return connections;
}

/** Where Binance serves a market stream: USDⓈ-M `/public` or `/market` (see shared/streams/names.ts). */
export function marketPath(market: Market, stream: string): string {
  if (market === "cm") return "/stream";
  return `/${parseStreamName(market, stream)?.route ?? "market"}/stream`;
}

/** Whether the slot takes another stream, counting unsubscribes the server has not confirmed. */
export function hasRoom<C extends Link>(slot: Slot<C>, maxStreams: number): boolean {
  let pending = 0;
  for (const lane of slot.lanes)
    for (const link of liveOf(lane)) pending = Math.max(pending, link.pendingRemovals);
  return slot.streams.size + pending < maxStreams;
}

/** Whether every lane but this one has a ready connection. */
export function othersReady<C extends Link>(slot: Slot<C>, lane: Lane<C>): boolean {
  return slot.lanes.every((other) => other === lane || other.current?.ready === true);
}

/** The earliest pending reconnect, if any. */
export function nextRetryAt<C extends Link>(slots: readonly Slot<C>[]): number | null {
  let next: number | null = null;
  for (const slot of slots)
    for (const lane of slot.lanes)
      if (lane.retryAt !== null) next = Math.min(next ?? lane.retryAt, lane.retryAt);
  return next;
}

/** The reconnect back-off to persist: the most failures of any lane. */
export function maxFailures<C extends Link>(slots: readonly Slot<C>[]): number {
  return Math.max(0, ...slots.flatMap((slot) => slot.lanes.map((lane) => lane.failures)));
}

/** Each stream of the slot, and whether an open connection holds an acknowledged subscription to it. */
export function coverageOf<C extends Link>(slot: Slot<C>): [stream: string, covered: boolean][] {
  const live = slot.lanes.flatMap((lane) => liveOf(lane)).filter((link) => link.state === "open");
  return [...slot.streams].map((stream) => [stream, live.some((link) => link.subscribed.has(stream))]);
}
