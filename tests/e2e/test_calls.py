#!/usr/bin/env python3
"""End-to-end calls between real tipring-cli processes through a real tipring-relay, across
port-translating NATs (tests/e2e/topology.sh). Each scenario is its own ctest test; run one
with `test_calls.py CallScenarios.test_a_nat_to_nat`.

Audio is checked by ear-equivalent: each side plays its own tone (A 440 Hz, B 1000 Hz,
the public client 700 Hz) and records what it hears; audio_probe measures the dominant
frequency of each recording. The NATs forward only replies into their LANs, so audio that
arrives at all came through the relay; the relay's forwarded-packet counter says so too."""
import sys
import tempfile
import time
import unittest
from pathlib import Path

from e2e_lib import Topology, require_namespaces
from tipring_procs import Client, Relay, tone_report, write_tone

USERS = {"alice": "alice-secret-1", "bob": "bob-secret-2", "pat": "pat-secret-3"}
TONES = {"alice": 440, "bob": 1000, "pat": 700}


class CallScenarios(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="tipring-e2e-calls-"))
        for user, freq in TONES.items():
            write_tone(self.tmp / f"{user}.wav", freq)

    def client(self, net, host, user, *args):
        return Client(net, host, user, USERS[user],
                      ["--play-wav", self.tmp / f"{user}.wav",
                       "--record-wav", self.tmp / f"{user}-heard.wav", *args])

    def assert_heard(self, user, freq):
        report = tone_report(self.tmp / f"{user}-heard.wav", freq)
        self.assertAlmostEqual(report["dominant_hz"], freq, delta=freq * 0.03,
                               msg=f"{user} should hear {freq} Hz: {report}")

    def test_a_nat_to_nat(self):
        with Topology() as net:
            relay = Relay(net, USERS).start()
            bob = self.client(net, "b", "bob", "--auto-answer", "--max-calls", "1")
            bob.wait_for("registered")
            alice = self.client(net, "a", "alice", "--call", "bob", "--hangup-after", "6")
            alice.wait_for("answered", timeout=20)
            bob.wait_for("answered", timeout=5)
            self.assertEqual(alice.exit_code(timeout=30), 0)
            bob.wait_for("ended", timeout=10)
            self.assertEqual(bob.exit_code(timeout=10), 0)

            self.assert_heard("alice", TONES["bob"])
            self.assert_heard("bob", TONES["alice"])
            # 6 s of 50 packets/s each way went through the relay, not directly.
            self.assertGreater(relay.metric("tipring_relay_media_packets_forwarded_total"), 400)
            deadline = time.monotonic() + 5
            while relay.metric("tipring_relay_media_sessions") > 0 and time.monotonic() < deadline:
                time.sleep(0.1)
            self.assertEqual(relay.metric("tipring_relay_media_sessions"), 0,
                             "the relay releases the call's legs after the BYE")


if __name__ == "__main__":
    require_namespaces()
    sys.exit(0 if unittest.main(exit=False, verbosity=2).result.wasSuccessful() else 1)
