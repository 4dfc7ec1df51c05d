// The runtime's ceiling for `npm run bench`: the least a Durable Object can do to fan one upstream feed out to K
// WebSockets, accepted with the hibernation API as the relay accepts its clients. No limits, no backlog, no
// bookkeeping: the relay's rows read as a share of this. Bench-only (its own bench/ceiling/wrangler.toml).
import { DurableObject } from "cloudflare:workers";

interface Env {
  readonly FANOUT: DurableObjectNamespace<Fanout>;
  /** The fake exchange's combined-stream endpoint, e.g. ws://127.0.0.1:<port>/market/stream. */
  readonly UPSTREAM_URL: string;
  readonly STREAM: string;
}

export class Fanout extends DurableObject<Env> {
  #clients: WebSocket[] = [];
  #upstream: Promise<WebSocket | null> | null = null;

  override async fetch(): Promise<Response> {
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server);
    this.#clients = this.ctx.getWebSockets();
    this.#upstream ??= this.#openUpstream().catch(() => null);
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketClose(ws: WebSocket): void {
    this.#forget(ws);
  }

  override webSocketError(ws: WebSocket): void {
    this.#forget(ws);
  }

  #forget(ws: WebSocket): void {
    this.#clients = this.ctx.getWebSockets().filter((s) => s !== ws && s.readyState === WebSocket.OPEN);
    if (this.#clients.length > 0) return;
    // The last client gone: drop the feed, as the relay does, so the next row starts from a fresh upstream.
    const upstream = this.#upstream;
    this.#upstream = null;
    void upstream?.then((socket) => socket?.close(1000, "no clients"));
  }

  async #openUpstream(): Promise<WebSocket | null> {
    const response = await fetch(this.env.UPSTREAM_URL.replace(/^ws/, "http"), {
      headers: { Upgrade: "websocket" },
    });
    const socket = response.webSocket;
    if (socket === null) return null;
    socket.accept();
    const prefix = `{"stream":"${this.env.STREAM}","data":`;
    socket.addEventListener("message", (event) => {
      const text = String(event.data);
      if (!text.startsWith(prefix)) return;
      const payload = text.slice(prefix.length, -1);
      for (const client of this.#clients) {
        try {
          client.send(payload);
        } catch {
          // Closed meanwhile; webSocketClose drops it from the list.
        }
      }
    });
    socket.send(JSON.stringify({ method: "SUBSCRIBE", params: [this.env.STREAM], id: 1 }));
    return socket;
  }
}

export default {
  fetch: (request, env) => env.FANOUT.get(env.FANOUT.idFromName("ceiling")).fetch(request),
} satisfies ExportedHandler<Env>;
