// A Durable Object's one alarm, shared by everything that needs waking: each asks to be woken no later than
// some time, and the alarm is only ever moved earlier. The time set is kept in memory (and read back when the
// object starts), so concurrent requests never race a read of the stored alarm against a write.

export class AlarmClock {
  readonly #storage: DurableObjectStorage;
  #at: number | null = null;

  constructor(storage: DurableObjectStorage) {
    this.#storage = storage;
  }

  /** Reads the alarm left by an earlier run of the object (call once, when it starts). */
  async load(): Promise<void> {
    this.#at = await this.#storage.getAlarm();
  }

  /** Makes sure the alarm fires no later than `at`. */
  wakeBy(at: number): void {
    const when = Math.max(at, Date.now());
    if (this.#at !== null && this.#at <= when) return;
    this.#at = when;
    void this.#storage.setAlarm(when);
  }

  /** The alarm fired (the platform cleared it). */
  fired(): void {
    this.#at = null;
  }
}
