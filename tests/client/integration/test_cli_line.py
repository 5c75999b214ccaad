#!/usr/bin/env python3
"""Two `tipring-cli --line` processes through the real tipring-relay on loopback, each an
emulated analog telephone on a simulated POTS line with WAV files as its handset: A lifts the
handset and hears dial tone, dials B by DTMF through standard input, B's telephone rings and
its own FSK decoder shows A's caller ID, B lifts the handset, each earpiece hears the other
handset's tone (checked by frequency in the recordings), A hangs up and B's line gives reorder;
then B calls A back with the rotary dial and gives up while A's telephone shows B's caller ID.

usage: test_cli_line.py TIPRING_CLI TIPRING_RELAY AUDIO_PROBE [unittest args]
"""
import json
import math
import queue
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import wave
from pathlib import Path

from relay_fixture import RelayProcess, write_tone

CLI, RELAY, PROBE = (sys.argv.pop(1) for _ in range(3))
STEP_S = 15  # bound on any one step (registration, a tone, ringing, caller ID)
A_HZ, B_HZ = 1000, 1700  # off every DTMF and US progress-tone frequency
RATE = 48000


def read_wav(path):
    with wave.open(str(path), "rb") as w:
        rate = w.getframerate()
        data = w.readframes(w.getnframes())
    return rate, struct.unpack(f"<{len(data) // 2}h", data)


def share(x, hz, rate):
    """Share of the power of `x` at `hz` (Goertzel; a pure sine gives about 1)."""
    w = 2 * math.pi * hz / rate
    c = 2 * math.cos(w)
    s1 = s2 = total = 0.0
    for v in x:
        s1, s2 = v + c * s1 - s2, s1
        total += v * v
    if total == 0:
        return 0.0
    return (s1 * s1 + s2 * s2 - c * s1 * s2) / (len(x) / 2 * total)


def heard(path, hz, other_hz, window_s=0.1):
    """How long (seconds, in 100 ms windows) `hz` carried most of the recording's power and
    `other_hz` almost none, and those windows written to a WAV of their own. Windows rather
    than one unbroken stretch: on a loaded machine a late packet's concealment may break it."""
    rate, x = read_wav(path)
    n = int(window_s * rate)
    kept = []
    for i in range(0, len(x) - n + 1, n):
        frame = x[i:i + n]
        if share(frame, hz, rate) > 0.5 and share(frame, other_hz, rate) < 0.1:
            kept.extend(frame)
    segment = Path(str(path) + f".{hz}.wav")
    with wave.open(str(segment), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(struct.pack(f"<{len(kept)}h", *kept))
    return len(kept) / rate, segment


class LineCli:
    """One tipring-cli --line process: commands in, JSON events out (read on a thread)."""

    def __init__(self, args, log_path):
        self.err = open(log_path, "w+")
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.err, text=True, bufsize=1)
        self.events = []
        self.since = 0
        self.queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            if line.startswith("{"):
                self.queue.put(json.loads(line))
        self.queue.put(None)

    def send(self, command):
        """Sends a command; later waits look only at what happens from here on."""
        self.mark()
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def mark(self):
        self.since = len(self.events)

    def wait_for(self, event, timeout=STEP_S, **fields):
        """The first event of this kind with these fields since the mark (seen or coming)."""
        def matches(e):
            return e["event"] == event and all(e.get(k) == v for k, v in fields.items())
        for e in self.events[self.since:]:
            if matches(e):
                return e
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                e = self.queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if e is None:
                break
            self.events.append(e)
            if matches(e):
                return e
        raise AssertionError(f"no {event} {fields} within {timeout} s; saw {self.events}")

    def quit(self):
        self.send("quit")
        try:
            self.proc.wait(timeout=STEP_S)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=STEP_S)
        while True:  # drain what came before the exit
            e = self.queue.get(timeout=STEP_S)
            if e is None:
                break
            self.events.append(e)
        self.close()
        return self.proc.returncode

    def close(self):
        for stream in (self.proc.stdin, self.proc.stdout, self.err):
            if not stream.closed:
                stream.close()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.close()


class TwoLines(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.d = Path(self.dir.name)
        self.relay = RelayProcess(RELAY, self.d, ("1001", "1002"), STEP_S)
        self.sip_port = self.relay.sip_port
        self.clis = []

    def tearDown(self):
        for cli in self.clis:
            cli.kill()
        self.relay.stop()
        self.dir.cleanup()

    def line_cli(self, user, name, hz):
        write_tone(self.d / f"{user}-mic.wav", hz)
        cli = LineCli([CLI, "--line", "--account", f"{user}@tipring.test", "--display-name", name,
                       "--proxy", f"sip:127.0.0.1:{self.sip_port}", "--password-file",
                       str(self.d / f"{user}.pw"), "--bind", "127.0.0.1", "--json",
                       "--no-prompt", "--tone-plan", "us", "--digit-map", "(911|1xxx|[2-9]x.T)",
                       "--caller-id", "gr30", "--play", str(self.d / f"{user}-mic.wav"),
                       "--record", str(self.d / f"{user}-ear.wav")],
                      self.d / f"{user}.log")
        self.clis.append(cli)
        return cli

    def test_a_dials_b_by_dtmf_b_rings_with_caller_id_answers_and_both_hear_each_other(self):
        a = self.line_cli("1001", "ALICE", A_HZ)
        b = self.line_cli("1002", "BOB", B_HZ)
        for cli in (a, b):
            cli.wait_for("registered")
            cli.wait_for("line", state="idle")

        # A: microphone off while dialling (the keypad still sounds), then off hook.
        a.send("mute")
        a.wait_for("mute", muted=True)
        a.send("offhook")
        a.wait_for("hook", off_hook=True)
        a.wait_for("line", state="dial-tone")
        a.wait_for("tone", tone="dial")

        # A dials B's number as DTMF; B's telephone rings and decodes A's caller ID.
        a.send("dial 1002")
        a.wait_for("line", state="ringback")
        b.wait_for("line", state="ringing")
        b.wait_for("ring", on=True, rings=1)
        caller = b.wait_for("caller-id")
        self.assertEqual(caller["number"], "1001")
        self.assertEqual(caller["name"], "ALICE")
        ring_ons = [e for e in b.events if e["event"] == "ring" and e["on"]]
        self.assertEqual(len(ring_ons), 1, "caller ID comes between the first and second ring")

        # B lifts the handset: both lines talk; A's microphone comes on.
        b.send("offhook")
        a.wait_for("line", state="talking")
        b.wait_for("line", state="talking")
        a.send("unmute")
        a.wait_for("mute", muted=False)
        # Both media paths settle (jitter buffers, the relay's latching), then 2 s of talk.
        time.sleep(3.0)

        # A hangs up; B's line gives reorder.
        a.send("onhook")
        a.wait_for("line", state="idle")
        b.wait_for("line", state="reorder")
        b.send("onhook")
        b.wait_for("line", state="idle")

        # B calls back with the rotary dial (loop pulses at 10 pulses/s); A's telephone rings
        # and shows B; B gives up before A answers, and A's line goes quiet again.
        b.send("offhook")
        b.wait_for("line", state="dial-tone")
        b.send("rotary 1001")
        b.wait_for("line", state="ringback")
        a.wait_for("ring", on=True, rings=1)
        caller = a.wait_for("caller-id", number="1002")
        self.assertEqual(caller["name"], "BOB")
        b.send("onhook")
        b.wait_for("line", state="idle")
        a.wait_for("line", state="ringing")
        a.mark()
        a.wait_for("line", state="idle")
        self.assertEqual(a.quit(), 0, (self.d / "1001.log").read_text())
        # B's call back was abandoned: exit code 1, "a call failed", as --help says.
        self.assertEqual(b.quit(), 1, (self.d / "1002.log").read_text())
        self.assertTrue(any(e["event"] == "ended" and e.get("answered") for e in a.events),
                        a.events)
        abandoned = [e for e in b.events if e["event"] == "ended"][-1]
        self.assertEqual(abandoned["direction"], "outgoing")
        self.assertFalse(abandoned["answered"], abandoned)

        # Each earpiece heard the other handset's tone for a second or more, and not its own;
        # the dominant frequency of those windows, measured by audio_probe, is the other's.
        for ear, hz, own in (("1002-ear.wav", A_HZ, B_HZ), ("1001-ear.wav", B_HZ, A_HZ)):
            seconds, segment = heard(self.d / ear, hz, own)
            self.assertGreaterEqual(seconds, 1.0, f"{ear}: {seconds:.1f} s of {hz} Hz")
            probe = subprocess.run([PROBE, "tone", str(segment), "--freq", str(hz)],
                                   capture_output=True, text=True, check=True, timeout=STEP_S)
            result = json.loads(probe.stdout)
            self.assertAlmostEqual(result["dominant_hz"], hz, delta=15, msg=result)


if __name__ == "__main__":
    unittest.main()
