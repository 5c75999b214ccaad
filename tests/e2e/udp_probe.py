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


def flood(args):
    """Sprays RTP-looking datagrams (valid version, rising sequence numbers, one SSRC) at
    every port of a range, round after round, and counts anything that comes back. Reports
    when each round began (time.monotonic(), one clock for every namespace), so a test can
    tell how many rounds hit a port while it was open."""
    host = args.host
    low, high = (int(x) for x in args.ports.split("-"))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setblocking(False)
    deadline = time.monotonic() + args.seconds
    sent = replies = 0
    seq = 0
    round_starts = []
    for _round in range(args.rounds):
        if time.monotonic() >= deadline:
            break
        round_starts.append(round(time.monotonic(), 3))
        for port in range(low, high + 1):
            seq = (seq + 1) & 0xFFFF
            packet = bytes([0x80, 0x00]) + seq.to_bytes(2, "big") + (seq * 160).to_bytes(
                4, "big") + (0x57A4_6E12).to_bytes(4, "big") + bytes(160)
            try:
                sock.sendto(packet, (host, port))
                sent += 1
            except OSError:
                pass
            while True:
                try:
                    sock.recvfrom(2048)
                    replies += 1
                except (BlockingIOError, OSError):
                    break
        time.sleep(args.pause)
    end = time.monotonic() + 0.5
    while time.monotonic() < end:
        try:
            sock.recvfrom(2048)
            replies += 1
        except (BlockingIOError, OSError):
            time.sleep(0.02)
    print(json.dumps({"sent": sent, "replies": replies, "round_starts": round_starts}),
          flush=True)


def wait_tcp(args):
    """Waits until something accepts TCP connections at --to (a server the test started)."""
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(parse_addr(args.to), timeout=0.5).close()
            return 0
        except OSError:
            time.sleep(0.05)
    print(f"nothing listens on {args.to}", file=sys.stderr)
    return 1


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
    f = sub.add_parser("flood")
    f.add_argument("--host", required=True)
    f.add_argument("--ports", required=True, help="LOW-HIGH")
    f.add_argument("--rounds", type=int, default=10)
    f.add_argument("--pause", type=float, default=0.05)
    f.add_argument("--seconds", type=float, default=30.0)
    w = sub.add_parser("wait-tcp")
    w.add_argument("--to", required=True)
    w.add_argument("--seconds", type=float, default=10.0)
    args = p.parse_args()
    return {"echo": echo, "send": send, "flood": flood, "wait-tcp": wait_tcp}[args.cmd](args) or 0


if __name__ == "__main__":
    sys.exit(main())
