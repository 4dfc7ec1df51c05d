// The HTTP server: raw request capture, dispatch to the control API or the exchange, clean shutdown.
// The market-stream WebSocket side (ws-server.ts) listens on the same server's "upgrade" event.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { active } from "./accounts/listen-keys.ts";
import { listenKeyExpired } from "./accounts/user-events.ts";
import { CONTROL_PREFIX, handleControlRequest } from "./control-api.ts";
import { handleExchangeRequest } from "./rest/exchange-request.ts";
import { binanceError, type Reply } from "./rest/replies.ts";
import { createSimulation } from "./sim/simulation.ts";
import { type ExchangeState, serverTime } from "./state.ts";
import type { SimulationOptions } from "./types.ts";
import { attachStreams, type StreamHub } from "./ws/server.ts";
import type { StreamOptions } from "./ws/types.ts";

export interface RunningServer {
  readonly server: Server;
  readonly url: string;
  /** "ws://<host>:<port>" */
  readonly wsUrl: string;
  readonly streams: StreamHub;
  close(): Promise<void>;
}

interface PendingDelay {
  timer: NodeJS.Timeout;
  reject: (error: Error) => void;
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}

function send(response: ServerResponse, reply: Reply): void {
  response.writeHead(reply.status, { "Content-Type": reply.contentType, ...reply.headers });
  response.end(reply.body);
}

export interface ServerOptions {
  port?: number;
  host?: string;
  streams?: Partial<StreamOptions>;
  simulate?: SimulationOptions;
}

export async function startServer(state: ExchangeState, options: ServerOptions = {}): Promise<RunningServer> {
  const { port = 0, host = "127.0.0.1" } = options;
  const pending = new Set<PendingDelay>();
  let closing = false;
  let closed: Promise<void> | null = null;

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve, reject) => {
      if (closing) return reject(new Error("fake exchange closed"));
      const entry: PendingDelay = {
        timer: setTimeout(() => {
          pending.delete(entry);
          resolve();
        }, ms),
        reject,
      };
      pending.add(entry);
    });

  async function onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const rawUrl = request.url ?? "/";
    const queryAt = rawUrl.indexOf("?");
    const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    const rawQuery = queryAt === -1 ? "" : rawUrl.slice(queryAt + 1);
    const method = request.method ?? "GET";
    const rawBody = await readBody(request);
    const headers = flattenHeaders(request);
    if (path.startsWith(CONTROL_PREFIX)) {
      send(response, handleControlRequest(state, method, path, rawQuery, rawBody, streams, headers));
      return;
    }
    const reply = await handleExchangeRequest(state, { method, path, rawQuery, rawBody, headers }, wait);
    send(response, reply);
  }

  const server = createServer((request, response) => {
    onRequest(request, response).catch((error: unknown) => {
      if (closing) {
        response.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      if (!response.headersSent) send(response, binanceError(500, -1000, `fake exchange error: ${message}`));
      else response.destroy();
    });
  });

  const streams = attachStreams(server, options.streams);
  const simulation = createSimulation(state.prices, streams, options.simulate);
  state.simulation = simulation;
  simulation.reset();
  // User data: order events go to the listen keys of the API key that caused them; expiry is announced.
  state.userEvents = (market, apiKey, payload) => {
    for (const key of active(state.listenKeys, serverTime(state)))
      if (key.market === market && key.apiKey === apiKey) streams.deliverUser(key.listenKey, payload);
  };
  state.listenKeys.onExpired = (key, now) => {
    streams.deliverUser(key.listenKey, listenKeyExpired(key.listenKey, now));
  };
  const expiry = setInterval(() => active(state.listenKeys, serverTime(state)), 100);
  expiry.unref();

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("fake exchange: no TCP address");

  return {
    server,
    url: `http://${host}:${address.port}`,
    wsUrl: `ws://${host}:${address.port}`,
    streams,
    close: () => {
      if (closed !== null) return closed;
      closing = true;
      clearInterval(expiry);
      simulation.stop();
      streams.shutdown();
      for (const entry of pending) {
        clearTimeout(entry.timer);
        entry.reject(new Error("fake exchange closed"));
      }
      pending.clear();
      closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
}
