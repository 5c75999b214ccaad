#!/usr/bin/env python3
"""tipring-cli with an independent proxy and media relay: Kamailio as registrar and proxy,
Debian's rtpengine (userspace) as the relay Kamailio drives over ng, both on the relay host
of tests/e2e/topology.sh, with the clients behind the two port-translating NATs
(issue 9 §3, issue 6 §7). No Tipring code runs on the server side.

* tipring-cli (alice, NAT A) calls baresip (carol, NAT B), both registered with Kamailio,
  and sends it DTMF (RFC 4733) that baresip must report.
* tipring-cli (alice, NAT A) calls tipring-cli (bob, NAT B).

Each side plays its own tone and must hear the other's; rtpengine's own per-stream packet
counts show the media went through it."""
import sys
import tempfile
import unittest
from pathlib import Path

from baresip_peer import Baresip
from interop_env import (DOMAIN, HOST_IP, RELAY_IP, TONES, USERS, Client, Topology,
                         assert_tone, cli_figures, record, require_namespaces, require_peers,
                         setup_seconds, write_tone)
from kamailio_peer import KamailioWithRtpengine

CALL_SECONDS = 6


class ThroughKamailioAndRtpengine(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="tipring-interop-kamailio-"))

    def tipring_cli(self, net, host, user, *args):
        write_tone(self.tmp / f"{user}.wav", TONES[user])
        return Client(net, host, user, USERS[user],
                      ["--play", self.tmp / f"{user}.wav",
                       "--record", self.tmp / f"{user}-heard.wav", *args])

    def servers(self, net):
        servers = KamailioWithRtpengine(net, "relay", RELAY_IP, DOMAIN)
        self.addCleanup(servers.stop)
        return servers

    def assert_relayed(self, servers):
        packets = servers.packets_relayed()
        self.assertGreater(packets, 2 * 40 * (CALL_SECONDS - 2),
                           f"rtpengine relayed the call's media:\n{servers.logs()}")
        return packets

    def test_tipring_cli_calls_baresip_through_kamailio_and_rtpengine(self):
        with Topology() as net:
            servers = self.servers(net)
            carol = Baresip(net, "b", HOST_IP["b"], "carol", USERS["carol"], DOMAIN,
                            f"{RELAY_IP}:5060", TONES["carol"], rate=8000, codecs=("PCMU",),
                            answer=True)
            carol.wait_for("registered")
            alice = self.tipring_cli(net, "a", "alice", "--call", "carol",
                                     "--hangup-after", CALL_SECONDS, "--dtmf", "19#")
            alice.wait_for("answered", timeout=20)
            carol.wait_for("answered", timeout=5)
            self.assertEqual(alice.exit_code(timeout=30), 0, "alice's call ended normally")
            carol.wait_for("ended", timeout=10)
            carol.stop()
            servers.stop()  # rtpengine logs each stream's totals as it closes the call

            packets = self.assert_relayed(servers)
            self.assertEqual(carol.dtmf_received(), "19#", "baresip received alice's DTMF")
            assert_tone(self, self.tmp / "alice-heard.wav", TONES["carol"], "tipring-cli (alice)")
            assert_tone(self, carol.heard(), TONES["alice"], "baresip (carol)")
            record("interop", "kamailio_tipring_cli_calls_baresip", caller="tipring-cli",
                   callee="baresip", proxy="Kamailio + rtpengine", setup_s=setup_seconds(alice),
                   relay_packets_forwarded=packets, clients={"alice": cli_figures(alice)})

    def test_tipring_cli_calls_tipring_cli_through_kamailio_and_rtpengine(self):
        with Topology() as net:
            servers = self.servers(net)
            bob = self.tipring_cli(net, "b", "bob", "--auto-answer", "--max-calls", "1")
            bob.wait_for("registered")
            alice = self.tipring_cli(net, "a", "alice", "--call", "bob",
                                     "--hangup-after", CALL_SECONDS)
            alice.wait_for("answered", timeout=20)
            self.assertEqual(alice.exit_code(timeout=30), 0, "alice's call ended normally")
            bob.wait_for("ended", timeout=10)
            self.assertEqual(bob.exit_code(), 0, "bob's call ended normally")
            servers.stop()

            packets = self.assert_relayed(servers)
            assert_tone(self, self.tmp / "alice-heard.wav", TONES["bob"], "tipring-cli (alice)")
            assert_tone(self, self.tmp / "bob-heard.wav", TONES["alice"], "tipring-cli (bob)")
            record("interop", "kamailio_tipring_cli_calls_tipring_cli", caller="tipring-cli",
                   callee="tipring-cli", proxy="Kamailio + rtpengine",
                   setup_s=setup_seconds(alice), relay_packets_forwarded=packets,
                   clients={"alice": cli_figures(alice), "bob": cli_figures(bob)})


if __name__ == "__main__":
    require_namespaces()
    require_peers("kamailio", "rtpengine", "baresip", "sox")
    sys.exit(0 if unittest.main(exit=False, verbosity=2).result.wasSuccessful() else 1)
