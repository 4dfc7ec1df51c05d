// PEM armour: label plus base64 DER. Secrets pasted into `wrangler secret put` often arrive with literal "\n"
// sequences or Windows line ends instead of newlines; both are accepted. A bare base64 DER body without the
// armour is accepted too and treated as PKCS#8 (or encrypted PKCS#8 when a passphrase is given).

import { fromBase64 } from "../encoding/bytes.ts";

export interface PemBlock {
  readonly label: string;
  readonly der: Uint8Array<ArrayBuffer>;
  /** RFC 1421 headers such as "Proc-Type" (legacy OpenSSL encryption), if any. */
  readonly headers: ReadonlyMap<string, string>;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;

export function decodePem(text: string): PemBlock | null {
  const normalised = text
    .replace(/\\r\\n|\\n/g, "\n")
    .replace(/\r\n?/g, "\n")
    .trim();
  const match = BLOCK.exec(normalised);
  if (match === null) {
    const der = fromBase64(normalised);
    return der === null || der.length === 0 ? null : { label: "", der, headers: new Map() };
  }
  const label = match[1] ?? "";
  const headers = new Map<string, string>();
  const bodyLines: string[] = [];
  for (const line of (match[2] ?? "").split("\n")) {
    const header = /^([A-Za-z-]+):\s*(.*)$/.exec(line.trim());
    if (header?.[1] !== undefined && bodyLines.length === 0) headers.set(header[1], header[2] ?? "");
    else bodyLines.push(line);
  }
  const der = fromBase64(bodyLines.join(""));
  return der === null ? null : { label, der, headers };
}
