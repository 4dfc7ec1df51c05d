// Everything the client needs from its platform: a clock, timers, randomness, sockets and fetch. The logic
// takes them through a ClientRuntime, so it runs unchanged in browsers, Node 22 and Workers, and tests drive it
// with a fake clock, a fake socket and a recording fetch rather than real timers and a network. Each client
// asks only for its part (RestRuntime, StreamRuntime), so a test double needs no more than that part.
// defaultRuntime() is the only code in client/ that reads globalThis, Date.now, Math.random, the timers,
// fetch or WebSocket (test/unit/client/runtime.test.ts checks it).

import type { HttpMethod } from "../shared/catalog/types.ts";

/** The socket events the client acts on, already reduced to text (the relay sends text frames only). */
export interface SocketListener {
  open(): void;
  message(text: string): void;
  close(code: number, reason: string): void;
  error(): void;
}

/** The part of a WebSocket the client uses. */
export interface ClientSocket {
  /** Delivers the socket's events to `listener`; called once, right after the socket is created. */
  listen(listener: SocketListener): void;
  send(text: string): void;
  close(code?: number, reason?: string): void;
}

export interface RestRequestInit {
  readonly method: HttpMethod;
  readonly headers: Record<string, string>;
  readonly signal?: AbortSignal;
}

/** globalThis.fetch satisfies this; so does any test double. */
export type FetchLike = (url: string, init: RestRequestInit) => Promise<Response>;

/** What the REST client needs: fetch, and the clock for SIGNED calls' `timestamp`. */
export interface RestRuntime {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Called without a `this`, so globalThis.fetch itself may be passed. */
  readonly fetch: FetchLike;
}

/** What the stream client needs: a clock, timers, randomness (back-off jitter) and sockets. */
export interface StreamRuntime {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Returns an opaque handle for clearTimeout. */
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** A number in [0, 1). */
  random(): number;
  createSocket(url: string, protocols: readonly string[]): ClientSocket;
}

/** The whole platform: what defaultRuntime() returns, and what either client accepts. */
export interface ClientRuntime extends RestRuntime, StreamRuntime {}

export function defaultRuntime(): ClientRuntime {
  return {
    now: () => Date.now(),
    setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
    // The handle came from globalThis.setTimeout above, whatever its platform type.
    clearTimeout: (handle) => globalThis.clearTimeout(handle as number),
    random: () => Math.random(),
    // Wrapped, not stored: browsers reject fetch called with any `this` but the global object.
    fetch: (url, init) => globalThis.fetch(url, init),
    createSocket: (url, protocols) => {
      if (typeof globalThis.WebSocket !== "function") {
        throw new Error("no global WebSocket: use Node 22 or later, a browser or Workers, or pass a runtime");
      }
      // Workers' constructor takes no empty protocol list, so none is passed when there is none.
      const ws = protocols.length > 0 ? new WebSocket(url, [...protocols]) : new WebSocket(url);
      return adaptWebSocket(ws);
    },
  };
}

const decoder = new TextDecoder();

function adaptWebSocket(ws: WebSocket): ClientSocket {
  return {
    listen(listener) {
      ws.addEventListener("open", () => listener.open());
      ws.addEventListener("message", (event) => {
        const text = textOf(event.data);
        if (text !== null) listener.message(text);
      });
      ws.addEventListener("close", (event) => listener.close(event.code, event.reason));
      ws.addEventListener("error", () => listener.error());
    },
    send: (text) => ws.send(text),
    close: (code, reason) => ws.close(code, reason),
  };
}

/** Binary frames are not part of the protocol; one that arrives as an ArrayBuffer is read as UTF-8 anyway. */
function textOf(data: unknown): string | null {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return decoder.decode(data);
  return null;
}
