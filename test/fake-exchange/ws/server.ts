// The WebSocket side of the fake: market-stream endpoints on the HTTP server's "upgrade" event, numbered
// event sources per stream, and fault injection (drop, stall, close) on the open connections.

import type { IncomingMessage, Server } from "node:http";
import { createRequire } from "node:module";
import type { Duplex } from "node:stream";
import type { WebSocketServer as WebSocketServerType } from "ws";

// Loaded with require: the workers test project's bundler resolves the `ws` import to its browser build.
const { WebSocketServer } = createRequire(import.meta.url)("ws") as {
  WebSocketServer: typeof WebSocketServerType;
};

import type { Market } from "../types.ts";
import { StreamConnection } from "./connection.ts";
import { payloadFor } from "./payloads.ts";
import { parseStreamTarget } from "./routes.ts";
import type { FakeStreams, StreamFilter, StreamOptions } from "./types.ts";

/** The first sequence number of every stream: 2^53 + 1, the first integer a JS number cannot hold. */
export const FIRST_SEQUENCE = 2n ** 53n + 1n;

export const DEFAULT_STREAM_OPTIONS: Readonly<StreamOptions> = {
  pingIntervalMs: 180_000,
  pongTimeoutMs: 600_000,
  maxConnectionMs: 24 * 60 * 60 * 1000,
  maxIncomingPerSecond: 10,
  maxStreamsPerConnection: 1024,
  refuseUpgrades: 0,
  refusedStreams: [],
};

export interface StreamHub extends FakeStreams {
  /** Sends one event on `stream` to the market's connections that may receive it (the simulated market's feed). */
  emit(market: Market, stream: string, payload: string): void;
  /** Every stream some open connection of the market holds. */
  subscribed(market: Market): Set<string>;
  /** Stops every ticker started with startTicker. */
  stopTickers(): void;
  /** Ends every connection and ticker, forgets the connections and restores the initial options. */
  reset(): void;
  /** Ends every connection and ticker and stops accepting upgrades. */
  shutdown(): void;
}

function rejectUpgrade(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
  socket.destroy();
}

function isSendableCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}

function checkOptions(options: Partial<StreamOptions>): void {
  for (const [name, value] of Object.entries(options)) {
    if (!(name in DEFAULT_STREAM_OPTIONS)) throw new Error(`unknown stream option ${name}`);
    if (name === "refusedStreams") {
      if (!Array.isArray(value) || value.some((item) => typeof item !== "string"))
        throw new Error("stream option refusedStreams must be an array of stream names");
      continue;
    }
    const least = name === "refuseUpgrades" ? 0 : 1;
    if (typeof value !== "number" || !Number.isInteger(value) || value < least) {
      throw new Error(`stream option ${name} must be an integer of at least ${least}`);
    }
  }
}

export function attachStreams(server: Server, initial: Partial<StreamOptions> = {}): StreamHub {
  checkOptions(initial);
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
  const sequences = new Map<string, bigint>();
  const tickers = new Set<NodeJS.Timeout>();
  let options: StreamOptions = { ...DEFAULT_STREAM_OPTIONS, ...initial };
  let connections: StreamConnection[] = [];
  let nextId = 1;
  let shutDown = false;

  const matching = (filter: StreamFilter = {}): StreamConnection[] =>
    connections.filter(
      (connection) =>
        connection.isOpen &&
        (filter.route === undefined || connection.route === filter.route) &&
        (filter.connectionId === undefined || connection.id === filter.connectionId) &&
        (filter.stream === undefined || connection.isSubscribed(filter.stream)),
    );

  const stopTickers = (): void => {
    for (const timer of tickers) clearInterval(timer);
    tickers.clear();
  };

  const endAll = (): void => {
    stopTickers();
    for (const connection of connections) connection.terminate();
  };

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = request.url ?? "/";
    const target = parseStreamTarget(path);
    if (shutDown || target === null) {
      rejectUpgrade(socket, "404 Not Found");
    } else if (options.refuseUpgrades === 1) {
      rejectUpgrade(socket, "503 Service Unavailable");
    } else if (target.streams.length > options.maxStreamsPerConnection) {
      rejectUpgrade(socket, "400 Bad Request");
    } else {
      wss.handleUpgrade(request, socket, head, (ws) => {
        const id = nextId++;
        connections.push(new StreamConnection(ws, { ...target, id, path, options: () => options }));
      });
    }
  };
  server.on("upgrade", onUpgrade);

  const publish = (stream: string, count = 1): bigint[] => {
    if (!Number.isInteger(count) || count < 0) throw new Error("count must be a non-negative integer");
    const published: bigint[] = [];
    for (let i = 0; i < count; i++) {
      const seq = (sequences.get(stream) ?? FIRST_SEQUENCE - 1n) + 1n;
      sequences.set(stream, seq);
      published.push(seq);
      const payload = payloadFor(stream, seq, Date.now());
      for (const connection of connections) connection.deliver(stream, payload);
    }
    return published;
  };

  return {
    publish,
    emit: (market, stream, payload) => {
      for (const connection of connections)
        if (connection.market === market) connection.deliver(stream, payload);
    },
    subscribed: (market) => {
      const streams = new Set<string>();
      for (const connection of connections) {
        if (connection.isOpen && connection.market === market)
          for (const stream of connection.streams) streams.add(stream);
      }
      return streams;
    },
    lastSequence: (stream) => sequences.get(stream) ?? null,
    startTicker: (streams, perSecond) => {
      if (!(perSecond > 0)) throw new Error("perSecond must be positive");
      const started = Date.now();
      let done = 0;
      const timer = setInterval(
        () => {
          const due = Math.floor(((Date.now() - started) * perSecond) / 1000);
          if (due <= done) return;
          for (const stream of streams) publish(stream, due - done);
          done = due;
        },
        Math.max(1, Math.min(50, Math.floor(1000 / perSecond))),
      );
      tickers.add(timer);
      return () => {
        clearInterval(timer);
        tickers.delete(timer);
      };
    },
    drop: (filter) => {
      const found = matching(filter);
      for (const connection of found) connection.terminate();
      return found.length;
    },
    stall: (filter, on) => {
      const found = matching(filter);
      for (const connection of found) connection.setStalled(on);
      return found.length;
    },
    deliverUser: (listenKey, payload) => {
      let delivered = 0;
      for (const connection of connections) if (connection.deliver(listenKey, payload)) delivered++;
      return delivered;
    },
    delay: (filter, ms) => {
      if (!Number.isInteger(ms) || ms < 0) throw new Error("delay must be a non-negative integer of ms");
      const found = matching(filter);
      for (const connection of found) connection.setDelay(ms);
      return found.length;
    },
    close: (filter, code = 1000, reason = "") => {
      if (!isSendableCloseCode(code)) throw new Error(`close code ${code} cannot be sent in a close frame`);
      const found = matching(filter);
      for (const connection of found) connection.closeWith(code, reason);
      return found.length;
    },
    stopTickers,
    connections: () => connections.map((connection) => connection.snapshot()),
    setOptions: (partial) => {
      checkOptions(partial);
      options = { ...options, ...partial };
      for (const connection of connections) connection.schedule();
    },
    get options() {
      return options;
    },
    reset: () => {
      endAll();
      connections = [];
      options = { ...DEFAULT_STREAM_OPTIONS, ...initial };
    },
    shutdown: () => {
      shutDown = true;
      endAll();
      server.off("upgrade", onUpgrade);
      wss.close();
    },
  };
}
