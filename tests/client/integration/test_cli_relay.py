#!/usr/bin/env python3
"""tipring-cli against the real tipring-relay on loopback: registration (right and wrong
password, with the exit codes --help documents), a call to the relay's echo number, and two
tipring-cli processes calling each other through the relay with WAV audio checked in both
directions by audio_probe (the tone each side plays is the tone the other side recorded).

usage: test_cli_relay.py TIPRING_CLI TIPRING_RELAY AUDIO_PROBE [unittest args]
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

from relay_fixture import RelayProcess, write_tone

CLI, RELAY, PROBE = (sys.argv.pop(1) for _ in range(3))
DEADLINE_S = 40  # every process we start is bounded by this


def events(output):
    out = []
    for line in output.splitlines():
        line = line.strip()
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


def probe_tone(path, *freqs):
    args = [PROBE, "tone", str(path), "--skip", "0.5"]
    for f in freqs:
        args += ["--freq", str(f)]
    r = subprocess.run(args, capture_output=True, text=True, check=True, timeout=60)
    return json.loads(r.stdout)


class RelayFixture(unittest.TestCase):
    """Starts tipring-relay with its own config and SQLite store; stops it by PID."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.d = Path(self.dir.name)
        self.relay = RelayProcess(RELAY, self.d, ("alice", "bob"), DEADLINE_S)
        self.sip_port = self.relay.sip_port
        (self.d / "wrong.pw").write_text("not-the-password\n")

    def tearDown(self):
        self.relay.stop()
        self.dir.cleanup()

    def cli_args(self, user, password_file=None, *extra):
        return [CLI, "--account", f"{user}@tipring.test", "--proxy",
                f"sip:127.0.0.1:{self.sip_port}", "--password-file",
                str(password_file or self.d / f"{user}.pw"), "--bind", "127.0.0.1",
                "--json", "--no-prompt", *extra]

    def run_cli(self, *args, stdin_text=None):
        return subprocess.run(list(args), input=stdin_text, capture_output=True, text=True,
                              timeout=DEADLINE_S)


class Registration(RelayFixture):
    def test_registers_and_exits_0_on_quit(self):
        p = subprocess.Popen(self.cli_args("alice"), stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = p.stdout.readline()  # blocks until the first event
        p.stdin.write("quit\n")
        p.stdin.flush()
        rest, err = p.communicate(timeout=DEADLINE_S)
        first = json.loads(line)
        self.assertEqual(first["event"], "registered", err)
        self.assertEqual(first["account"], "sip:alice@tipring.test")
        self.assertTrue(first["local"].startswith("127.0.0.1:"))
        self.assertEqual(p.returncode, 0, err)

    def test_wrong_password_exits_3_and_says_so(self):
        r = self.run_cli(*self.cli_args("alice", self.d / "wrong.pw", "--no-stdin"))
        self.assertEqual(r.returncode, 3, r.stderr)
        ev = events(r.stdout)
        self.assertEqual(ev[0]["event"], "registration-failed")
        self.assertEqual(ev[0]["reason"], "wrong password")
        self.assertNotIn("registered", [e["event"] for e in ev])


class Calls(RelayFixture):
    def test_call_to_the_echo_number_is_answered_and_hears_itself(self):
        tone = self.d / "tone.wav"
        heard = self.d / "heard.wav"
        write_tone(tone, 700)
        r = self.run_cli(*self.cli_args("alice", None, "--no-stdin", "--call", "echo",
                                        "--play", str(tone), "--record", str(heard),
                                        "--hangup-after", "3"))
        kinds = [e["event"] for e in events(r.stdout)]
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(kinds[0], "registered")
        self.assertIn("answered", kinds)
        ended = [e for e in events(r.stdout) if e["event"] == "ended"][0]
        self.assertEqual(ended["reason"], "hung up")
        self.assertTrue(ended["answered"])
        result = probe_tone(heard, 700)
        self.assertAlmostEqual(result["dominant_hz"], 700, delta=15, msg=result)

    def test_two_clients_call_each_other_and_each_hears_the_others_tone(self):
        for name, hz in (("alice", 600), ("bob", 1100)):
            write_tone(self.d / f"{name}-plays.wav", hz)
        bob = subprocess.Popen(
            self.cli_args("bob", None, "--no-stdin", "--auto-answer", "--max-calls", "1",
                          "--play", str(self.d / "bob-plays.wav"), "--record",
                          str(self.d / "bob-heard.wav")),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = bob.stdout.readline()
        self.assertEqual(json.loads(first)["event"], "registered", bob.stderr.read()
                         if bob.poll() is not None else first)
        alice = self.run_cli(*self.cli_args(
            "alice", None, "--no-stdin", "--call", "bob", "--hangup-after", "4", "--dtmf", "5#",
            "--dtmf-delay", "500", "--play", str(self.d / "alice-plays.wav"), "--record",
            str(self.d / "alice-heard.wav")))
        bob_out, bob_err = bob.communicate(timeout=DEADLINE_S)
        self.assertEqual(alice.returncode, 0, alice.stdout + alice.stderr)
        self.assertEqual(bob.returncode, 0, bob_out + bob_err)

        alice_kinds = [e["event"] for e in events(alice.stdout)]
        self.assertLess(alice_kinds.index("ringing"), alice_kinds.index("answered"))
        bob_events = [first] + bob_out.splitlines()
        bob_kinds = [e["event"] for e in events("\n".join(bob_events))]
        self.assertIn("incoming", bob_kinds)
        self.assertEqual([e["digit"] for e in events("\n".join(bob_events))
                          if e["event"] == "dtmf"], ["5", "#"])
        bob_ended = [e for e in events("\n".join(bob_events)) if e["event"] == "ended"][0]
        self.assertEqual(bob_ended["reason"], "remote hung up")

        heard_by_bob = probe_tone(self.d / "bob-heard.wav", 600, 1100)
        heard_by_alice = probe_tone(self.d / "alice-heard.wav", 600, 1100)
        self.assertAlmostEqual(heard_by_bob["dominant_hz"], 600, delta=15, msg=heard_by_bob)
        self.assertAlmostEqual(heard_by_alice["dominant_hz"], 1100, delta=15, msg=heard_by_alice)
        self.assertGreater(heard_by_bob["tones"]["600"]["share"], 0.5)
        self.assertGreater(heard_by_alice["tones"]["1100"]["share"], 0.5)


if __name__ == "__main__":
    unittest.main()
