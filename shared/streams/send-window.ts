// Binance disconnects a stream connection that sends more than 10 messages per second (and repeated offences
// get the IP banned). Each upstream connection paces its control messages with this sliding window. A message
// counts for 1.1 s, not 1 s, so that network jitter cannot bunch more than the limit into Binance's second.

const WINDOW_MS = 1100;

export class SendWindow {
  readonly #maxPerSecond: number;
  readonly #sentAt: number[] = [];

  constructor(maxPerSecond: number) {
    this.#maxPerSecond = maxPerSecond;
  }

  /** Milliseconds until another message may be sent (0: now). */
  waitMs(now: number): number {
    while (this.#sentAt.length > 0 && (this.#sentAt[0] ?? 0) <= now - WINDOW_MS) this.#sentAt.shift();
    if (this.#sentAt.length < this.#maxPerSecond) return 0;
    return (this.#sentAt[0] ?? now) + WINDOW_MS - now + 1;
  }

  record(now: number): void {
    this.#sentAt.push(now);
  }
}
