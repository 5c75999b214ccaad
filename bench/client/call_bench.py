#!/usr/bin/env python3
"""bench/client: what one tipring-cli call costs and how fast it sets up, on loopback.

Starts tipring-relay (temporary config and SQLite store), a callee tipring-cli with
--auto-answer, and a caller tipring-cli with --call for SECONDS of two-way Opus audio from
WAV files. Reports, for the caller process: CPU share of one core while the call is up
(utime+stime from /proc between "answered" and just before hang-up), peak RSS (VmHWM), and
the time from its "calling" event to "ringing" and to "answered" (events are timestamped
as they arrive on the pipe); the caller's CPU is also split by thread name (its main
thread, "tipring-media", Qt's helpers). The reference in the same run is the callee process.

usage: call_bench.py TIPRING_CLI TIPRING_RELAY [--seconds 10] [--runs 3]
"""
import argparse
import json
import math
import os
import signal
import socket
import struct
import subprocess
import tempfile
import time
import wave
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def free_port(kind=socket.SOCK_DGRAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_ticks(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def thread_ticks(pid):
    """utime + stime per thread name (tipring-cli: its main thread, tipring-media, Qt's)."""
    ticks = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            name = (task / "comm").read_text().strip()
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the thread ended meanwhile
        ticks[name] = ticks.get(name, 0) + int(fields[11]) + int(fields[12])
    return ticks


def status_kb(pid, key):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def write_tone(path, hz, seconds=2.0, rate=48000):
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", int(9000 * math.sin(2 * math.pi * hz * i / rate)))
                               for i in range(int(seconds * rate))))


def one_run(cli, relay, seconds):
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        sip_port = free_port()
        (d / "relay.toml").write_text(f"""[sip]
listen = ["127.0.0.1:{sip_port}"]
domain = "tipring.test"
[http]
metrics_listen = "127.0.0.1:{free_port(socket.SOCK_STREAM)}"
[store]
sqlite_path = "{d / 'relay.sqlite'}"
[media]
bind_address = "127.0.0.1"
ng_listen = "127.0.0.1:{free_port()}"
""")
        for user in ("alice", "bob"):
            (d / f"{user}.pw").write_text(user + "-pw\n")
            with open(d / f"{user}.pw") as pw:
                subprocess.run([relay, "--config", str(d / "relay.toml"), "user", "add", user],
                               stdin=pw, check=True, capture_output=True)
        write_tone(d / "a.wav", 600)
        write_tone(d / "b.wav", 1100)
        log = open(d / "relay.log", "w+")
        relay_p = subprocess.Popen([relay, "--config", str(d / "relay.toml")], stderr=log)
        while "tipring-relay ready" not in (d / "relay.log").read_text():
            time.sleep(0.05)

        def cli_args(user, *extra):
            return [cli, "--account", f"{user}@tipring.test", "--proxy",
                    f"sip:127.0.0.1:{sip_port}", "--password-file", str(d / f"{user}.pw"),
                    "--bind", "127.0.0.1", "--json", "--no-stdin", *extra]

        bob = subprocess.Popen(cli_args("bob", "--auto-answer", "--max-calls", "1", "--play",
                                        str(d / "b.wav"), "--record", str(d / "b-heard.wav")),
                               stdout=subprocess.PIPE, text=True)
        bob.stdout.readline()  # registered
        alice = subprocess.Popen(cli_args("alice", "--call", "bob", "--hangup-after", str(seconds),
                                          "--play", str(d / "a.wav"), "--record",
                                          str(d / "a-heard.wav")),
                                 stdout=subprocess.PIPE, text=True)
        stamps = {}
        for line in alice.stdout:
            event = json.loads(line)["event"]
            stamps.setdefault(event, time.monotonic())
            if event == "answered":
                cpu0 = (cpu_ticks(alice.pid), cpu_ticks(bob.pid), time.monotonic())
                threads0 = thread_ticks(alice.pid)
                time.sleep(seconds - 0.5)
                cpu1 = (cpu_ticks(alice.pid), cpu_ticks(bob.pid), time.monotonic())
                threads1 = thread_ticks(alice.pid)
                rss = (status_kb(alice.pid, "VmHWM"), status_kb(bob.pid, "VmHWM"))
        alice.wait()
        bob.wait()
        relay_p.send_signal(signal.SIGTERM)
        relay_p.wait()
        log.close()
        wall = cpu1[2] - cpu0[2]
        per_thread = {f"caller_{name}_cpu_pct": 100 * (t - threads0.get(name, 0)) / TICK / wall
                      for name, t in threads1.items() if t - threads0.get(name, 0) > 0}
        return {
            "to_ringing_ms": (stamps["ringing"] - stamps["calling"]) * 1000,
            "to_answered_ms": (stamps["answered"] - stamps["calling"]) * 1000,
            "caller_cpu_pct": 100 * (cpu1[0] - cpu0[0]) / TICK / wall,
            "callee_cpu_pct": 100 * (cpu1[1] - cpu0[1]) / TICK / wall,
            "caller_peak_rss_mb": rss[0] / 1024,
            "callee_peak_rss_mb": rss[1] / 1024,
            "exit_codes": [alice.returncode, bob.returncode],
            **per_thread,
        }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cli")
    parser.add_argument("relay")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = [one_run(args.cli, args.relay, args.seconds) for _ in range(args.runs)]
    for r in runs:
        print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in r.items()}))
    keys = sorted({k for r in runs for k in r if k != "exit_codes"},
                  key=lambda k: list(runs[0]).index(k) if k in runs[0] else len(runs[0]))
    median = {k: round(sorted(r.get(k, 0.0) for r in runs)[len(runs) // 2], 2) for k in keys}
    print(json.dumps({"median": median}))


if __name__ == "__main__":
    main()
