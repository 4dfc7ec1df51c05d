// Reading a caller's request: the raw query string and body exactly as received (drop-in signatures are
// verified over these bytes), the body bounded by MAX_BODY_BYTES while it streams in, and the parameters
// decoded strictly. JSON bodies are parsed losslessly (see shared/encoding/json-raw.ts).

import { concatBytes } from "../../shared/encoding/bytes.ts";
import { paramsFromJson } from "../../shared/encoding/json-params.ts";
import { type Param, parseParams } from "../../shared/encoding/query.ts";
import { GatewayError } from "./errors.ts";

export interface IncomingCall {
  readonly rawQuery: string;
  readonly rawBody: string;
  readonly query: Param[];
  readonly body: Param[] | null;
  readonly bodyKind: "none" | "form" | "json";
}

export async function readIncoming(request: Request, maxBodyBytes: number): Promise<IncomingCall> {
  const url = request.url;
  const mark = url.indexOf("?");
  const rawQuery = mark === -1 ? "" : url.slice(mark + 1);
  const query = parseParams(rawQuery);
  if (!query.ok) throw new GatewayError({ kind: "query-malformed" });
  const rawBody = await readBodyText(request, maxBodyBytes);
  if (rawBody === "") return { rawQuery, rawBody, query: query.value, body: null, bodyKind: "none" };
  const contentType = (request.headers.get("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (contentType === "application/json") {
    const body = paramsFromJson(rawBody);
    if (!body.ok) {
      const message =
        body.error.kind === "invalid-json" ? body.error.message : "the body must be a JSON object";
      throw new GatewayError({ kind: "body-invalid-json", message });
    }
    return { rawQuery, rawBody, query: query.value, body: body.value, bodyKind: "json" };
  }
  if (contentType !== "" && contentType !== "application/x-www-form-urlencoded") {
    throw new GatewayError({ kind: "unsupported-content-type", contentType });
  }
  const body = parseParams(rawBody);
  if (!body.ok) throw new GatewayError({ kind: "query-malformed" });
  return { rawQuery, rawBody, query: query.value, body: body.value, bodyKind: "form" };
}

// Strict: invalid UTF-8 is refused rather than silently turned into U+FFFD and forwarded. One decoder per
// isolate: a decode without `stream` starts afresh, so it holds nothing between requests.
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export async function readBodyText(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get("Content-Length") ?? "0");
  if (declared > limit) throw new GatewayError({ kind: "body-too-large", limit });
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new GatewayError({ kind: "body-too-large", limit });
    }
    chunks.push(value);
  }
  try {
    return STRICT_UTF8.decode(concatBytes(...chunks));
  } catch {
    throw new GatewayError({ kind: "query-malformed" });
  }
}
