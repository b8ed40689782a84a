#!/usr/bin/env python3
"""A DHCP client for the lab captures (scripts/record-fixtures.sh dhcp): DISCOVER, OFFER,
REQUEST, ACK (RFC 2131 section 3.1), then RELEASE from the leased address. Debian's
DHCP clients are not on every machine; this one sends what dhclient sends first: a
broadcast DISCOVER with a host name, a client identifier, a parameter request list and
the broadcast flag, so that the server's answers are broadcast too.

    dhcp_client.py INTERFACE MAC HOSTNAME
"""
import random
import socket
import struct
import subprocess
import sys
import time

SO_BINDTODEVICE = 25
COOKIE = b"\x63\x82\x53\x63"


def message(op_type, xid, mac, ciaddr="0.0.0.0", options=b"", broadcast=True):
    header = struct.pack("!BBBBIHH4s4s4s4s16s64s128s",
                         1, 1, 6, 0, xid, 0, 0x8000 if broadcast else 0,
                         socket.inet_aton(ciaddr), b"\0" * 4, b"\0" * 4, b"\0" * 4,
                         mac + b"\0" * 10, b"\0" * 64, b"\0" * 128)
    return header + COOKIE + bytes([53, 1, op_type]) + options + b"\xff"


def option(code, data):
    return bytes([code, len(data)]) + data


def parse(reply):
    """The yiaddr and the options of a BOOTREPLY."""
    yiaddr = socket.inet_ntoa(reply[16:20])
    options, at = {}, 240
    while at < len(reply) and reply[at] != 255:
        if reply[at] == 0:
            at += 1
            continue
        code, length = reply[at], reply[at + 1]
        options[code] = reply[at + 2:at + 2 + length]
        at += 2 + length
    return yiaddr, options


def receive(sock, xid, wanted):
    deadline = time.time() + 5
    while time.time() < deadline:
        sock.settimeout(max(0.1, deadline - time.time()))
        data, _ = sock.recvfrom(4096)
        if len(data) > 240 and struct.unpack("!I", data[4:8])[0] == xid:
            yiaddr, options = parse(data)
            if options.get(53) == bytes([wanted]):
                return yiaddr, options
    raise SystemExit("no answer from the DHCP server")


def main():
    interface, mac_text, hostname = sys.argv[1:4]
    mac = bytes.fromhex(mac_text.replace(":", ""))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    sock.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, interface.encode())
    sock.bind(("0.0.0.0", 68))
    xid = random.Random(mac).getrandbits(32)
    common = (option(12, hostname.encode()) + option(61, b"\x01" + mac)
              + option(55, bytes([1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42])))
    sock.sendto(message(1, xid, mac, options=option(57, struct.pack("!H", 1500)) + common), ("255.255.255.255", 67))
    offered, offer = receive(sock, xid, 2)
    server = offer[54]
    request = option(50, socket.inet_aton(offered)) + option(54, server) + common
    sock.sendto(message(3, xid, mac, options=request), ("255.255.255.255", 67))
    receive(sock, xid, 5)
    sock.close()
    # RELEASE comes from the leased address, unicast to the server (RFC 2131 section 4.4.6).
    subprocess.run(["ip", "addr", "add", offered + "/24", "dev", interface], check=True)
    release = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    release.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, interface.encode())
    release.bind((offered, 68))
    release.sendto(message(7, random.Random(xid).getrandbits(32), mac, ciaddr=offered, broadcast=False,
                           options=option(54, server) + option(61, b"\x01" + mac)),
                   (socket.inet_ntoa(server), 67))
    release.close()
    subprocess.run(["ip", "addr", "del", offered + "/24", "dev", interface], check=True)
    print(offered)


if __name__ == "__main__":
    main()
