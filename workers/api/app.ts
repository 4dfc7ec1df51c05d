// The Hono application: health, stream tokens, webhooks, the stream relay's WebSocket paths, the Binance REST surface,
// and one error handler that renders every refusal in Binance's error shape. The middleware puts the logger, the
// options and the caller on every request's context first (workers/api/context.ts).

import { Hono } from "hono";
import { logLevelOf } from "../config/index.ts";
import { createLogger } from "../log.ts";
import { type GatewayHono, gatewayContext, withOptions } from "./context.ts";
import { GatewayError, renderError } from "./errors.ts";
import { health } from "./routes/health.ts";
import { proxyRest } from "./routes/rest-proxy.ts";
import { connectStream, isStreamPath } from "./routes/stream-connect.ts";
import { mintTokenFor } from "./routes/stream-token.ts";
import { alertStatus, receiveAlert } from "./routes/webhooks.ts";

export const app = new Hono<GatewayHono>();

app.use(gatewayContext);

app.get("/gateway/health", health);

app.post("/gateway/stream-token", withOptions, mintTokenFor);

app.post("/hooks/:hookId", withOptions, receiveAlert);

app.get("/hooks/:hookId/alerts/:alertId", withOptions, alertStatus);

app.all("*", withOptions, (c) =>
  isStreamPath(new URL(c.req.url).pathname) ? connectStream(c) : proxyRest(c),
);

app.onError((error, c) => {
  if (error instanceof GatewayError) return renderError(error.reason);
  // Unexpected: log the type only (messages can carry request data) and answer like Binance's -1000.
  createLogger(logLevelOf(c.env)).log("error", "unhandled", { error: error.name });
  return c.json({ code: -1000, msg: "An unknown error occurred while processing the request." }, 500);
});
