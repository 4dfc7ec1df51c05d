// What each caller leaves unread, in total, across its sockets. A bound per socket alone does not bound the
// relay's memory: one caller may hold hundreds of sockets, and what was queued for a socket closed as too slow
// stays in the runtime until its peer reads or goes away. So a socket's last reading stays on the books after
// it is closed for slowness, until its close completes, and the total per share is what the relay bounds.
// Readings are what the caller passes (the relay: a socket's bufferedAmount beyond what a healthy reader has in
// flight, taken before each send), so one may be a frame stale.

/** Bytes left unread per socket, summed per share. `K` identifies a socket. */
export class BacklogLedger<K> {
  readonly #entries = new Map<K, { share: string; bytes: number }>();
  readonly #totals = new Map<string, number>();

  /** Records a socket's latest reading; returns its share's total. Sockets with nothing unread are not kept. */
  set(share: string, key: K, bytes: number): number {
    // The common case on the fan-out path: a reader keeping up, with nothing on the books.
    if (bytes === 0 && !this.#entries.has(key)) return this.total(share);
    const total = this.total(share) + bytes - (this.#entries.get(key)?.bytes ?? 0);
    if (bytes === 0) this.#entries.delete(key);
    else this.#entries.set(key, { share, bytes });
    if (total === 0) this.#totals.delete(share);
    else this.#totals.set(share, total);
    return total;
  }

  /** Forgets a socket (its queue was freed). */
  remove(key: K): void {
    const entry = this.#entries.get(key);
    if (entry !== undefined) this.set(entry.share, key, 0);
  }

  total(share: string): number {
    return this.#totals.get(share) ?? 0;
  }

  /** The sockets on the books for a share, with their readings. */
  entries(share: string): [K, number][] {
    const found: [K, number][] = [];
    for (const [key, entry] of this.#entries) if (entry.share === share) found.push([key, entry.bytes]);
    return found;
  }
}
