#!/usr/bin/env python3
"""Small TCP lab server for the tcpwatch fixtures.

Modes:
  hello    read the client's message, answer b"Hello <client IP>", wait for the
           client to close, then close (echo.pcap, loopback, any-sll...)
  sink     read until EOF, answer b"got N bytes\n", close (two-conns.pcap)
  save     read until EOF into --out, close (lossy.pcap)
  escapes  read the client's line, answer with terminal escape sequences
Serves --count connections (concurrently), then exits.
"""
import argparse
import socket
import threading

ESCAPES = (b"Welcome to the escape lab\r\n"
           b"\x1b]0;pwned\x07"          # OSC 0: set window title
           b"\x1b[2J\x1b[H"             # clear screen, cursor home
           b"\x07"                      # bell
           b"\x1b[31mred text\x1b[0m\r\n"
           b"bye\r\n")


def handle(conn, peer, mode, out):
    with conn:
        if mode == "hello":
            conn.recv(4096)
            conn.sendall(b"Hello " + peer[0].encode())
            while conn.recv(4096):
                pass
        elif mode == "sink":
            n = 0
            while True:
                d = conn.recv(65536)
                if not d:
                    break
                n += len(d)
            conn.sendall(b"got %d bytes\n" % n)
        elif mode == "save":
            with open(out, "wb") as f:
                while True:
                    d = conn.recv(65536)
                    if not d:
                        break
                    f.write(d)
        elif mode == "escapes":
            conn.recv(4096)
            conn.sendall(ESCAPES)
            while conn.recv(4096):
                pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bind", default="0.0.0.0")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--mode", default="hello",
                    choices=["hello", "sink", "save", "escapes"])
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--out", default="/dev/null")
    a = ap.parse_args()
    fam = socket.AF_INET6 if ":" in a.bind else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a.bind, a.port))
    s.listen(8)
    threads = []
    for _ in range(a.count):
        conn, peer = s.accept()
        t = threading.Thread(target=handle, args=(conn, peer, a.mode, a.out))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    s.close()


if __name__ == "__main__":
    main()
