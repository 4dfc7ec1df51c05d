// Just enough DER to read private-key containers (PKCS#8, PKCS#1, PBES2) and to wrap PKCS#1 into PKCS#8.
// Readers return null on any malformed input instead of throwing: a broken key is a configuration error.

export const TAG = {
  integer: 0x02,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  sequence: 0x30,
} as const;

export interface Tlv {
  readonly tag: number;
  /** The content bytes. */
  readonly value: Uint8Array<ArrayBuffer>;
  /** Offset just past this element in the buffer it was read from. */
  readonly end: number;
}

export function readTlv(bytes: Uint8Array<ArrayBuffer>, offset = 0): Tlv | null {
  const tag = bytes[offset];
  const first = bytes[offset + 1];
  if (tag === undefined || first === undefined) return null;
  let length = first;
  let start = offset + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) return null;
    length = 0;
    for (let i = 0; i < count; i++) {
      const b = bytes[start + i];
      if (b === undefined) return null;
      length = length * 256 + b;
    }
    start += count;
  }
  const end = start + length;
  if (end > bytes.length) return null;
  return { tag, value: bytes.subarray(start, end), end };
}

/** The elements inside a constructed value (a SEQUENCE's content), or null if they do not parse exactly. */
export function readChildren(content: Uint8Array<ArrayBuffer>): Tlv[] | null {
  const out: Tlv[] = [];
  let offset = 0;
  while (offset < content.length) {
    const tlv = readTlv(content, offset);
    if (tlv === null) return null;
    out.push(tlv);
    offset = tlv.end;
  }
  return out;
}

/** A whole buffer that must be exactly one SEQUENCE; returns its children. */
export function readSequence(bytes: Uint8Array<ArrayBuffer>): Tlv[] | null {
  const tlv = readTlv(bytes);
  if (tlv === null || tlv.tag !== TAG.sequence || tlv.end !== bytes.length) return null;
  return readChildren(tlv.value);
}

export function decodeOid(value: Uint8Array<ArrayBuffer>): string {
  const first = value[0] ?? 0;
  const parts = [Math.floor(first / 40), first % 40];
  let acc = 0;
  for (const b of value.subarray(1)) {
    acc = acc * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      parts.push(acc);
      acc = 0;
    }
  }
  return parts.join(".");
}

/** A small non-negative INTEGER (iteration counts, key lengths). */
export function decodeSmallInteger(value: Uint8Array<ArrayBuffer>): number | null {
  if (value.length === 0 || value.length > 6) return null;
  let n = 0;
  for (const b of value) n = n * 256 + b;
  return n;
}

export function encodeTlv(tag: number, content: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const n = content.length;
  let header: number[];
  if (n < 0x80) header = [tag, n];
  else if (n < 0x100) header = [tag, 0x81, n];
  else if (n < 0x10000) header = [tag, 0x82, n >> 8, n & 0xff];
  else header = [tag, 0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  const out = new Uint8Array(header.length + n);
  out.set(header);
  out.set(content, header.length);
  return out;
}
