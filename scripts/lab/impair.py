#!/usr/bin/env python3
"""Impairing Ethernet relay for lossy.pcap (there is no netem here).

Bridges frames between interfaces A and B with AF_PACKET sockets. Frames from
A to B that carry TCP payload to --port are dropped with probability --drop %
and held back (reordered behind the next frame) with probability --reorder %.
The choices come from a seeded RNG, so the pattern of impairments per data
frame is reproducible (timing is not). Everything else passes untouched.
Runs until killed (SIGINT/SIGTERM); prints counts on exit.
"""
import argparse
import random
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def tcp_data_to(frame, port):
    if len(frame) < 14 + 20 or frame[12:14] != b"\x08\x00":
        return False
    ihl = (frame[14] & 0x0F) * 4
    if frame[23] != 6:
        return False
    total = struct.unpack("!H", frame[16:18])[0]
    t = 14 + ihl
    if len(frame) < t + 20:
        return False
    dport = struct.unpack("!H", frame[t + 2:t + 4])[0]
    doff = (frame[t + 12] >> 4) * 4
    return dport == port and total - ihl - doff > 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--drop", type=float, default=3.0)
    ap.add_argument("--reorder", type=float, default=2.0)
    ap.add_argument("--seed", type=int, default=77)
    ap.add_argument("--hold", type=float, default=0.004,
                    help="longest time a held frame waits for a successor (s)")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    sa = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sa.bind((a.a, 0))
    sb = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sb.bind((a.b, 0))
    stats = {"fwd": 0, "drop": 0, "reorder": 0}
    held = None  # (frame, deadline)
    running = True

    def stop(*_):
        nonlocal running
        running = False

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print("ready", flush=True)
    while running:
        timeout = 0.2 if held is None else max(0.0, held[1] - time.monotonic())
        try:
            r, _, _ = select.select([sa, sb], [], [], timeout)
        except InterruptedError:
            continue
        if held is not None and time.monotonic() >= held[1]:
            sb.send(held[0])
            held = None
        for s in r:
            frame, addr = s.recvfrom(65535)
            if addr[2] == PACKET_OUTGOING:
                continue
            if s is sb:
                sa.send(frame)
                continue
            if tcp_data_to(frame, a.port):
                x = rng.random() * 100.0
                if x < a.drop:
                    stats["drop"] += 1
                    continue
                if x < a.drop + a.reorder and held is None:
                    stats["reorder"] += 1
                    held = (frame, time.monotonic() + a.hold)
                    continue
            sb.send(frame)
            stats["fwd"] += 1
            if held is not None:
                sb.send(held[0])
                held = None
    if held is not None:
        sb.send(held[0])
    print("impair: %(fwd)d forwarded, %(drop)d dropped, %(reorder)d reordered" % stats,
          file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
