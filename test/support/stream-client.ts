// A stream client for tests over any WebSocket (workerd's, or Node's `ws`): records every frame, sends
// requests and waits for replies and events.

export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  addEventListener(type: "close", listener: (event: { code: number; reason: string }) => void): void;
}

export interface Closed {
  readonly code: number;
  readonly reason: string;
}

export class StreamClient {
  readonly messages: string[] = [];
  readonly closed: Promise<Closed>;
  readonly #socket: SocketLike;
  readonly #waiters: { test: (text: string) => boolean; resolve: (text: string) => void }[] = [];
  #nextId = 1;
  #isClosed = false;

  constructor(socket: SocketLike) {
    this.#socket = socket;
    this.closed = new Promise((resolve) =>
      socket.addEventListener("close", (event) => {
        this.#isClosed = true;
        resolve({ code: event.code, reason: event.reason });
      }),
    );
    socket.addEventListener("message", (event) => {
      const text = typeof event.data === "string" ? event.data : String(event.data);
      this.messages.push(text);
      for (const waiter of [...this.#waiters]) {
        if (!waiter.test(text)) continue;
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(text);
      }
    });
  }

  send(message: unknown): void {
    this.#socket.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** Sends a request with a fresh numeric id; resolves with the reply carrying that id, parsed. */
  async request(method: string, params?: unknown[]): Promise<Record<string, unknown>> {
    const id = this.#nextId++;
    const reply = this.waitFor((text) => text.endsWith(`"id":${id}}`));
    this.send(params === undefined ? { method, id } : { method, params, id });
    return JSON.parse(await reply) as Record<string, unknown>;
  }

  /** The first frame, already received or still to come, that passes the test. */
  waitFor(test: (text: string) => boolean, timeoutMs = 5000): Promise<string> {
    const seen = this.messages.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching frame within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#waiters.push({
        test,
        resolve: (text) => {
          clearTimeout(timer);
          resolve(text);
        },
      });
    });
  }

  /** Resolves with the matching frames once there are at least `count`. */
  async waitForCount(test: (text: string) => boolean, count: number, timeoutMs = 5000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matching = this.messages.filter(test);
      if (matching.length >= count) return matching;
      if (Date.now() > deadline)
        throw new Error(`only ${matching.length} of ${count} frames within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): void {
    if (this.#isClosed) return;
    try {
      this.#socket.close(1000, "done");
    } catch {
      // Already closed.
    }
  }
}

/** Market data frames (not replies, errors or relay notices). */
export function isData(text: string): boolean {
  return !text.startsWith('{"result"') && !text.startsWith('{"error"') && !text.startsWith('{"relay"');
}
