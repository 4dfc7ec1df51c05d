// HTTP control API under /__fake/ for tests that cannot call this process's JS methods (workerd).

import {
  readAccount,
  recordNotification,
  writeAccount,
  writePrice,
  writeStrict,
} from "./accounts/account-control.ts";
import { active, expireListenKey, forgetListenKey } from "./accounts/listen-keys.ts";
import { type Json, rawNumber } from "./json.ts";
import { enqueueFault } from "./rest/faults.ts";
import { jsonReply, okJson, type Reply } from "./rest/replies.ts";
import { writeWeight } from "./rest/weights.ts";
import { type ExchangeState, registerKey, resetState, serverTime, simulationOf } from "./state.ts";
import type {
  FakeAlgoOrder,
  FakeKey,
  FakeOrder,
  Market,
  SimulationOptions,
  SimulationStatus,
} from "./types.ts";
import { handleStreamControl } from "./ws/control.ts";
import type { StreamHub } from "./ws/server.ts";

export const CONTROL_PREFIX = "/__fake/";

function listenKeyOf(body: unknown): string {
  const listenKey = (body as { listenKey?: unknown } | undefined)?.listenKey;
  if (typeof listenKey !== "string") throw new Error('expected {"listenKey": "..."}');
  return listenKey;
}

function badRequest(message: string): Reply {
  return jsonReply(400, { error: message });
}

function parseJsonBody(rawBody: string): unknown {
  return rawBody.trim() === "" ? undefined : JSON.parse(rawBody);
}

function marketParam(rawQuery: string): Market {
  return new URLSearchParams(rawQuery).get("market") === "cm" ? "cm" : "um";
}

export function orderSnapshot(order: FakeOrder): Json {
  return { ...order, orderId: rawNumber(order.orderId), params: { ...order.params } };
}

export function algoOrderSnapshot(order: FakeAlgoOrder): Json {
  return { ...order, algoId: rawNumber(order.algoId), params: { ...order.params } };
}

function eachItem(body: unknown, apply: (item: unknown) => void): void {
  for (const item of Array.isArray(body) ? body : [body]) apply(item);
}

function asKey(item: unknown): FakeKey {
  if (typeof item !== "object" || item === null) throw new Error("key must be a JSON object");
  return item as FakeKey;
}

/** POST /__fake/sim {"on": true, "symbols"?, "tradesPerSecond"?, "seed"?} (re)starts it; {"on": false} stops it. */
function writeSimulation(state: ExchangeState, body: unknown): SimulationStatus {
  if (typeof body !== "object" || body === null || Array.isArray(body) || !("on" in body))
    throw new Error('expected {"on": true|false, "symbols"?: [...], "tradesPerSecond"?: <n>, "seed"?: <n>}');
  const { on, ...options } = body as { on: unknown } & SimulationOptions;
  if (typeof on !== "boolean") throw new Error('"on" must be true or false');
  const simulation = simulationOf(state);
  if (on) return simulation.start(options);
  simulation.stop();
  return simulation.status();
}

function setClock(state: ExchangeState, body: unknown): Reply {
  const skew = typeof body === "object" && body !== null && "skewMs" in body ? body.skewMs : undefined;
  if (typeof skew !== "number" || !Number.isFinite(skew)) return badRequest('expected {"skewMs": <number>}');
  state.skewMs = skew;
  return okJson({ skewMs: skew, serverTime: serverTime(state) });
}

function route(
  state: ExchangeState,
  method: string,
  name: string,
  rawQuery: string,
  body: unknown,
  streams: StreamHub | null,
): Reply | null {
  if (name.startsWith("streams/")) {
    return streams === null ? null : handleStreamControl(streams, method, name.slice(8), body);
  }
  switch (`${method} ${name}`) {
    case "POST keys":
      eachItem(body, (item) => registerKey(state, asKey(item)));
      return okJson({});
    case "POST clock":
      return setClock(state, body);
    case "GET clock":
      return okJson({ skewMs: state.skewMs, serverTime: serverTime(state) });
    case "POST faults":
      eachItem(body, (item) => enqueueFault(state.faults, item));
      return okJson({});
    case "DELETE faults":
      state.faults.length = 0;
      return okJson({});
    case "POST reset":
      resetState(state);
      streams?.reset();
      return okJson({});
    case "GET requests":
      return okJson(state.requests.map((request) => ({ ...request, headers: { ...request.headers } })));
    case "GET orders":
      return okJson(state.orders[marketParam(rawQuery)].orders.map(orderSnapshot));
    case "GET algo-orders":
      return okJson(state.algo.orders.map(algoOrderSnapshot));
    case "GET listen-keys":
      return okJson(
        active(state.listenKeys, serverTime(state))
          .filter((key) => key.market === marketParam(rawQuery))
          .map((key) => ({ ...key })),
      );
    case "POST listen-keys/expire":
      return okJson({ ended: expireListenKey(state.listenKeys, listenKeyOf(body), serverTime(state)) });
    case "POST listen-keys/forget":
      return okJson({ ended: forgetListenKey(state.listenKeys, listenKeyOf(body), serverTime(state)) });
    case "GET accounts":
      return okJson(readAccount(state, rawQuery));
    case "POST accounts":
      return okJson(writeAccount(state, body));
    case "POST prices":
      return okJson(writePrice(state, body));
    case "POST sim":
      return okJson(writeSimulation(state, body));
    case "GET sim":
      return okJson(simulationOf(state).status());
    case "POST weight":
      return okJson(writeWeight(state.weights, body, Date.now()));
    case "POST strict":
      return okJson(writeStrict(state, body));
    case "GET strict":
      return okJson({ on: state.strictFilters });
    case "GET notify":
      return okJson(state.notifications.map((item) => ({ ...item, headers: { ...item.headers } })));
    case "POST listings": {
      const { market, symbol } = (body ?? {}) as Record<string, unknown>;
      if ((market !== "um" && market !== "cm") || typeof symbol !== "string" || symbol === "")
        throw new Error('expected {"market": "um"|"cm", "symbol": "<NEW SYMBOL>"}');
      if (!state.listings[market].includes(symbol)) state.listings[market].push(symbol);
      return okJson({ listings: state.listings[market] });
    }
    case "POST user-events": {
      const { market, apiKey, payload } = (body ?? {}) as Record<string, unknown>;
      if ((market !== "um" && market !== "cm") || typeof apiKey !== "string" || typeof payload !== "string")
        throw new Error('expected {"market": "um"|"cm", "apiKey": "...", "payload": "<event JSON>"}');
      state.userEvents(market, apiKey, payload);
      return okJson({});
    }
    default:
      return null;
  }
}

/**
 * Answers a /__fake/… request; control requests are never recorded and never faulted. POST /__fake/notify/…
 * takes any body (it stands in for a webhook notification receiver) and answers 204.
 */
export function handleControlRequest(
  state: ExchangeState,
  method: string,
  path: string,
  rawQuery: string,
  rawBody: string,
  streams: StreamHub | null = null,
  headers: Readonly<Record<string, string>> = {},
): Reply {
  const name = path.slice(CONTROL_PREFIX.length);
  if (method === "POST" && name.startsWith("notify/")) {
    recordNotification(state, path, rawQuery, rawBody, headers);
    return { status: 204, contentType: "text/plain", body: "", headers: {} };
  }
  try {
    const reply = route(state, method, name, rawQuery, parseJsonBody(rawBody), streams);
    return reply ?? jsonReply(404, { error: `no control endpoint ${method} ${path}` });
  } catch (error) {
    return badRequest(error instanceof Error ? error.message : String(error));
  }
}
