#!/usr/bin/python3
"""Listeners on loopback for tests/integration/http.sh: what nginx cannot be made to do.

  http-helper.py STALL HANG DELAY SECONDS

STALL: accepts and never sends a byte (a TLS handshake that stalls after the ClientHello).
HANG:  reads a request and never answers (a server hung past the timeout).
DELAY: answers every request with 200 after SECONDS (a slow application).
Every connection is held at most 30 s; the helper exits by itself after 150 s.
"""
import socket
import sys
import threading
import time


def listener(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(16)
    return s


def hold(conn, read):
    conn.settimeout(30)
    try:
        if read:
            conn.recv(65536)
        time.sleep(30)
    except OSError:
        pass
    finally:
        conn.close()


def delay(conn, secs):
    conn.settimeout(10)
    try:
        conn.recv(65536)
        time.sleep(secs)
        body = b"slow but fine\n"
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                     + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
    except OSError:
        pass
    finally:
        conn.close()


def serve(sock, fn, *args):
    while True:
        conn, _ = sock.accept()
        threading.Thread(target=fn, args=(conn,) + args, daemon=True).start()


def main():
    stall, hang, slow = (listener(int(p)) for p in sys.argv[1:4])
    secs = float(sys.argv[4])
    for sock, fn, args in ((stall, hold, (False,)), (hang, hold, (True,)),
                           (slow, delay, (secs,))):
        threading.Thread(target=serve, args=(sock, fn) + args, daemon=True).start()
    print("ready", flush=True)
    time.sleep(150)


main()
