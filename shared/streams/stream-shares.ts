// Each caller's share of the relay's upstream capacity: the distinct market streams the sockets of one
// credential hold together, and those of every anonymous client of a public relay together (one bucket, since
// addresses cost an attacker nothing). The relay-wide cap stays; a share is smaller, so one hog meets its own
// limit long before the relay's, and everyone else still connects and subscribes.
//
// A caller is charged for every distinct stream it holds, even one the relay already carries for someone else.
// Charging only for streams it added would make a caller's bill depend on others: when they leave, the caller
// would either be over its share with nothing to do about it, or keep the stream for free, so two callers could
// take turns to hold more than either's share. A flat count keeps the share a plain invariant.

export const PUBLIC_SHARE = "public";

/** The share a caller (`client:<name>` or `ip:<address>`, see relay-connect.ts) counts against. */
export function shareOf(caller: string): string {
  return caller.startsWith("ip:") ? PUBLIC_SHARE : caller;
}

/** For each share, how many of its sockets hold each stream. */
export class ShareLedger {
  readonly #held = new Map<string, Map<string, number>>();

  hold(share: string, stream: string): void {
    let streams = this.#held.get(share);
    if (streams === undefined) {
      streams = new Map();
      this.#held.set(share, streams);
    }
    streams.set(stream, (streams.get(stream) ?? 0) + 1);
  }

  release(share: string, stream: string): void {
    const streams = this.#held.get(share);
    const count = streams?.get(stream);
    if (streams === undefined || count === undefined) return;
    if (count > 1) streams.set(stream, count - 1);
    else streams.delete(stream);
    if (streams.size === 0) this.#held.delete(share);
  }

  /** Distinct streams the share holds. */
  size(share: string): number {
    return this.#held.get(share)?.size ?? 0;
  }

  /** How many of `streams` the share does not hold yet. */
  unheld(share: string, streams: readonly string[]): number {
    const held = this.#held.get(share);
    return new Set(streams.filter((stream) => held?.has(stream) !== true)).size;
  }
}

/** Why `streams` would take the share past `limit` (the words after "Invalid request: "), or null. */
export function shareRefusal(
  ledger: ShareLedger,
  share: string,
  streams: readonly string[],
  limit: number,
): string | null {
  if (ledger.size(share) + ledger.unheld(share, streams) <= limit) return null;
  return share === PUBLIC_SHARE
    ? `too many streams: anonymous clients together hold at most ${limit} distinct streams`
    : `too many streams: the sockets of one credential hold at most ${limit} distinct streams together`;
}
