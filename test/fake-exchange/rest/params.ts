// Strict application/x-www-form-urlencoded parsing and Binance's totalParams rule.

import { errors, isReply, type Reply } from "./replies.ts";

export type Params = ReadonlyMap<string, string>;

interface ParsedPart {
  params: Map<string, string>;
  /** Index of the `signature=` segment among the raw segments, or -1. */
  signatureIndex: number;
  segments: string[];
}

export interface ParsedRequestParams {
  params: Params;
  /** The signature value (decoded), when one was sent. */
  signature: string | null;
  /** Exactly what the client had to sign: query + body (no separator) without `&signature=…`. */
  totalParams: string;
  /** The signature was not the last parameter of its part. */
  signatureMisplaced: boolean;
}

function decodeComponent(text: string): string | null {
  try {
    return decodeURIComponent(text.replaceAll("+", " "));
  } catch {
    return null;
  }
}

function parsePart(raw: string): ParsedPart | Reply {
  const params = new Map<string, string>();
  const segments = raw === "" ? [] : raw.split("&");
  let signatureIndex = -1;
  for (const [index, segment] of segments.entries()) {
    if (segment === "") continue;
    const eq = segment.indexOf("=");
    const name = decodeComponent(eq === -1 ? segment : segment.slice(0, eq));
    const value = decodeComponent(eq === -1 ? "" : segment.slice(eq + 1));
    if (name === null || value === null) return errors.illegalChars();
    if (params.has(name)) return errors.duplicateParam();
    params.set(name, value);
    if (name === "signature") signatureIndex = index;
  }
  return { params, signatureIndex, segments };
}

function withoutSignature(part: ParsedPart): string {
  if (part.signatureIndex === -1) return part.segments.join("&");
  return part.segments.filter((_, index) => index !== part.signatureIndex).join("&");
}

function isLastSegment(part: ParsedPart): boolean {
  return part.signatureIndex !== -1 && part.signatureIndex === part.segments.length - 1;
}

/**
 * Parses query and body. A name repeated inside one part is -1101; a name present in both parts takes
 * the query's value (Binance: "the query string parameter will be used").
 */
export function parseRequestParams(rawQuery: string, rawFormBody: string): ParsedRequestParams | Reply {
  const query = parsePart(rawQuery);
  if (isReply(query)) return query;
  const body = parsePart(rawFormBody);
  if (isReply(body)) return body;
  if (query.signatureIndex !== -1 && body.signatureIndex !== -1) return errors.duplicateParam();
  const merged = new Map(body.params);
  for (const [name, value] of query.params) merged.set(name, value);
  const signed = query.signatureIndex !== -1 ? query : body.signatureIndex !== -1 ? body : null;
  return {
    params: merged,
    signature: merged.get("signature") ?? null,
    totalParams: withoutSignature(query) + withoutSignature(body),
    signatureMisplaced: signed !== null && !isLastSegment(signed),
  };
}

/** A parameter that is present and non-empty. */
export function param(params: Params, name: string): string | undefined {
  const value = params.get(name);
  return value === undefined || value === "" ? undefined : value;
}

export function paramsToRecord(params: Params): Record<string, string> {
  return Object.fromEntries(params);
}
