// The pool's bookkeeping: a slot is a set of streams on one stream server path, carried by `redundancy` lanes,
// each lane one connection at a time (two during a renewal). Plain data and helpers; upstream-pool.ts acts on them.

import type { Market } from "../catalog/types.ts";
import { parseStreamName } from "./names.ts";
import type { UpstreamConnection } from "../../workers/stream/upstream-connection.ts";

export interface Lane {
  current: UpstreamConnection | null;
  /** The renewal of `current`, until it has taken over. */
  next: UpstreamConnection | null;
  failures: number;
  /** When to reconnect this lane; scheduled on the object's alarm (no timers: they would keep it from idling). */
  retryAt: number | null;
  /** When a ready renewal takes over even if it has not lined up with the forwarded stream yet. */
  swapAt: number | null;
  renewalFailures: number;
  /** No renewal is opened before this (a failed renewal backs off like a reconnect). */
  renewAfter: number;
}

export interface Slot {
  readonly path: string;
  readonly streams: Set<string>;
  readonly lanes: Lane[];
  emptySince: number | null;
}

/** The latest data frame on any open connection of the slot (0 before any). */
export function lastDataOf(slot: Slot): number {
  let last = 0;
  for (const lane of slot.lanes)
    for (const connection of liveOf(lane))
      if (connection.state === "open") last = Math.max(last, connection.lastDataAt);
  return last;
}

/** The lane's connections: the current one and, during a renewal, the next. */
export function liveOf(lane: Lane): UpstreamConnection[] {
  const connections: UpstreamConnection[] = [];
  if (lane.current !== null) connections.push(lane.current);
  if (lane.next !== null) connections.push(lane.next);
  return connections;
}

/** Where Binance serves a market stream: USDⓈ-M `/public` or `/market` (see shared/streams/names.ts). */
export function marketPath(market: Market, stream: string): string {
  if (market === "cm") return "/stream";
  return `/${parseStreamName(market, stream)?.route ?? "market"}/stream`;
}
