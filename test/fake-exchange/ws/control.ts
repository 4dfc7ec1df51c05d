// HTTP control endpoints for the stream side, under /__fake/streams/…, for tests running inside workerd.

import type { Reply } from "../rest/replies.ts";
import type { StreamHub } from "./server.ts";
import type { StreamFilter, StreamOptions, StreamRoute } from "./types.ts";

const ROUTES: readonly StreamRoute[] = ["public", "market", "private", "unrouted", "dstream"];

function json(status: number, value: unknown): Reply {
  return { status, contentType: "application/json", body: JSON.stringify(value), headers: {} };
}

function member(body: unknown, name: string): unknown {
  return typeof body === "object" && body !== null && name in body
    ? (body as Record<string, unknown>)[name]
    : undefined;
}

function asFilter(value: unknown): StreamFilter {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object") throw new Error("filter must be a JSON object");
  const route = member(value, "route");
  const connectionId = member(value, "connectionId");
  const stream = member(value, "stream");
  const filter: StreamFilter = {};
  if (route !== undefined) {
    const known = ROUTES.find((item) => item === route);
    if (known === undefined) throw new Error(`filter.route must be one of ${ROUTES.join(", ")}`);
    filter.route = known;
  }
  if (connectionId !== undefined) {
    if (typeof connectionId !== "number") throw new Error("filter.connectionId must be a number");
    filter.connectionId = connectionId;
  }
  if (stream !== undefined) {
    if (typeof stream !== "string") throw new Error("filter.stream must be a string");
    filter.stream = stream;
  }
  return filter;
}

function asStreams(value: unknown): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
    throw new Error("streams must be an array of stream names");
  }
  return value.map(String);
}

function optionalNumber(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number") throw new Error(`${name} must be a number`);
  return value;
}

/** Answers /__fake/streams/<name>; null when there is no such endpoint. */
export function handleStreamControl(
  hub: StreamHub,
  method: string,
  name: string,
  body: unknown,
): Reply | null {
  switch (`${method} ${name}`) {
    case "POST publish": {
      const stream = member(body, "stream");
      if (typeof stream !== "string") throw new Error('expected {"stream": "<name>", "count": <n>}');
      const sequences = hub.publish(stream, optionalNumber(member(body, "count"), "count") ?? 1);
      return json(200, { stream, sequences: sequences.map(String) });
    }
    case "POST drop":
      return json(200, { affected: hub.drop(asFilter(member(body, "filter"))) });
    case "POST stall": {
      const on = member(body, "on");
      if (typeof on !== "boolean") throw new Error('expected {"filter": {...}, "on": true|false}');
      return json(200, { affected: hub.stall(asFilter(member(body, "filter")), on) });
    }
    case "POST delay": {
      const ms = optionalNumber(member(body, "ms"), "ms");
      if (ms === undefined) throw new Error('expected {"filter": {...}, "ms": <n>}');
      return json(200, { affected: hub.delay(asFilter(member(body, "filter")), ms) });
    }
    case "POST close": {
      const reason = member(body, "reason") ?? "";
      if (typeof reason !== "string") throw new Error("reason must be a string");
      const code = optionalNumber(member(body, "code"), "code") ?? 1000;
      return json(200, { affected: hub.close(asFilter(member(body, "filter")), code, reason) });
    }
    case "POST options":
      hub.setOptions((body ?? {}) as Partial<StreamOptions>);
      return json(200, hub.options);
    case "GET options":
      return json(200, hub.options);
    case "GET connections":
      return json(200, hub.connections());
    case "POST ticker": {
      const perSecond = optionalNumber(member(body, "perSecond"), "perSecond");
      if (perSecond === undefined) throw new Error('expected {"streams": [...], "perSecond": <n>}');
      hub.startTicker(asStreams(member(body, "streams")), perSecond);
      return json(200, {});
    }
    case "DELETE ticker":
      hub.stopTickers();
      return json(200, {});
    default:
      return null;
  }
}
