// The market-stream control protocol: SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS, SET_PROPERTY, GET_PROPERTY.
// Replies are `{"result":…,"id":N}`; errors `{"error":{"code":C,"msg":"…"},"id":N|null}` (the wire shape seen
// from fstream/stream.binance.com; the docs' error table shows only the inner {code,msg}). Message texts
// follow Binance's serde-generated ones, backticks included.

import type { RawData } from "ws";
import { type Json, rawNumber, stringifyJson } from "../json.ts";

const METHODS = ["SUBSCRIBE", "UNSUBSCRIBE", "LIST_SUBSCRIPTIONS", "SET_PROPERTY", "GET_PROPERTY"] as const;
type Method = (typeof METHODS)[number];
// Letters of any script: Binance lists symbols such as 币安人生USDT.
const STREAM_NAME = /^!?[\p{L}\p{N}_]+(@[\p{L}\p{N}_]+)*$/u;
/** Names without `@`: a listen key (user data), or UM's bare `tradingSession`. */
const BARE_NAME = /^([A-Za-z0-9]{64}|tradingSession)$/;

/** What the connection must do about one incoming text frame. */
export type ControlAction =
  | { kind: "subscribe"; streams: string[]; id: string }
  | { kind: "unsubscribe"; streams: string[]; id: string }
  | { kind: "list"; id: string }
  | { kind: "set-combined"; value: boolean; id: string }
  | { kind: "get-combined"; id: string }
  | { kind: "error"; code: number; msg: string; id: string | null };

/** The UTF-8 text of one incoming frame, whatever form `ws` hands it over in. */
export function frameText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString("utf8");
}

export function resultReply(result: Json, id: string): string {
  return `{"result":${stringifyJson(result)},"id":${id}}`;
}

export function errorReply(code: number, msg: string, id: string | null): string {
  return `{"error":${stringifyJson({ code, msg })},"id":${id === null ? "null" : stringifyJson(rawNumber(id))}}`;
}

interface Source {
  source?: string;
}

interface Parsed {
  value: unknown;
  /** The digits of a top-level unsigned integer "id", as sent (no precision loss). */
  rawId: string | null;
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return `line ${line} column ${offset - before.lastIndexOf("\n")}`;
}

function parse(text: string): Parsed | { error: string } {
  const ids = new Map<object, string>();
  try {
    // Node 22's reviver gets the source text of each primitive, so ids above 2^53 survive.
    const value: unknown = JSON.parse(
      text,
      function (this: unknown, key: string, item: unknown, at?: Source) {
        if (key === "id" && typeof item === "number" && typeof this === "object" && this !== null) {
          ids.set(this, at?.source ?? String(item));
        }
        return item;
      },
    );
    const rawId = typeof value === "object" && value !== null ? (ids.get(value) ?? null) : null;
    return { value, rawId };
  } catch (error) {
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : "")?.[1];
    const offset = position === undefined ? text.length - text.trimStart().length : Number(position);
    return { error: `Invalid JSON: expected value at ${lineAndColumn(text, offset)}` };
  }
}

function describe(value: unknown): string {
  if (typeof value === "string") return value;
  return JSON.stringify(value) ?? "undefined";
}

function streamsOf(params: unknown): string[] | { msg: string } {
  if (params === undefined) return [];
  if (!Array.isArray(params))
    return { msg: `Invalid request: invalid type: ${describe(params)}, expected a sequence` };
  const streams: string[] = [];
  for (const item of params) {
    if (
      typeof item !== "string" ||
      !STREAM_NAME.test(item) ||
      (!item.includes("@") && !item.startsWith("!") && !BARE_NAME.test(item))
    ) {
      return { msg: "Invalid request: invalid stream" };
    }
    streams.push(item);
  }
  return streams;
}

function property(method: Method, params: unknown, id: string): ControlAction {
  const list = Array.isArray(params) ? params : [];
  if (list.length > (method === "SET_PROPERTY" ? 2 : 1)) {
    return { kind: "error", code: 2, msg: "Invalid request: too many parameters", id };
  }
  const name: unknown = list[0];
  if (typeof name !== "string") {
    return { kind: "error", code: 2, msg: "Invalid request: property name must be a string", id };
  }
  if (name !== "combined") return { kind: "error", code: 0, msg: "Unknown property", id };
  if (method === "GET_PROPERTY") return { kind: "get-combined", id };
  const value: unknown = list[1];
  if (typeof value !== "boolean") {
    return { kind: "error", code: 1, msg: "Invalid value type: expected Boolean", id };
  }
  return { kind: "set-combined", value, id };
}

/** Decides what one incoming text frame asks for. */
export function interpretControl(text: string): ControlAction {
  const parsed = parse(text);
  if ("error" in parsed) return { kind: "error", code: 3, msg: parsed.error, id: null };
  const message = parsed.value;
  const id = parsed.rawId !== null && /^\d+$/.test(parsed.rawId) ? parsed.rawId : null;
  if (typeof message !== "object" || message === null || Array.isArray(message) || !("method" in message)) {
    return { kind: "error", code: 2, msg: "Invalid request: missing field `method`", id };
  }
  const method = METHODS.find((known) => known === message.method);
  if (method === undefined) {
    const expected = METHODS.map((known) => `\`${known}\``).join(", ");
    const msg = `Invalid request: unknown variant \`${describe(message.method)}\`, expected one of ${expected}`;
    return { kind: "error", code: 2, msg, id };
  }
  if (id === null) {
    return {
      kind: "error",
      code: 2,
      msg: "Invalid request: request ID must be an unsigned integer",
      id: null,
    };
  }
  const params = "params" in message ? message.params : undefined;
  if (method === "SET_PROPERTY" || method === "GET_PROPERTY") return property(method, params, id);
  if (method === "LIST_SUBSCRIPTIONS") {
    return Array.isArray(params) && params.length > 0
      ? { kind: "error", code: 2, msg: "Invalid request: too many parameters", id }
      : { kind: "list", id };
  }
  const streams = streamsOf(params);
  if (!Array.isArray(streams)) return { kind: "error", code: 2, msg: streams.msg, id };
  return { kind: method === "SUBSCRIBE" ? "subscribe" : "unsubscribe", streams, id };
}
