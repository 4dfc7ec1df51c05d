// Answering a peer's Close frame (RFC 6455 §5.5.1). Compat dates from 2026-04-07 are documented to make the
// runtime answer by itself, but wrangler 4.164's workerd was measured not to for hibernatable sockets, and a
// client that waits for the answer hangs; so every handler that sees a Close answers it. Closing a socket that
// is already closed is a no-op.

import { closeReplyOf } from "../../shared/streams/close-reply.ts";

export function answerClose(ws: WebSocket, code: number, reason: string): void {
  const reply = closeReplyOf(code, reason);
  try {
    ws.close(reply.code, reply.reason);
  } catch {
    // A runtime stricter about codes (only 1000 and 3000-4999) refused the echo: a plain 1000 always goes.
    try {
      ws.close(1000);
    } catch {
      // Nothing more can be sent on this socket.
    }
  }
}
