// Connecting to the relay from Node with the `ws` package; the frames are handled by StreamClient.

import WebSocket from "ws";
import { StreamClient } from "./stream-client.ts";

export const RelayTestClient = {
  /** Connects, or rejects with the HTTP status and body of a refused handshake. */
  connect(
    url: string,
    options: { protocols?: string[]; headers?: Record<string, string> } = {},
  ): Promise<StreamClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options.protocols, { headers: options.headers });
      ws.once("open", () =>
        resolve(new StreamClient(ws as unknown as ConstructorParameters<typeof StreamClient>[0])),
      );
      ws.once("unexpected-response", (_request, response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => {
          body += chunk.toString();
        });
        response.on("end", () => reject(new Error(`refused ${response.statusCode}: ${body}`)));
      });
      ws.once("error", reject);
    });
  },
};
