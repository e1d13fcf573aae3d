#!/usr/bin/env python3
"""A test-only stand-in for the Docker Engine API on a unix socket, answering
badly on purpose so docker-enter's client can be checked against it.

    fake-engine.py MODE SOCKET

MODE is what GET /containers/.../json gets (/_ping is answered properly
unless the mode says otherwise):
    malformed   200 with a body that is not JSON
    truncated   200 announcing 1000 bytes, sending 40, then closing
    huge        200 announcing 100 MB
    endless     200 chunked, chunks sent until the client goes away
    error500    500 {"message": "fake engine: internal error"}
    hang        accepts connections and never answers anything
    hang-after-ping  answers /_ping, then never answers the inspect
    garbage     a reply that is not HTTP at all
    close       closes every connection without a word
    wrong-pid   a well-formed running container whose Pid is $FAKE_ENGINE_PID,
                a process that is not in that container
    wrong-pid-ping-hangs  the same, but /_ping is never answered
    wrong-pid-versioned-only  the same, but only at the path of the version
                /_ping names (/v1.41/...): the unversioned path is a 404
                "page not found", as from an engine that dropped them
It prints "ready" on stdout once it listens.
"""
import os
import socket
import sys
import threading

mode, path = sys.argv[1], sys.argv[2]
held = []  # connections kept open on purpose


def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return None
        data += chunk
    return data.split(b" ")[1].decode() if b" " in data else ""


def send(conn, status, body, extra=b""):
    conn.sendall(b"HTTP/1.1 " + status + b"\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\n" + extra
                 + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


def serve(conn):
    try:
        if mode in ("hang", "close"):
            if mode == "hang":
                held.append(conn)
            else:
                conn.close()
            return
        target = read_request(conn)
        if target is None:
            return
        if target == "/_ping" and mode == "wrong-pid-ping-hangs":
            held.append(conn)
            return
        if target == "/_ping":
            send(conn, b"200 OK", b"OK")
        elif mode == "wrong-pid-versioned-only" and not target.startswith("/v1.41/"):
            send(conn, b"404 Not Found", b'{"message":"page not found"}\n')
        elif mode == "hang-after-ping":
            held.append(conn)
            return
        elif mode == "malformed":
            send(conn, b"200 OK", b'{"Id": "4f1a", "State": {"Pid": 1,, "Running": true}')
        elif mode == "truncated":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b'{"Id": "4f1a", "State": {"Pid"')
        elif mode == "huge":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 104857600\r\n\r\n" + b"[" * 65536)
        elif mode == "endless":
            conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            chunk = b"[" * 65536
            while True:
                conn.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        elif mode == "error500":
            send(conn, b"500 Internal Server Error", b'{"message":"fake engine: internal error"}\n')
        elif mode.startswith("wrong-pid"):
            body = ('{"Id": "%s", "Name": "/liar", "State": {"Running": true, "Paused": false, "Pid": %s},'
                    ' "Config": {"Env": []}}' % ("ab" * 32, os.environ["FAKE_ENGINE_PID"]))
            send(conn, b"200 OK", body.encode())
        elif mode == "garbage":
            conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")
        conn.close()
    except OSError:
        pass


def main():
    if os.path.exists(path):
        os.unlink(path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(64)
    print("ready", flush=True)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


main()
