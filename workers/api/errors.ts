// The one error type at the edge and the one place that renders it, in Binance's `{"code","msg"}` shape.

import { type GatewayErrorReason, toWireError } from "../../shared/errors.ts";

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
  const headers = new Headers({ "Content-Type": "application/json", "X-Gateway-Error": reason.kind });
  if (reason.kind === "upstream-banned" || reason.kind === "weight-budget") {
    headers.set("Retry-After", String(Math.max(1, Math.ceil((reason.until - Date.now()) / 1000))));
  }
  return new Response(JSON.stringify({ code: wire.code, msg: wire.msg }), { status: wire.status, headers });
}
