// Which streams clients have been told are interrupted. A stream is covered while some upstream connection
// holds an acknowledged subscription to it. It is "lost" (notice: reconnecting) when it was covered and no
// connection holds it any more, and "back" (notice: reconnected) when one does again. A stream never covered
// yet (just subscribed) is not a gap, and a stream known lost stays lost until it is back, so a relay that
// restarts during an outage does not announce it twice.

export interface GapChanges {
  readonly lost: string[];
  readonly back: string[];
}

export class GapTracker {
  readonly #seen = new Set<string>();
  readonly #lost = new Set<string>();

  /** Applies the current coverage of some streams; returns the ones that just became lost or came back. */
  update(coverage: Iterable<readonly [stream: string, covered: boolean]>): GapChanges {
    const lost: string[] = [];
    const back: string[] = [];
    for (const [stream, covered] of coverage) {
      if (covered) {
        this.#seen.add(stream);
        if (this.#lost.delete(stream)) back.push(stream);
      } else if (this.#seen.has(stream) && !this.#lost.has(stream)) {
        this.#lost.add(stream);
        lost.push(stream);
      }
    }
    return { lost, back };
  }

  /** Marks streams as lost without a notice (clients were already told, e.g. before a restart). */
  markLost(streams: Iterable<string>): void {
    for (const stream of streams) {
      this.#seen.add(stream);
      this.#lost.add(stream);
    }
  }

  isLost(stream: string): boolean {
    return this.#lost.has(stream);
  }

  forget(stream: string): void {
    this.#seen.delete(stream);
    this.#lost.delete(stream);
  }
}
