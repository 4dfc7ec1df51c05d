// One Binance-path request: record, faults, parameters, security, handler, rate-limit headers.

import { type ExchangeState, serverTime } from "../state.ts";
import type { RecordedRequest } from "../types.ts";
import { authenticate } from "./auth.ts";
import { faultReply, takeFaults } from "./faults.ts";
import { type Params, parseRequestParams } from "./params.ts";
import { errors, isReply, jsonReply, okJson, type Reply } from "./replies.ts";
import { findRoute, marketOf, type Route } from "./routes.ts";
import { addOrders, addWeight, exceedsLimit } from "./weights.ts";

export interface IncomingRequest {
  method: string;
  path: string;
  rawQuery: string;
  rawBody: string;
  headers: Record<string, string>;
}

interface Processed {
  reply: Reply;
  route: Route | undefined;
  params: Params;
  /** The handler ran (the request passed parsing and security). */
  handled: boolean;
}

const NO_PARAMS: Params = new Map();
const NOT_HANDLED: Processed = { reply: okJson({}), route: undefined, params: NO_PARAMS, handled: false };

function isFormBody(headers: Record<string, string>): boolean {
  return (headers["content-type"] ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded");
}

function processRequest(state: ExchangeState, request: IncomingRequest, record: RecordedRequest): Processed {
  const market = marketOf(request.path);
  if (market === null)
    return { reply: errors.notFound(), route: undefined, params: NO_PARAMS, handled: false };
  const route = findRoute(request.method, request.path);
  const rawForm = isFormBody(request.headers) ? request.rawBody : "";
  const parsed = parseRequestParams(request.rawQuery, rawForm);
  if (isReply(parsed)) return { reply: parsed, route, params: NO_PARAMS, handled: false };
  const now = serverTime(state);
  const auth = authenticate(state, route?.security ?? null, record.apiKey, parsed, now);
  if (isReply(auth)) return { reply: auth, route, params: parsed.params, handled: false };
  record.signed = auth.signed;
  const context = { state, market, method: request.method, path: request.path, params: parsed.params, now };
  const reply =
    route === undefined
      ? okJson({ fake: "generic", method: request.method, path: request.path })
      : route.handler({ ...context, apiKey: auth.apiKey });
  return { reply, route, params: parsed.params, handled: true };
}

function withRateLimitHeaders(state: ExchangeState, processed: Processed): Reply {
  const now = Date.now();
  const { reply, route, params } = processed;
  const headers: Record<string, string> = {
    ...reply.headers,
    "X-MBX-USED-WEIGHT-1M": String(addWeight(state.weights, route?.weight(params) ?? 1, now)),
  };
  if (route?.orderCount !== undefined) {
    const [tenSeconds, minute] = processed.handled ? route.orderCount(params) : [0, 0];
    const counts = addOrders(state.weights, tenSeconds, minute, now);
    headers["X-MBX-ORDER-COUNT-10S"] = String(counts.tenSeconds);
    headers["X-MBX-ORDER-COUNT-1M"] = String(counts.minute);
  }
  return { ...reply, headers };
}

/**
 * Handles a request to a Binance path. `wait` implements injected delays (it rejects when the fake closes).
 * The request is recorded on arrival; its status is filled in when the reply is ready.
 */
export async function handleExchangeRequest(
  state: ExchangeState,
  request: IncomingRequest,
  wait: (ms: number) => Promise<void>,
): Promise<Reply> {
  const record: RecordedRequest = {
    method: request.method,
    path: request.path,
    rawQuery: request.rawQuery,
    rawBody: request.rawBody,
    headers: request.headers,
    apiKey: request.headers["x-mbx-apikey"] ?? null,
    signed: false,
    status: 0,
    at: Date.now(),
  };
  state.requests.push(record);
  const { delayMs, fault } = takeFaults(state.faults, request.method, request.path);
  if (delayMs > 0) await wait(delayMs);
  const overLimit = weightLimitReply(state, request);
  if (overLimit !== null) {
    record.status = overLimit.status;
    return overLimit;
  }
  let reply: Reply;
  const executes =
    fault !== null && (fault.kind === "unknown-503" || fault.kind === "cdn-5xx") && fault.execute;
  if (fault === null || executes) {
    const processed = processRequest(state, request, record);
    reply = withRateLimitHeaders(state, processed);
    if (fault !== null)
      reply = { ...faultReply(fault, request.path, serverTime(state)), headers: reply.headers };
  } else {
    const faulted = faultReply(fault, request.path, serverTime(state));
    reply =
      fault.kind === "html-403" || fault.kind === "cdn-5xx" || fault.kind === "redirect"
        ? faulted
        : withRateLimitHeaders(state, { ...NOT_HANDLED, reply: faulted });
  }
  record.status = reply.status;
  return reply;
}

/** Binance's answer past its IP weight limit (when one is set): 429 -1003, the request not executed. */
function weightLimitReply(state: ExchangeState, request: IncomingRequest): Reply | null {
  if (state.weights.limit === null) return null;
  const now = Date.now();
  const route = findRoute(request.method, request.path);
  const parsed = parseRequestParams(request.rawQuery, isFormBody(request.headers) ? request.rawBody : "");
  const weight = route === undefined || isReply(parsed) ? 1 : route.weight(parsed.params);
  if (!exceedsLimit(state.weights, weight, now)) return null;
  const msg = `Too many requests; current limit of IP(127.0.0.1) request weight is ${state.weights.limit} per MINUTE. Please use the websocket for live updates to avoid polling the API.`;
  return jsonReply(
    429,
    { code: -1003, msg },
    {
      "Retry-After": String(Math.ceil((60_000 - (now % 60_000)) / 1000)),
      "X-MBX-USED-WEIGHT-1M": String(addWeight(state.weights, 0, now)),
    },
  );
}
