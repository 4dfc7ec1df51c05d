// A set of callbacks with an unsubscribe function per registration. A callback that throws must not stop the
// others (nor the socket handler that is emitting), so its error goes to `report` instead.

export class Listeners<T> {
  readonly #listeners = new Set<(value: T) => void>();
  readonly #report: (error: unknown) => void;

  constructor(report: (error: unknown) => void) {
    this.#report = report;
  }

  add(listener: (value: T) => void): () => void {
    // A wrapper per registration, so the same function added twice is two registrations.
    const entry = (value: T) => listener(value);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  emit(value: T): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(value);
      } catch (error) {
        this.#report(error);
      }
    }
  }
}
