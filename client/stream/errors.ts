// The one error type of the stream client (the REST client has its own, rest/errors.ts). `code` says what
// happened; `upstream` carries the relay's (Binance-shaped) `{code, msg}` when the error is its refusal, so
// callers can tell "invalid stream" from "too many streams".

export type StreamClientErrorCode =
  /** The relay answered a request or a subscription with an error. */
  | "refused"
  /** The request was dropped, or not accepted, because the send queue was full. */
  | "queue-full"
  /** The connection dropped before the reply came; the request may or may not have taken effect. */
  | "disconnected"
  /** close() was called. */
  | "closed";

export interface UpstreamError {
  readonly code: number;
  readonly msg: string;
}

export class StreamClientError extends Error {
  override readonly name = "StreamClientError";
  readonly code: StreamClientErrorCode;
  readonly upstream: UpstreamError | null;

  constructor(code: StreamClientErrorCode, message: string, upstream: UpstreamError | null = null) {
    super(message);
    this.code = code;
    this.upstream = upstream;
  }
}
