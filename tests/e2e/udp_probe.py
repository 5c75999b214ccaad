#!/usr/bin/env python3
"""UDP probe for the end-to-end network tests: an echo server that answers every datagram
with the source address it saw, and a sender that reports what came back. Every loop is
bounded in count and time."""
import argparse
import json
import socket
import sys
import time


def parse_addr(text):
    host, port = text.rsplit(":", 1)
    return host, int(port)


def echo(args):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(parse_addr(args.bind))
    sock.settimeout(0.2)
    deadline = time.monotonic() + args.timeout
    served = 0
    print("ready", flush=True)
    while served < args.count and time.monotonic() < deadline:
        try:
            data, src = sock.recvfrom(2048)
        except socket.timeout:
            continue
        sock.sendto(f"{src[0]}:{src[1]}".encode(), src)
        served += 1
    print(json.dumps({"served": served}), flush=True)


def send(args):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if args.bind:
        sock.bind(parse_addr(args.bind))
    sock.settimeout(args.wait)
    seen = []
    replies = 0
    for i in range(args.count):
        try:
            sock.sendto(b"probe %d" % i, parse_addr(args.to))
            data, _ = sock.recvfrom(2048)
            replies += 1
            seen.append(data.decode())
        except socket.timeout:
            pass
        except OSError:  # unreachable or refused: counts as no reply
            pass
    print(json.dumps({"sent": args.count, "replies": replies,
                      "local": "%s:%d" % sock.getsockname(),
                      "seen_as": sorted(set(seen))}), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("echo")
    e.add_argument("--bind", required=True)
    e.add_argument("--count", type=int, default=1000)
    e.add_argument("--timeout", type=float, default=20.0)
    s = sub.add_parser("send")
    s.add_argument("--to", required=True)
    s.add_argument("--bind")
    s.add_argument("--count", type=int, default=1)
    s.add_argument("--wait", type=float, default=0.5)
    args = p.parse_args()
    {"echo": echo, "send": send}[args.cmd](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
