// The one error type at the edge and the one place that renders it, in Binance's `{"code","msg"}` shape.
// It has no Hono dependency, so the Durable Objects render their refusals here too.

import {
  errorBody,
  type GatewayErrorKind,
  type GatewayErrorReason,
  toWireError,
} from "../../shared/errors.ts";

/** Answers that are Binance's own to the byte (its -1125 for a listen key): no header says the gateway made them. */
const BINANCES_OWN: ReadonlySet<GatewayErrorKind> = new Set(["listen-key-unknown"]);

export class GatewayError extends Error {
  readonly reason: GatewayErrorReason;

  constructor(reason: GatewayErrorReason) {
    super(reason.kind);
    this.name = "GatewayError";
    this.reason = reason;
  }
}

export function renderError(reason: GatewayErrorReason): Response {
  const wire = toWireError(reason);
  const headers = new Headers({ "Content-Type": "application/json" });
  if (!BINANCES_OWN.has(reason.kind)) headers.set("X-Gateway-Error", reason.kind);
  if (reason.kind === "upstream-banned" || reason.kind === "weight-budget") {
    headers.set("Retry-After", String(Math.max(1, Math.ceil((reason.until - Date.now()) / 1000))));
  }
  return new Response(errorBody(reason), { status: wire.status, headers });
}

/** A WebSocket connection to the stream relay refused (by the gateway or by the relay object). */
export function refuseStream(status: number, detail: string): Response {
  return renderError({ kind: "stream-refused", status, detail });
}
