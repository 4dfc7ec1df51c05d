// Binance's live stream protocol as clients speak it to the relay: SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS,
// SET_PROPERTY and GET_PROPERTY, with `id` echoed exactly as sent and Binance's error codes and messages (its
// server is serde-based, hence the backticks and "at line 1 column N"). Ids: the futures docs say unsigned
// integer, but Binance's own JS connector sends 32-hex string ids to futures streams, so short alphanumeric
// strings are accepted too; integers are kept as raw digits (they can exceed 2^53). The relay adds one
// property of its own, `relay_events`, for clients that want reconnecting/reconnected/stale notices, and
// `batch`, the window in ms of batched frames (frame-batches.ts; 0 is Binance's one message per frame).

import { type JsonValue, parseJson } from "../encoding/json-raw.ts";
import { err, ok, type Result } from "../result.ts";
import { MAX_BATCH_MS, readBatchWindow } from "./frame-batches.ts";

export type ClientCommand =
  | { readonly kind: "subscribe" | "unsubscribe"; readonly id: string; readonly streams: readonly string[] }
  | { readonly kind: "list"; readonly id: string }
  | {
      readonly kind: "set-property";
      readonly id: string;
      readonly property: FlagProperty;
      readonly value: boolean;
    }
  | { readonly kind: "set-property"; readonly id: string; readonly property: "batch"; readonly value: number }
  | { readonly kind: "get-property"; readonly id: string; readonly property: Property };

export type FlagProperty = "combined" | "relay_events";
export type Property = FlagProperty | "batch";

export interface ProtocolError {
  readonly code: number;
  readonly msg: string;
  /** The request's id as JSON text ("null" when it could not be read). */
  readonly id: string;
}

const METHODS = ["SUBSCRIBE", "UNSUBSCRIBE", "LIST_SUBSCRIPTIONS", "SET_PROPERTY", "GET_PROPERTY"] as const;
const QUOTED_METHODS = METHODS.map((m) => `\`${m}\``).join(", ");
/** More parameters than one connection may hold streams cannot be a valid SUBSCRIBE. */
export const MAX_PARAMS = 1024;
/** Binance's answer to a malformed stream name. */
export const INVALID_STREAM: Omit<ProtocolError, "id"> = { code: 2, msg: "Invalid request: invalid stream" };

export function parseClientMessage(text: string): Result<ClientCommand, ProtocolError> {
  const parsed = parseJson(text);
  if (!parsed.ok) return err({ code: 3, msg: `Invalid JSON: ${parsed.error.message}`, id: "null" });
  const at = `at line 1 column ${text.length}`;
  const request = parsed.value;
  if (request.kind !== "object") return invalid(`invalid type: expected struct Request ${at}`, "null");
  const field = (name: string) => request.entries.find(([key]) => key === name)?.[1];
  const id = readId(field("id"));
  if (id === null) return invalid("request ID must be an unsigned integer", "null");
  const method = field("method");
  if (method === undefined) return invalid(`missing field \`method\` ${at}`, id);
  const name = METHODS.find((m) => method.kind === "string" && method.value === m);
  if (name === undefined) {
    const shown = method.kind === "string" ? method.value : method.kind;
    return invalid(`unknown variant \`${shown}\`, expected one of ${QUOTED_METHODS} ${at}`, id);
  }
  const params = field("params");
  const items =
    params === undefined || params.kind === "null" ? [] : params.kind === "array" ? params.items : null;
  if (items === null) return invalid(`invalid type: expected a sequence for \`params\` ${at}`, id);
  switch (name) {
    case "SUBSCRIBE":
    case "UNSUBSCRIBE": {
      if (items.length > MAX_PARAMS) return invalid("too many parameters", id);
      const streams: string[] = [];
      for (const item of items) {
        if (item.kind !== "string") return err({ ...INVALID_STREAM, id });
        streams.push(item.value);
      }
      return ok({ kind: name === "SUBSCRIBE" ? "subscribe" : "unsubscribe", id, streams });
    }
    case "LIST_SUBSCRIPTIONS":
      return items.length > 0 ? invalid("too many parameters", id) : ok({ kind: "list", id });
    case "GET_PROPERTY":
    case "SET_PROPERTY": {
      if (items.length > (name === "SET_PROPERTY" ? 2 : 1)) return invalid("too many parameters", id);
      const [property, value] = items;
      if (property?.kind !== "string") return invalid("property name must be a string", id);
      const known = property.value;
      if (known !== "combined" && known !== "relay_events" && known !== "batch") {
        return err({ code: 0, msg: "Unknown property", id });
      }
      if (name === "GET_PROPERTY") return ok({ kind: "get-property", id, property: known });
      if (known === "batch") {
        const ms = value?.kind === "number" ? readBatchWindow(value.raw) : undefined;
        if (ms === undefined || ms === null)
          return err({ code: 1, msg: `Invalid value type: expected 0 or 1 to ${MAX_BATCH_MS} (ms)`, id });
        return ok({ kind: "set-property", id, property: known, value: ms });
      }
      if (value?.kind !== "boolean") return err({ code: 1, msg: "Invalid value type: expected Boolean", id });
      return ok({ kind: "set-property", id, property: known, value: value.value });
    }
  }
}

function invalid(detail: string, id: string): Result<never, ProtocolError> {
  return err({ code: 2, msg: `Invalid request: ${detail}`, id });
}

/**
 * The id as JSON text: an unsigned 64-bit integer as its digits, an alphanumeric string of up to 36
 * characters quoted, absent or null as "null"; anything else is refused (null result).
 */
function readId(value: JsonValue | undefined): string | null {
  if (value === undefined || value.kind === "null") return "null";
  if (value.kind === "string")
    return /^[A-Za-z0-9_-]{1,36}$/.test(value.value) ? JSON.stringify(value.value) : null;
  if (value.kind !== "number" || !/^(0|[1-9]\d{0,19})$/.test(value.raw)) return null;
  return BigInt(value.raw) <= 18446744073709551615n ? value.raw : null;
}

export function resultMessage(id: string, result: string): string {
  return `{"result":${result},"id":${id}}`;
}

export function errorMessage(error: ProtocolError): string {
  return `{"error":{"code":${error.code},"msg":${JSON.stringify(error.msg)}},"id":${error.id}}`;
}

/** What a relay client may send: its message budget (per socket and per caller, a second) and size. */
export interface MessageLimits {
  readonly perClient: number;
  readonly perCaller: number;
  readonly maxBytes: number;
}

/**
 * A client message read within its limits: the command, or the error that answers it. `overBudget`: the
 * message came past the client's or its caller's budget (it is answered, not acted on).
 */
export function readClientMessage(
  message: string | ArrayBuffer,
  overBudget: boolean,
  limits: MessageLimits,
): Result<ClientCommand, ProtocolError> {
  const invalid = (msg: string) => err({ code: 2, msg: `Invalid request: ${msg}`, id: "null" });
  if (overBudget)
    return invalid(
      `too many messages: at most ${limits.perClient} per second, ` +
        `and ${limits.perCaller} from all of a caller's connections`,
    );
  if (typeof message !== "string") return invalid("binary frames are not understood");
  if (message.length > limits.maxBytes) return invalid(`message larger than ${limits.maxBytes} bytes`);
  return parseClientMessage(message);
}
