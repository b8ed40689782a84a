#!/usr/bin/env python3
"""Send a few UDP datagrams to HOST PORT and print the echoes."""
import socket
import sys
import time

host, port = sys.argv[1], int(sys.argv[2])
msgs = sys.argv[3:] or ["ping 1", "ping 2", "ping 3"]
s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
for m in msgs:
    s.sendto(m.encode(), (host, port))
    print(repr(s.recvfrom(65535)[0]))
    time.sleep(0.1)
