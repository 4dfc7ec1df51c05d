"""Close handshakes as Debian's websocket-client (the library under Binance's Python connectors) does them.

Run with /usr/bin/python3 (Debian's python3-websocket). Reads one JSON object from argv[1] and prints one JSON
line per target:
  {"mode": "close", "timeout": 5, "targets": [{"name": .., "url": .., "code": 4000, "reason": "bye"}]}
    connects, then times close(), which sends the Close and waits for the server's (up to `timeout`);
    prints {"name", "seconds", "code", "reason"} with the server's code (null if none came).
  {"mode": "await", "timeout": 5, "targets": [{"name": .., "url": ..}]}
    connects to every target (printing {"name", "ready": true} for each), then waits for the server's Close on
    each and prints {"name", "at": <unix seconds>, "code", "reason"} (at and code null if none came).
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


def await_closes(targets, timeout):
    """Connects every target first (each printed ready), then waits for the server's Close on each."""
    sockets = []
    for target in targets:
        sockets.append((target, websocket.create_connection(target["url"], timeout=timeout)))
        print(json.dumps({"name": target["name"], "ready": True}), flush=True)
    deadline = time.monotonic() + timeout
    for target, ws in sockets:
        result = {"name": target["name"], "at": None, "code": None, "reason": ""}
        while time.monotonic() < deadline:
            try:
                opcode, frame = ws.recv_data_frame(control_frame=True)
            except websocket.WebSocketTimeoutException:
                break
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                code, text = parse_close(frame.data)
                result = {"name": target["name"], "at": time.time(), "code": code, "reason": text}
                break
        ws.shutdown()
        print(json.dumps(result), flush=True)


def main():
    request = json.loads(sys.argv[1])
    if request["mode"] == "await":
        await_closes(request["targets"], request["timeout"])
        return
    for target in request["targets"]:
        print(json.dumps(close(target, request["timeout"])), flush=True)


main()
