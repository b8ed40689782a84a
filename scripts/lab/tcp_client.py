#!/usr/bin/env python3
"""Small TCP lab client for the tcpwatch fixtures.

  tcp_client.py HOST PORT send MESSAGE     send MESSAGE (Python escapes allowed),
                                           read the answer, close, print it
  tcp_client.py HOST PORT two MSG1 MSG2    two simultaneous connections
  tcp_client.py HOST PORT file PATH        send a file, half-close, wait for EOF
  tcp_client.py HOST PORT connect TIMEOUT  just connect (refused/filtered demos)
"""
import socket
import sys
import time


def conn(host, port, timeout=10.0):
    return socket.create_connection((host, port), timeout=timeout)


def unescape(s):
    return s.encode("latin-1").decode("unicode_escape").encode("latin-1")


def main():
    host, port, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if cmd == "send":
        c = conn(host, port)
        c.sendall(unescape(sys.argv[4]))
        ans = c.recv(4096)
        time.sleep(0.05)
        c.close()
        sys.stdout.write(repr(ans) + "\n")
    elif cmd == "two":
        a = conn(host, port)
        b = conn(host, port)
        a.sendall(unescape(sys.argv[4]))
        time.sleep(0.05)
        b.sendall(unescape(sys.argv[5]))
        time.sleep(0.05)
        a.shutdown(socket.SHUT_WR)
        b.shutdown(socket.SHUT_WR)
        for s in (a, b):
            ans = b""
            while True:
                d = s.recv(4096)
                if not d:
                    break
                ans += d
            sys.stdout.write(repr(ans) + "\n")
            s.close()
    elif cmd == "file":
        c = conn(host, port, timeout=60)
        with open(sys.argv[4], "rb") as f:
            c.sendall(f.read())
        c.shutdown(socket.SHUT_WR)
        while c.recv(4096):
            pass
        c.close()
    elif cmd == "connect":
        t0 = time.time()
        try:
            c = conn(host, port, timeout=float(sys.argv[4]))
            c.close()
            print("connected")
        except OSError as e:
            print("%s after %.1f s" % (type(e).__name__, time.time() - t0))
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
