// Frames from Binance's stream servers. The relay's upstream connections always use combined mode, so every data
// frame is `{"stream":"<name>","data":<payload>}` and names its stream. Payloads are never parsed: a raw-mode
// client gets the exact bytes of <payload>, sliced out of the envelope (ids above 2^53 stay intact).

import { parseJson } from "../encoding/json-raw.ts";

export type UpstreamFrame =
  | { readonly kind: "data"; readonly stream: string }
  | {
      readonly kind: "reply";
      readonly id: string | null;
      readonly ok: boolean;
      /** The streams a LIST_SUBSCRIPTIONS reply names; null for other replies. */
      readonly streams: readonly string[] | null;
      /** An error reply's message; null for results. */
      readonly error: string | null;
    }
  | { readonly kind: "other" };

const DATA_PREFIX = '{"stream":"';
const DATA_MIDDLE = '","data":';

export function readUpstreamFrame(text: string): UpstreamFrame {
  if (text.startsWith(DATA_PREFIX)) {
    const end = text.indexOf('"', DATA_PREFIX.length);
    if (end > DATA_PREFIX.length && text.startsWith(DATA_MIDDLE, end) && text.endsWith("}")) {
      return { kind: "data", stream: text.slice(DATA_PREFIX.length, end) };
    }
    return { kind: "other" };
  }
  // Replies are small; they are the only frames parsed.
  const parsed = parseJson(text);
  if (!parsed.ok || parsed.value.kind !== "object") return { kind: "other" };
  const field = (name: string) =>
    parsed.value.kind === "object" ? parsed.value.entries.find(([k]) => k === name)?.[1] : undefined;
  const id = field("id");
  const idText = id?.kind === "number" ? id.raw : id?.kind === "string" ? id.value : null;
  const error = field("error");
  if (error !== undefined) {
    const msg = error.kind === "object" ? error.entries.find(([k]) => k === "msg")?.[1] : undefined;
    const message = msg?.kind === "string" ? msg.value : "refused";
    return { kind: "reply", id: idText, ok: false, streams: null, error: message };
  }
  const result = field("result");
  if (result === undefined) return { kind: "other" };
  const streams =
    result.kind === "array"
      ? result.items.flatMap((item) => (item.kind === "string" ? [item.value] : []))
      : null;
  return { kind: "reply", id: idText, ok: true, streams, error: null };
}

/** The exact payload bytes inside a combined envelope whose stream name is `stream`. */
export function payloadOf(text: string, stream: string): string {
  return text.slice(DATA_PREFIX.length + stream.length + DATA_MIDDLE.length, -1);
}

/** The envelope Binance sends on `/stream`, built around payload bytes that are not touched. */
export function combinedFrame(stream: string, payload: string): string {
  return `${DATA_PREFIX}${stream}${DATA_MIDDLE}${payload}}`;
}
