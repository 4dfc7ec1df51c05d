// The REST gateway: route -> catalog -> caller -> scope and symbols (an algo order addressed by id is looked up
// first for a symbol-restricted caller) -> the call through the egress client ->
// Binance's answer, status and body byte for byte (the body is never parsed or re-serialised: order ids
// exceed 2^53), with the weight and order-count headers passed on.

import { authorize } from "../../../shared/auth/authorize.ts";
import { findEndpoint, pathExists } from "../../../shared/catalog/index.ts";
import type { HttpMethod } from "../../../shared/catalog/types.ts";
import type { CallOrigin, EgressReply } from "../../../shared/rest/egress-reply.ts";
import { prepareEgressRequest } from "../../../shared/rest/prepare.ts";
import { replayGuardFor } from "../../../shared/rest/replay-guard.ts";
import { isProtective } from "../../../shared/rest/request-weight.ts";
import { resolveRoute } from "../../../shared/rest/route.ts";
import type { GatewayOptions } from "../../config/index.ts";
import { EgressClient } from "../../egress/client.ts";
import { authenticate } from "../authenticate.ts";
import type { RouteContext } from "../context.ts";
import { GatewayError, renderError } from "../errors.ts";
import { readIncoming } from "../incoming.ts";
import { resolveAlgoOrder } from "./algo-order-resolve.ts";
import { handleListenKey } from "./listen-key.ts";

const TIMEOUT_HEADER = "X-Gateway-Timeout-Ms";
const REPLAY_HEADER = "X-Gateway-Replay";

export async function proxyRest(c: RouteContext): Promise<Response> {
  const started = Date.now();
  const { options, log } = c.var;
  const [request, env] = [c.req.raw, c.env];
  const url = new URL(request.url);
  const method = request.method.toUpperCase() as HttpMethod;
  const route = resolveRoute(url.pathname);
  const endpoint = route === null ? undefined : findEndpoint(route.market, method, route.path);
  if (route === null || endpoint === undefined) {
    const pathKnown = route !== null && pathExists(route.market, route.path);
    throw new GatewayError({
      kind: "unknown-endpoint",
      method: request.method,
      path: url.pathname,
      pathKnown,
    });
  }
  const call = await readIncoming(request, options.maxBodyBytes);
  const caller = await authenticate(
    { caller: c.var.caller, registry: options.registry },
    call,
    endpoint,
    Date.now(),
  );
  const params = [...call.query, ...(call.body ?? [])];
  const access = authorize(caller.client, endpoint, params);
  if (!access.ok) throw new GatewayError(access.error);
  // What each request's log line says about it (never parameters, keys or signatures).
  const summary = {
    client: caller.client.name,
    mode: caller.mode,
    market: route.market,
    method,
    endpoint: endpoint.name,
  };
  if (endpoint.path.endsWith("/listenKey") && method !== "GET") {
    const response = await handleListenKey(
      c,
      {
        method: method as "POST" | "PUT" | "DELETE",
        market: route.market,
        params,
      },
      caller.client,
    );
    log.log("info", "request", { ...summary, status: response.status, ms: Date.now() - started });
    return response;
  }
  const upstream = prepareEgressRequest(route.market, endpoint, call.query, call.body, newClientOrderId);
  if (!upstream.ok) throw new GatewayError(upstream.error);
  const origin: CallOrigin = {
    caller: { kind: "client", name: caller.client.name },
    weightPerMinute: caller.client.weightPerMinute,
    replay: await replayGuardFor({
      client: caller.client.name,
      mode: caller.mode,
      market: route.market,
      method,
      path: endpoint.path,
      security: endpoint.security,
      params,
    }),
  };
  const egress = new EgressClient(env, options);
  const outgoing =
    access.value.kind === "resolve-algo-order"
      ? await resolveAlgoOrder(caller.client, access.value.lookup, upstream.value, (lookup) =>
          egress.send(lookup, timeoutFor(request, options, "GET"), {
            ...origin,
            replay: null,
            forProtectiveWrite: isProtective(upstream.value) || undefined,
          }),
        )
      : upstream.value;
  const reply = await egress.send(
    { ...outgoing, account: caller.client.account },
    timeoutFor(request, options, method),
    origin,
  );
  const response = render(reply);
  log.log("info", "request", {
    ...summary,
    status: response.status,
    error: reply.kind === "error" ? reply.reason.kind : undefined,
    reconciled: reply.kind === "response" ? reply.reconciled : undefined,
    replayed: reply.replayed,
    ms: Date.now() - started,
  });
  return response;
}

function render(reply: EgressReply): Response {
  if (reply.kind === "error") {
    const response = renderError(reply.reason);
    if (reply.replayed === true) response.headers.set(REPLAY_HEADER, "original");
    return response;
  }
  const headers = new Headers(reply.headers);
  if (reply.reconciled !== undefined) headers.set("X-Gateway-Reconciled", reply.reconciled);
  // An exact copy of an earlier write: this is that write's answer, and nothing was sent again.
  if (reply.replayed === true) headers.set(REPLAY_HEADER, "original");
  // A status that cannot carry a body (Binance does not send these, but a proxy might) must not get one.
  const bodyless = reply.status === 204 || reply.status === 205 || reply.status === 304;
  return new Response(bodyless ? null : reply.body, { status: reply.status, headers });
}

/**
 * Per-call deadline for each upstream attempt: X-Gateway-Timeout-Ms (100 to 60000 for reads, 1000 to 60000 for
 * writes) or UPSTREAM_TIMEOUT_MS.
 */
function timeoutFor(request: Request, options: GatewayOptions, method: HttpMethod): number {
  const header = request.headers.get(TIMEOUT_HEADER)?.trim() ?? "";
  const asked = /^\d{1,6}$/.test(header) ? Number(header) : Number.NaN;
  // Writes get at least a second: a shorter deadline only turns answers into "outcome unknown".
  const floor = method === "GET" ? 100 : 1000;
  return Number.isInteger(asked) ? Math.min(Math.max(asked, floor), 60_000) : options.timeoutMs;
}

/** Binance accepts ^[.A-Z:/a-z0-9_-]{1,36}$; "gw-" plus 32 hex digits of a random UUID is 35. */
function newClientOrderId(): string {
  return `gw-${crypto.randomUUID().replaceAll("-", "")}`;
}
