#!/usr/bin/env python3
"""SIPp user agents through tipring-relay across the port-translating NATs of
tests/e2e/topology.sh (issue 9 §3, issue 6 §7 "calls to and from SIPp UAs").

* A SIPp UAS behind NAT B registers (digest) and answers; a SIPp UAC behind NAT A calls it
  (answering the proxy's 407): signalling end to end, and media relayed both ways.
* tipring-cli behind NAT A calls the registered SIPp UAS behind NAT B.
* A SIPp UAC behind NAT A calls tipring-cli behind NAT B.

Each SIPp UA streams a mu-law tone from its media port (the socket the relay learns it
from); where tipring-cli is the other party it must hear that tone, and the relay's gauge
of streams flowing both ways shows the media crossed in both directions."""
import sys
import tempfile
import time
import unittest
from pathlib import Path

from interop_env import (DOMAIN, HOST_IP, RELAY_IP, TONES, USERS, Client, MediaSampler,
                         Relay, Topology, assert_tone, cli_figures, record, require_namespaces,
                         require_peers, setup_seconds, write_tone)
from sipp_peer import Sipp

CALL_SECONDS = 6
PROXY = f"{RELAY_IP}:5060"


class SippThroughTipringRelay(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="tipring-interop-sipp-"))

    def tipring_cli(self, net, host, user, *args):
        write_tone(self.tmp / f"{user}.wav", TONES[user])
        return Client(net, host, user, USERS[user],
                      ["--play", self.tmp / f"{user}.wav",
                       "--record", self.tmp / f"{user}-heard.wav", *args])

    def sipp_callee(self, net, relay, host, user):
        """A SIPp UAS registered from port 5060, then waiting there for one call."""
        registrar = Sipp(net, host, HOST_IP[host], PROXY, "register.xml", user, USERS[user],
                         DOMAIN)
        self.assert_sipp_completed(registrar, timeout=20)
        self.assertEqual(relay.metric("tipring_relay_registrations"), 1)
        return Sipp(net, host, HOST_IP[host], None, "answer_with_tone.xml", user, USERS[user],
                    DOMAIN, tone_hz=TONES[user])

    def sipp_caller(self, net, host, user, callee):
        return Sipp(net, host, HOST_IP[host], PROXY, "call_with_tone.xml", user, USERS[user],
                    DOMAIN, callee=callee, call_ms=CALL_SECONDS * 1000, tone_hz=TONES[user])

    def assert_sipp_completed(self, sipp, timeout=60):
        code = sipp.wait(timeout=timeout)
        self.assertEqual(code, 0, f"SIPp {sipp.account} did not complete its scenario:\n"
                                  f"{sipp.diagnostics()}")

    def assert_relayed_and_released(self, relay, sampler):
        self.assertEqual(sampler.max_two_way, 1, "the relay carried the call's media both ways")
        self.assertEqual(relay.metric("tipring_relay_media_learning_events_total"), 2,
                         "the relay learned both legs from their media")
        self.assertEqual(relay.metric('tipring_relay_media_drops_total{reason="stranger"}'), 0)
        forwarded = relay.metric("tipring_relay_media_packets_forwarded_total")
        self.assertGreater(forwarded, 2 * 40 * (CALL_SECONDS - 2))
        deadline = time.monotonic() + 5
        while relay.metric("tipring_relay_media_sessions") > 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(relay.metric("tipring_relay_media_sessions"), 0,
                         "the relay released the call's legs after the BYE")
        return forwarded

    def test_sipp_uac_behind_nat_a_calls_registered_sipp_uas_behind_nat_b(self):
        with Topology() as net:
            relay = Relay(net, USERS).start()
            dave = self.sipp_callee(net, relay, "b", "dave")
            with MediaSampler(relay) as sampler:
                erin = self.sipp_caller(net, "a", "erin", "dave")
                self.assert_sipp_completed(erin)
                self.assert_sipp_completed(dave, timeout=10)
            # NAT B lets in only replies to flows dave opened: his INVITE can only have come
            # over the mapping his REGISTER made from the same port.
            forwarded = self.assert_relayed_and_released(relay, sampler)
            record("interop", "sipp_uac_calls_sipp_uas", caller="SIPp", callee="SIPp",
                   setup_s=erin.setup_seconds(), relay_packets_forwarded=forwarded)

    def test_tipring_cli_behind_nat_a_calls_registered_sipp_uas_behind_nat_b(self):
        with Topology() as net:
            relay = Relay(net, USERS).start()
            dave = self.sipp_callee(net, relay, "b", "dave")
            with MediaSampler(relay) as sampler:
                alice = self.tipring_cli(net, "a", "alice", "--call", "dave",
                                         "--hangup-after", CALL_SECONDS)
                alice.wait_for("answered", timeout=20)
                self.assertEqual(alice.exit_code(timeout=30), 0, "alice's call ended normally")
                self.assert_sipp_completed(dave, timeout=10)
            forwarded = self.assert_relayed_and_released(relay, sampler)
            assert_tone(self, self.tmp / "alice-heard.wav", TONES["dave"], "tipring-cli (alice)")
            record("interop", "tipring_cli_calls_sipp_uas", caller="tipring-cli", callee="SIPp",
                   setup_s=setup_seconds(alice), relay_packets_forwarded=forwarded,
                   clients={"alice": cli_figures(alice)})

    def test_sipp_uac_behind_nat_a_calls_tipring_cli_behind_nat_b(self):
        with Topology() as net:
            relay = Relay(net, USERS).start()
            bob = self.tipring_cli(net, "b", "bob", "--auto-answer", "--max-calls", "1")
            bob.wait_for("registered")
            with MediaSampler(relay) as sampler:
                erin = self.sipp_caller(net, "a", "erin", "bob")
                bob.wait_for("answered", timeout=20)
                self.assert_sipp_completed(erin)
                bob.wait_for("ended", timeout=10)
            self.assertEqual(bob.exit_code(), 0, "bob's call ended normally")
            forwarded = self.assert_relayed_and_released(relay, sampler)
            assert_tone(self, self.tmp / "bob-heard.wav", TONES["erin"], "tipring-cli (bob)")
            record("interop", "sipp_uac_calls_tipring_cli", caller="SIPp", callee="tipring-cli",
                   setup_s=erin.setup_seconds(), relay_packets_forwarded=forwarded,
                   clients={"bob": cli_figures(bob)})


if __name__ == "__main__":
    require_namespaces()
    require_peers("sipp", "sox")
    sys.exit(0 if unittest.main(exit=False, verbosity=2).result.wasSuccessful() else 1)
