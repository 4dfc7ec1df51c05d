// Sending on a socket that may be closing: the frame is dropped, and the socket's close event does the cleanup.

export function sendQuietly(ws: WebSocket, frame: string): void {
  try {
    ws.send(frame);
  } catch {
    // The socket is closing.
  }
}
