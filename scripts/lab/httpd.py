#!/usr/bin/env python3
"""Tiny deterministic HTTP/1.1 lab server for the tcpwatch fixtures.

Routes:
  /         small HTML page, Content-Length
  /chunked  text sent with Transfer-Encoding: chunked (5 chunks)
  /big      ~200 KB deterministic text body, Content-Length
Headers are fixed (Server, Date) so the payload bytes are reproducible.
"""
import argparse
import http.server
import socketserver
import time

FIXED_DATE = "Mon, 01 Jan 2024 00:00:00 GMT"
INDEX = (b"<!DOCTYPE html>\n<html><head><title>tcpwatch lab</title></head>\n"
         b"<body><h1>Hello from the tcpwatch lab</h1>\n"
         b"<p>This page is served by scripts/lab/httpd.py.</p></body></html>\n")


def big_body(size=200 * 1024):
    out = bytearray()
    n = 0
    while len(out) < size:
        out += b"line %06d: the quick brown fox jumps over the lazy dog 0123456789\n" % n
        n += 1
    return bytes(out[:size])


BIG = big_body()
CHUNKS = [b"first chunk\n", b"second chunk, a little longer\n", b"third\n",
          b"fourth chunk: " + b"x" * 100 + b"\n", b"last chunk\n"]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "tcpwatch-lab/1.0"
    sys_version = ""

    def date_time_string(self, timestamp=None):
        return FIXED_DATE

    def log_message(self, fmt, *args):
        pass

    def _send(self, body, ctype):
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        if self.path == "/":
            self._send(INDEX, "text/html; charset=utf-8")
        elif self.path == "/big":
            self._send(BIG, "text/plain")
        elif self.path == "/chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.flush()
            for c in CHUNKS:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(c), c))
                self.wfile.flush()
                time.sleep(0.02)
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        else:
            body = b"not found\n"
            self.send_response(404)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bind", default="0.0.0.0")
    ap.add_argument("--port", type=int, default=80)
    a = ap.parse_args()
    Server((a.bind, a.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
