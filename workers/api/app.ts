// The Hono application: health, stream tokens, webhooks, the stream relay's WebSocket paths, the Binance REST surface,
// and one error handler that renders every refusal in Binance's error shape.

import { Hono } from "hono";
import { type GatewayOptions, loadGatewayOptions } from "../config/index.ts";
import type { GatewayEnv } from "../env.ts";
import { createLogger } from "../log.ts";
import { GatewayError, renderError } from "./errors.ts";
import { health } from "./routes/health.ts";
import { proxyRest } from "./routes/rest-proxy.ts";
import { connectStream, isStreamPath } from "./routes/stream-connect.ts";
import { mintTokenFor } from "./routes/stream-token.ts";
import { alertStatus, receiveAlert } from "./routes/webhooks.ts";

export const app = new Hono<{ Bindings: GatewayEnv }>();

app.get("/gateway/health", (c) => health(c.req.raw, c.env));

app.post("/gateway/stream-token", async (c) => mintTokenFor(c.req.raw, await optionsOrThrow(c.env)));

app.post("/hooks/:hookId", async (c) =>
  receiveAlert(
    c.req.raw,
    c.env,
    await optionsOrThrow(c.env),
    c.req.param("hookId"),
    createLogger(c.env.LOG_LEVEL),
  ),
);

app.get("/hooks/:hookId/alerts/:alertId", async (c) =>
  alertStatus(c.req.raw, c.env, await optionsOrThrow(c.env), c.req.param("hookId"), c.req.param("alertId")),
);

app.all("*", async (c) => {
  const options = await optionsOrThrow(c.env);
  if (isStreamPath(new URL(c.req.url).pathname)) return connectStream(c.req.raw, c.env, options);
  return proxyRest(c.req.raw, c.env, options, createLogger(c.env.LOG_LEVEL));
});

async function optionsOrThrow(env: GatewayEnv): Promise<GatewayOptions> {
  const options = await loadGatewayOptions(env);
  if (!options.ok) throw new GatewayError({ kind: "gateway-misconfigured", message: options.error });
  return options.value;
}

app.onError((error, c) => {
  if (error instanceof GatewayError) return renderError(error.reason);
  // Unexpected: log the type only (messages can carry request data) and answer like Binance's -1000.
  createLogger(c.env.LOG_LEVEL).log("error", "unhandled", { error: error.name });
  return c.json({ code: -1000, msg: "An unknown error occurred while processing the request." }, 500);
});
