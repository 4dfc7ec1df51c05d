// What one text frame from the relay is. In combined mode (`/stream`) a market event is
// `{"stream":"<name>","data":<payload>}`; replies are `{"result":...,"id":n}` or `{"error":{code,msg},"id":n}`;
// gap notices are `{"relay":"reconnecting"|"reconnected"|"stale","streams":[...],"time":ms}`; "pong" answers
// the client's "ping". The parser is injected so callers can keep ids above 2^53 exact (a big-integer parser
// may hand back bigints or strings for numbers, hence the lenient id reading).

import type { UpstreamError } from "./errors.ts";
import type { RelayNotice } from "./info-events.ts";

export type Incoming =
  | { readonly kind: "pong" }
  | { readonly kind: "data"; readonly stream: string; readonly data: unknown }
  | { readonly kind: "result"; readonly id: number | null; readonly result: unknown }
  | { readonly kind: "error"; readonly id: number | null; readonly error: UpstreamError }
  | { readonly kind: "notice"; readonly notice: RelayNotice }
  | { readonly kind: "other" };

export type Parse = (text: string) => unknown;

export function readIncoming(text: string, parse: Parse): Incoming {
  if (text === "pong") return { kind: "pong" };
  let value: unknown;
  try {
    value = parse(text);
  } catch {
    return { kind: "other" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { kind: "other" };
  const frame = value as Record<string, unknown>;
  if (typeof frame.stream === "string" && "data" in frame) {
    return { kind: "data", stream: frame.stream, data: frame.data };
  }
  if (typeof frame.relay === "string") return noticeOf(frame);
  if ("error" in frame) return { kind: "error", id: idOf(frame.id), error: errorOf(frame.error) };
  if ("result" in frame) return { kind: "result", id: idOf(frame.id), result: frame.result };
  return { kind: "other" };
}

function noticeOf(frame: Record<string, unknown>): Incoming {
  const relay = frame.relay;
  if (relay !== "reconnecting" && relay !== "reconnected" && relay !== "stale") return { kind: "other" };
  const streams = Array.isArray(frame.streams)
    ? frame.streams.filter((stream): stream is string => typeof stream === "string")
    : [];
  const time = Number(frame.time);
  return { kind: "notice", notice: { relay, streams, time: Number.isFinite(time) ? time : 0 } };
}

function idOf(id: unknown): number | null {
  if (typeof id === "number" && Number.isSafeInteger(id)) return id;
  if (typeof id === "bigint" || (typeof id === "string" && /^\d{1,15}$/.test(id))) return Number(id);
  return null;
}

function errorOf(error: unknown): UpstreamError {
  if (typeof error !== "object" || error === null) return { code: -1, msg: String(error) };
  const { code, msg } = error as Record<string, unknown>;
  return { code: Number(code), msg: typeof msg === "string" ? msg : "refused" };
}
