// The Close frame an endpoint sends back when its peer's Close arrives (RFC 6455 §5.5.1: it must, and clients
// such as Binance's Python connector wait for it). The peer's code is echoed when it may go on the wire; codes
// that only describe what happened locally (1005 none given, 1006 dropped, 1015 TLS) or are reserved get 1000.
// The reason is echoed up to the 123 bytes a Close frame has room for, cut on a character boundary.

export interface CloseReply {
  readonly code: number;
  readonly reason: string;
}

/** Room for the reason in a Close frame: 125 bytes of payload less the 2-byte code. */
export const MAX_CLOSE_REASON_BYTES = 123;

/** Codes an endpoint may send (RFC 6455 §7.4.1 and the IANA registry; 3000-4999 for libraries and apps). */
export function isSendableCloseCode(code: number): boolean {
  if (!Number.isInteger(code)) return false;
  if (code >= 3000 && code <= 4999) return true;
  return code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006;
}

export function closeReplyOf(code: number, reason: string): CloseReply {
  if (!isSendableCloseCode(code)) return { code: 1000, reason: "" };
  return { code, reason: truncateUtf8(reason, MAX_CLOSE_REASON_BYTES) };
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`, without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = utf8Length(char.codePointAt(0) ?? 0);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}

function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  return codePoint < 0x10000 ? 3 : 4;
}
