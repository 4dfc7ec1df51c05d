// The baseline for `npm run bench`: a plain Node relay built on the `ws` package, doing the relay's job in the
// simplest efficient way (one upstream connection, the raw payload sliced once per frame, one send per client).
// Run as its own process: `node bench/node-relay.ts <upstream ws url> <stream>`; prints its port.

import { createServer } from "node:http";
import { WebSocket, WebSocketServer } from "ws";

const [upstreamUrl, stream] = process.argv.slice(2);
if (upstreamUrl === undefined || stream === undefined)
  throw new Error("usage: node-relay.ts <upstream ws url> <stream>");

const prefix = `{"stream":"${stream}","data":`;
const server = createServer();
const wss = new WebSocketServer({ server, perMessageDeflate: false });
const upstream = new WebSocket(`${upstreamUrl}/market/stream`, { perMessageDeflate: false });
upstream.on("open", () => upstream.send(JSON.stringify({ method: "SUBSCRIBE", params: [stream], id: 1 })));
upstream.on("message", (data) => {
  const text = data.toString();
  if (!text.startsWith(prefix)) return;
  const payload = text.slice(prefix.length, -1);
  for (const client of wss.clients) client.send(payload);
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`${typeof address === "object" && address !== null ? address.port : 0}\n`);
});
process.on("SIGTERM", () => process.exit(0));
