#!/usr/bin/env python3
"""A deliberately different SIP user agent for scenario c: a public host that sends its RTP
from one port and receives on another (as some desk phones and gateways do). It places one
call through the proxy (answering a 407 with digest auth, RFC 3261 §22), advertises its
receive port in the SDP, sends a PCMU tone from a separate send port, records the PCMU it
receives into a WAV, and hangs up. Every loop is bounded in count and time.

Prints one JSON line at the end: {"answered": bool, "received_packets": N,
"received_from": ["ip:port", ...], "status": final status}."""
import argparse
import hashlib
import json
import math
import random
import re
import select
import socket
import struct
import time
import wave


def ulaw_encode(sample):
    bias, clip = 0x84, 32635
    sign = 0x80 if sample < 0 else 0
    sample = min(abs(sample), clip) + bias
    exponent = 7
    for exp in range(7, -1, -1):
        if sample & (0x4000 >> (7 - exp)):
            exponent = exp
            break
    mantissa = (sample >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


def ulaw_decode(byte):
    byte = ~byte & 0xFF
    sign, exponent, mantissa = byte & 0x80, (byte >> 4) & 0x07, byte & 0x0F
    sample = (((mantissa << 3) + 0x84) << exponent) - 0x84
    return -sample if sign else sample


def header(msg, name):
    m = re.search(rf"^{name}\s*:\s*(.*?)\r?$", msg, re.M | re.I)
    return m.group(1).strip() if m else None


def headers(msg, name):
    return [v.strip() for v in re.findall(rf"^{name}\s*:\s*(.*?)\r?$", msg, re.M | re.I)]


class Uac:
    def __init__(self, args):
        self.a = args
        self.sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sip.bind((args.ip, 0))
        self.sip_port = self.sip.getsockname()[1]
        self.call_id = f"{random.getrandbits(64):x}@{args.ip}"
        self.tag = f"{random.getrandbits(32):x}"
        self.cseq = 0
        self.proxy = (args.proxy_ip, args.proxy_port)

    def send(self, text):
        self.sip.sendto(text.encode(), self.proxy)

    def recv(self, timeout):
        ready, _, _ = select.select([self.sip], [], [], timeout)
        if not ready:
            return None
        return self.sip.recv(65535).decode(errors="replace")

    def request(self, method, uri, extra="", body="", cseq=None, to_tag="", branch=None):
        if cseq is None:
            self.cseq += 1
            cseq = self.cseq
        branch = branch or f"z9hG4bK{random.getrandbits(48):x}"
        to = f"<sip:{self.a.callee}@{self.a.domain}>" + (f";tag={to_tag}" if to_tag else "")
        ctype = "Content-Type: application/sdp\r\n" if body else ""
        return (f"{method} {uri} SIP/2.0\r\n"
                f"Via: SIP/2.0/UDP {self.a.ip}:{self.sip_port};branch={branch};rport\r\n"
                f"Max-Forwards: 70\r\nFrom: <sip:{self.a.user}@{self.a.domain}>;tag={self.tag}\r\n"
                f"To: {to}\r\nCall-ID: {self.call_id}\r\nCSeq: {cseq} {method}\r\n"
                f"Contact: <sip:{self.a.user}@{self.a.ip}:{self.sip_port}>\r\n{extra}{ctype}"
                f"Content-Length: {len(body.encode())}\r\n\r\n{body}")

    def digest(self, challenge, method, uri):
        fields = dict(re.findall(r'(\w+)="?([^",]*)"?', challenge))
        ha1 = hashlib.md5(f"{self.a.user}:{fields['realm']}:{self.a.password}".encode()).hexdigest()
        ha2 = hashlib.md5(f"{method}:{uri}".encode()).hexdigest()
        cnonce, nc = f"{random.getrandbits(32):08x}", "00000001"
        if "qop" in fields:
            resp = hashlib.md5(f"{ha1}:{fields['nonce']}:{nc}:{cnonce}:auth:{ha2}".encode()).hexdigest()
            qop = f', qop=auth, nc={nc}, cnonce="{cnonce}"'
        else:
            resp = hashlib.md5(f"{ha1}:{fields['nonce']}:{ha2}".encode()).hexdigest()
            qop = ""
        opaque = f', opaque="{fields["opaque"]}"' if "opaque" in fields else ""
        return (f'Digest username="{self.a.user}", realm="{fields["realm"]}", '
                f'nonce="{fields["nonce"]}", uri="{uri}", response="{resp}", '
                f'algorithm=MD5{qop}{opaque}')


def run(args):
    uac = Uac(args)
    recv_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    recv_sock.bind((args.ip, args.recv_port))
    send_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    send_sock.bind((args.ip, args.send_port))
    sdp = (f"v=0\r\no=- 1 1 IN IP4 {args.ip}\r\ns=-\r\nc=IN IP4 {args.ip}\r\nt=0 0\r\n"
           f"m=audio {args.recv_port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
           f"a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=sendrecv\r\n")
    uri = f"sip:{args.callee}@{args.domain}"
    auth = ""
    result = {"answered": False, "received_packets": 0, "received_from": [], "status": 0}
    invite_branch = None
    deadline = time.monotonic() + args.setup_timeout
    final = None
    for _attempt in range(3):
        invite_branch = f"z9hG4bK{random.getrandbits(48):x}"
        invite = uac.request("INVITE", uri, auth, sdp, branch=invite_branch)
        uac.send(invite)
        resent_at = time.monotonic()
        final = None
        while time.monotonic() < deadline:
            msg = uac.recv(0.5)
            if msg is None:
                if time.monotonic() - resent_at > 2:
                    uac.send(invite)
                    resent_at = time.monotonic()
                continue
            m = re.match(r"SIP/2.0 (\d{3})", msg)
            if not m or invite_branch not in (header(msg, "Via") or ""):
                continue
            code = int(m.group(1))
            if code >= 200:
                final = (code, msg)
                break
        if final is None:
            break
        code, msg = final
        result["status"] = code
        to_hdr = header(msg, "To") or ""
        if code >= 300:  # ACK the non-2xx in the same transaction (§17.1.1.3)
            uac.send(uac.request("ACK", uri, cseq=uac.cseq, branch=invite_branch,
                                 to_tag=re.search(r"tag=([^;>\s]+)", to_hdr).group(1)
                                 if "tag=" in to_hdr else ""))
        if code in (401, 407):
            challenge = header(msg, "Proxy-Authenticate" if code == 407 else "WWW-Authenticate")
            name = "Proxy-Authorization" if code == 407 else "Authorization"
            auth = f"{name}: {uac.digest(challenge, 'INVITE', uri)}\r\n"
            continue
        break
    if final is None or final[0] != 200:
        print(json.dumps(result))
        return 1
    code, msg = final
    result["answered"] = True
    to_tag = re.search(r"tag=([^;>\s]+)", header(msg, "To")).group(1)
    route = ", ".join(reversed(headers(msg, "Record-Route")))
    target = re.search(r"<([^>]+)>", header(msg, "Contact")).group(1)
    extra = f"Route: {route}\r\n" if route else ""
    uac.send(uac.request("ACK", target, extra, cseq=uac.cseq, to_tag=to_tag))
    body = msg.split("\r\n\r\n", 1)[1]
    media_ip = re.search(r"c=IN IP4 (\S+)", body).group(1)
    media_port = int(re.search(r"m=audio (\d+)", body).group(1))

    # Media: a PCMU tone from the send port, recording what arrives on the receive port.
    seq, ts, ssrc = random.randrange(65536), random.getrandbits(32), random.getrandbits(32)
    heard = []
    sources = set()
    start = time.monotonic()
    for n in range(int(args.seconds * 50)):
        payload = bytes(ulaw_encode(int(12000 * math.sin(2 * math.pi * args.freq * (n * 160 + i) / 8000)))
                        for i in range(160))
        send_sock.sendto(struct.pack("!BBHII", 0x80, 0, (seq + n) & 0xFFFF, (ts + n * 160) & 0xFFFFFFFF,
                                     ssrc) + payload, (media_ip, media_port))
        until = start + (n + 1) * 0.02
        while True:
            left = until - time.monotonic()
            ready, _, _ = select.select([recv_sock, send_sock], [], [], max(0, left))
            for s in ready:
                data, src = s.recvfrom(2048)
                sources.add(f"{src[0]}:{src[1]}->{s.getsockname()[1]}")
                if s is recv_sock and len(data) > 12 and data[1] & 0x7F == 0:
                    heard.extend(ulaw_decode(b) for b in data[12:])
                    result["received_packets"] += 1
            if left <= 0:
                break
    uac.send(uac.request("BYE", target, extra, to_tag=to_tag))
    bye_deadline = time.monotonic() + 5
    while time.monotonic() < bye_deadline:
        msg = uac.recv(0.5)
        if msg and re.match(r"SIP/2.0 200", msg) and "BYE" in (header(msg, "CSeq") or ""):
            break
    with wave.open(args.record, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"".join(struct.pack("<h", s) for s in heard))
    result["received_from"] = sorted(sources)
    print(json.dumps(result), flush=True)
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ip", required=True)
    p.add_argument("--proxy-ip", required=True)
    p.add_argument("--proxy-port", type=int, default=5060)
    p.add_argument("--domain", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--callee", required=True)
    p.add_argument("--send-port", type=int, default=42000)
    p.add_argument("--recv-port", type=int, default=43000)
    p.add_argument("--freq", type=float, default=700)
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--setup-timeout", type=float, default=20)
    p.add_argument("--record", required=True)
    raise SystemExit(run(p.parse_args()))


if __name__ == "__main__":
    main()
