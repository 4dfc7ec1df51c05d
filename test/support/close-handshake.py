"""Close handshakes as Debian's websocket-client (the library under Binance's Python connectors) does them.

Run with /usr/bin/python3 (Debian's python3-websocket). Reads one JSON object from argv[1] and prints one JSON
line per target:
  {"mode": "close", "timeout": 5, "targets": [{"name": .., "url": .., "code": 4000, "reason": "bye"}]}
    connects, then times close(), which sends the Close and waits for the server's (up to `timeout`);
    prints {"name", "seconds", "code", "reason"} with the server's code (null if none came).
  {"mode": "await", "timeout": 5, "targets": [{"name": .., "url": ..}]}
    connects, prints {"name", "ready": true}, then waits for the server's Close and prints
    {"name", "at": <unix seconds>, "code", "reason"}.
"""

import json
import struct
import sys
import time

import websocket


def close_frame_of(ws, seen):
    """Wraps the socket's recv_frame so the server's Close frame is kept when close() reads it."""
    original = ws.recv_frame

    def recv_frame():
        frame = original()
        if frame is not None and frame.opcode == websocket.ABNF.OPCODE_CLOSE:
            seen.append(frame.data)
        return frame

    ws.recv_frame = recv_frame


def parse_close(data):
    if data is None or len(data) < 2:
        return None, ""
    return struct.unpack("!H", data[0:2])[0], data[2:].decode("utf-8", "replace")


def close(target, timeout):
    ws = websocket.create_connection(target["url"], timeout=timeout)
    seen = []
    close_frame_of(ws, seen)
    reason = target.get("reason", "").encode("utf-8")
    started = time.monotonic()
    ws.close(status=target.get("code", 1000), reason=reason, timeout=timeout)
    seconds = time.monotonic() - started
    code, text = parse_close(seen[0] if seen else None)
    return {"name": target["name"], "seconds": seconds, "code": code, "reason": text}


def await_close(target, timeout):
    ws = websocket.create_connection(target["url"], timeout=timeout)
    print(json.dumps({"name": target["name"], "ready": True}), flush=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            opcode, frame = ws.recv_data_frame(control_frame=True)
        except websocket.WebSocketTimeoutException:
            break
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            at = time.time()
            code, text = parse_close(frame.data)
            ws.shutdown()
            return {"name": target["name"], "at": at, "code": code, "reason": text}
    ws.shutdown()
    return {"name": target["name"], "at": None, "code": None, "reason": ""}


def main():
    request = json.loads(sys.argv[1])
    run = close if request["mode"] == "close" else await_close
    for target in request["targets"]:
        print(json.dumps(run(target, request["timeout"])), flush=True)


main()
