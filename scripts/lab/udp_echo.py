#!/usr/bin/env python3
"""UDP echo server (udp-echo.pcap, and the open port of nmap-su.pcap).
Runs until killed. Also answers empty datagrams (nmap's -sU probes)."""
import argparse
import socket

ap = argparse.ArgumentParser()
ap.add_argument("--bind", default="0.0.0.0")
ap.add_argument("--port", type=int, default=7)
a = ap.parse_args()
s = socket.socket(socket.AF_INET6 if ":" in a.bind else socket.AF_INET, socket.SOCK_DGRAM)
s.bind((a.bind, a.port))
while True:
    data, peer = s.recvfrom(65535)
    s.sendto(data, peer)
