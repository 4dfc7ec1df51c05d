// A WebSocket client that stops reading: a raw handshake on a TCP socket that is then paused, so whatever the
// server sends piles up in the kernel's buffers and then in the server. `resume()` reads again and resolves with
// the close frame's code once the server's close frame arrives (after everything queued before it), or null if
// the connection ends without one. Frames from a server are never masked, which keeps the parser short.

import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";

export class StalledReader {
  readonly #socket: Socket;
  #buffer = Buffer.alloc(0);

  private constructor(socket: Socket) {
    this.#socket = socket;
  }

  static async open(url: string): Promise<StalledReader> {
    const { hostname, port, pathname, search } = new URL(url);
    const socket = connect(Number(port), hostname);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const key = randomBytes(16).toString("base64");
    socket.write(
      `GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    const reader = new StalledReader(socket);
    const head = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        reader.#buffer = Buffer.concat([reader.#buffer, chunk]);
        const end = reader.#buffer.indexOf("\r\n\r\n");
        if (end < 0) return;
        socket.off("data", onData);
        socket.pause();
        const text = reader.#buffer.subarray(0, end).toString();
        reader.#buffer = reader.#buffer.subarray(end + 4);
        resolve(text);
      };
      socket.on("data", onData);
      socket.once("error", reject);
    });
    if (!head.startsWith("HTTP/1.1 101")) throw new Error(`not upgraded: ${head.split("\r\n")[0]}`);
    return reader;
  }

  /** Reads again; resolves with the code of the server's close frame, or null if the socket ends first. */
  resume(): Promise<number | null> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        const code = this.#closeCode();
        if (code === undefined) return false;
        resolve(code);
        this.#socket.destroy();
        return true;
      };
      if (check()) return;
      this.#socket.on("data", (chunk: Buffer) => {
        this.#buffer = Buffer.concat([this.#buffer, chunk]);
        check();
      });
      this.#socket.once("close", () => resolve(null));
      this.#socket.resume();
    });
  }

  destroy(): void {
    this.#socket.destroy();
  }

  /** Drops complete data frames from the buffer; the close frame's code once one is there, else undefined. */
  #closeCode(): number | undefined {
    for (;;) {
      const buffer = this.#buffer;
      if (buffer.length < 2) return undefined;
      const opcode = (buffer[0] ?? 0) & 0x0f;
      let length = (buffer[1] ?? 0) & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) return undefined;
        length = buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffer.length < 10) return undefined;
        length = Number(buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (buffer.length < offset + length) return undefined;
      if (opcode === 0x8) return length >= 2 ? buffer.readUInt16BE(offset) : 1005;
      this.#buffer = buffer.subarray(offset + length);
    }
  }
}
