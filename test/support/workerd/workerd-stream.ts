// Connecting to the relay from a test running inside workerd: an upgrade through the Worker's own fetch.

import { exports } from "cloudflare:workers";
import { StreamClient } from "../stream-client.ts";

export class RefusedError extends Error {
  readonly status: number;
  constructor(status: number, body: string) {
    super(`refused ${status}: ${body}`);
    this.status = status;
  }
}

export async function connectRelay(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ client: StreamClient; response: Response }> {
  const response = await exports.default.fetch(
    new Request(`https://gateway.test${path}`, { headers: { Upgrade: "websocket", ...headers } }),
  );
  const ws = response.webSocket;
  if (response.status !== 101 || ws === null) throw new RefusedError(response.status, await response.text());
  ws.accept();
  return { client: new StreamClient(ws), response };
}
