// Response values and Binance's error bodies (texts as Binance sends them).

import { type Json, stringifyJson } from "../json.ts";

export interface Reply {
  status: number;
  contentType: string;
  body: string;
  headers: Record<string, string>;
}

export function jsonReply(status: number, value: Json, headers: Record<string, string> = {}): Reply {
  return { status, contentType: "application/json", body: stringifyJson(value), headers };
}

export function okJson(value: Json): Reply {
  return jsonReply(200, value);
}

export function binanceError(status: number, code: number, msg: string): Reply {
  return jsonReply(status, { code, msg });
}

export function isReply(value: unknown): value is Reply {
  return typeof value === "object" && value !== null && "contentType" in value && "body" in value;
}

export const errors = {
  apiKeyFormat: () => binanceError(401, -2014, "API-key format invalid."),
  rejectedKey: () => binanceError(401, -2015, "Invalid API-key, IP, or permissions for action."),
  badSignature: () => binanceError(400, -1022, "Signature for this request is not valid."),
  mandatory: (name: string) =>
    binanceError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`),
  eitherMandatory: (a: string, b: string) =>
    binanceError(400, -1102, `Param '${a}' or '${b}' must be sent, but both were empty/null!`),
  duplicateParam: () => binanceError(400, -1101, "Duplicate values for a parameter detected."),
  illegalChars: () => binanceError(400, -1100, "Illegal characters found in a parameter."),
  illegalCharsIn: (name: string, range: string) =>
    binanceError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '${range}'.`),
  invalidParam: (name: string) => binanceError(400, -1130, `Data sent for parameter '${name}' is not valid.`),
  recvWindowTooBig: () => binanceError(400, -1131, "'recvWindow' must be less than 60000."),
  timestampAhead: () =>
    binanceError(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time."),
  timestampOutside: () =>
    binanceError(400, -1021, "Timestamp for this request is outside of the recvWindow."),
  invalidSymbol: () => binanceError(400, -1121, "Invalid symbol."),
  invalidInterval: () => binanceError(400, -1120, "Invalid interval."),
  invalidSide: () => binanceError(400, -1117, "Invalid side."),
  invalidOrderType: () => binanceError(400, -1116, "Invalid orderType."),
  invalidTif: () => binanceError(400, -1115, "Invalid timeInForce."),
  invalidDepthLimit: (limit: string) => binanceError(400, -4021, `'${limit}' is not valid depth limit.`),
  orderDoesNotExist: () => binanceError(400, -2013, "Order does not exist."),
  unknownOrder: () => binanceError(400, -2011, "Unknown order sent."),
  duplicateClientOrderId: () => binanceError(400, -4116, "ClientOrderId is duplicated."),
  useAlgoEndpoints: () =>
    binanceError(
      400,
      -4120,
      "Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.",
    ),
  batchSize: (size: number) => binanceError(400, -4082, `Invalid number of batch place orders: ${size}`),
  cancelBatchSize: () => binanceError(400, -4032, "Exceed maximum cancel order size."),
  listenKeyMissing: () => binanceError(400, -1125, "This listenKey does not exist."),
  notFound: () => binanceError(404, -1, "not found"),
};

/** The `{code,msg}` object (not a Reply) used inside batch responses. */
export function errorObject(reply: Reply): Json {
  const parsed: unknown = JSON.parse(reply.body);
  return parsed !== null && typeof parsed === "object" && "code" in parsed && "msg" in parsed
    ? { code: Number(parsed.code), msg: String(parsed.msg) }
    : { code: -1000, msg: "An unknown error occured while processing the request." };
}
