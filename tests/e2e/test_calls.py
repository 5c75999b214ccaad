#!/usr/bin/env python3
"""End-to-end calls between real tipring-cli processes through a real tipring-relay, across
port-translating NATs (tests/e2e/topology.sh). Each scenario is its own ctest test; run one
with `test_calls.py CallScenarios.test_a_nat_to_nat`.

Audio is checked by ear-equivalent: each side plays its own tone (A 440 Hz, B 1000 Hz,
the public client 700 Hz) and records what it hears; audio_probe measures the dominant
frequency of each recording. The NATs forward only replies into their LANs, so audio that
arrives at all came through the relay; the relay's forwarded-packet counter says so too."""
import json
import sys
import tempfile
import time
import unittest
from pathlib import Path

from e2e_lib import HERE, Topology, require_namespaces
from scenario_results import cli_figures, record, setup_seconds
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
                      ["--play", self.tmp / f"{user}.wav",
                       "--record", self.tmp / f"{user}-heard.wav", *args])

    def record(self, scenario, caller, relays, peers=None, **clients):
        """This scenario's figures (under its ctest name) for tests/e2e/report.py: the
        caller's setup time, the packets the relay(s) forwarded, each tipring-cli's loss and
        concealment."""
        forwarded = sum(r.metric("tipring_relay_media_packets_forwarded_total") for r in relays)
        record("e2e", scenario, **(peers or {}), setup_s=setup_seconds(caller),
               relay_packets_forwarded=forwarded,
               clients={name: cli_figures(c) for name, c in clients.items()})

    def assert_heard(self, user, freq):
        report = tone_report(self.tmp / f"{user}-heard.wav", freq)
        self.assertAlmostEqual(report["dominant_hz"], freq, delta=freq * 0.03,
                               msg=f"{user} should hear {freq} Hz: {report}")

    def test_a_nat_to_nat(self):
        self.nat_to_nat("a_nat_to_nat")

    def test_a_nat_to_nat_on_the_steered_data_path(self):
        # No socket per leg: the relay's sk_lookup program steers its ports to one socket.
        self.nat_to_nat("a_nat_to_nat_steered", 'data_path = "steered"')

    def assert_data_path(self, relay, media_toml):
        path = "steered" if "steered" in media_toml else "sockets"
        self.assertEqual(relay.metrics().get(f'tipring_relay_media_data_path{{path="{path}"}}'), 1)

    def nat_to_nat(self, scenario, media_toml=""):
        with Topology() as net:
            relay = Relay(net, USERS, extra_toml=media_toml).start()
            self.assert_data_path(relay, media_toml)
            alice, bob = self.call_a_to_b(net, relay, seconds=6)
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
            self.record(scenario, alice, [relay], alice=alice, bob=bob)

    def call_a_to_b(self, net, relay, seconds=6, alice_args=(), bob_args=()):
        bob = self.client(net, "b", "bob", "--auto-answer", "--max-calls", "1", *bob_args)
        bob.wait_for("registered")
        alice = self.client(net, "a", "alice", "--call", "bob", "--hangup-after", seconds,
                            *alice_args)
        alice.wait_for("answered", timeout=20)
        return alice, bob

    def test_b_idle_callee_stays_reachable_by_keepalive_or_the_poll(self):
        with Topology() as net:
            relay = Relay(net, USERS).start()
            # With keepalives (every 25 s), A outlives NAT A's 30 s UDP timeout.
            alice = self.client(net, "a", "alice", "--auto-answer", "--max-calls", "1",
                                "--keepalive", "25")
            alice.wait_for("registered")
            time.sleep(36)  # the scenario itself: idle longer than the NAT's timeout
            bob = self.client(net, "b", "bob", "--call", "alice", "--hangup-after", "3")
            bob.wait_for("answered", timeout=20)
            self.assertEqual(bob.exit_code(timeout=30), 0)
            alice.wait_for("ended", timeout=10)
            self.assert_heard("bob", TONES["alice"])
            self.record("b_keepalive_keeps_callee_reachable", bob, [relay], alice=alice, bob=bob)

    def test_b_without_keepalives_the_held_invite_arrives_on_the_next_register(self):
        with Topology() as net:
            # No keepalives, and NAT A forgets A's flow (flushed here rather than waited out).
            # A refreshes its 60 s registration at 80 %, 48 s in; B calls 25 s in, so the
            # REGISTER comes while the held INVITE's transaction (Timer B, 32 s) still waits.
            relay = Relay(net, USERS).start()
            alice = self.client(net, "a", "alice", "--auto-answer", "--max-calls", "1",
                                "--keepalive", "0", "--register-expiry", "60")
            alice.wait_for("registered")
            registered_at = time.monotonic()
            net.topo("flush-nat", "nata")  # the flow is dead from here on
            time.sleep(25)  # the scenario itself: A is idle and unreachable
            bob = self.client(net, "b", "bob", "--call", "alice", "--hangup-after", "3")
            alice.wait_for("incoming", timeout=40)
            self.assertGreater(time.monotonic() - registered_at, 40,
                               "the INVITE arrived with the REGISTER refresh, not before")
            bob.wait_for("answered", timeout=20)
            self.assertEqual(bob.exit_code(timeout=30), 0)
            alice.wait_for("ended", timeout=10)
            # Setup here includes the wait for A's REGISTER: that is the poll's price.
            self.record("b_poll_delivers_on_next_register", bob, [relay], alice=alice, bob=bob)

    def test_c_public_client_with_split_ports_calls_a(self):
        with Topology() as net:
            relay = Relay(net, USERS).start()
            alice = self.client(net, "a", "alice", "--auto-answer", "--max-calls", "1")
            alice.wait_for("registered")
            r = net.run("pub", ["python3", HERE / "split_port_ua.py", "--ip", "198.18.0.20",
                                "--proxy-ip", "198.18.0.10", "--domain", "tipring.test",
                                "--user", "pat", "--password", USERS["pat"], "--callee", "alice",
                                "--send-port", "42000", "--recv-port", "43000",
                                "--freq", TONES["pat"], "--seconds", "6",
                                "--record", self.tmp / "pat-heard.wav"], timeout=60, check=False)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            result = json.loads(r.stdout.strip().splitlines()[-1])
            self.assertTrue(result["answered"])
            self.assertGreater(result["received_packets"], 150)
            # The relay sent to the advertised receive port (same-IP rule), never to the
            # port the public client sends from, and only from the relay's address.
            for source in result["received_from"]:
                src, _, dst = source.partition("->")
                self.assertEqual(dst, "43000", result)
                self.assertTrue(src.startswith("198.18.0.10:"), result)
            alice.wait_for("ended", timeout=10)
            self.assert_heard("alice", TONES["pat"])
            self.assert_heard("pat", TONES["alice"])
            self.record("c_public_split_ports", None, [relay],
                        {"caller": "split-port UA (public)", "callee": "tipring-cli"},
                        alice=alice)

    def test_d_nat_forgets_mappings_mid_call_media_hands_over(self):
        # Decision (docs/e2e.md): the relay runs with media handover on; a client whose NAT
        # rebinds keeps its call, because its new source has the same IP as the one
        # learned, and the relay moves the leg to it (rate-limited, logged, counted).
        with Topology() as net:
            relay = Relay(net, USERS, extra_toml="media_handover = true").start()
            alice, bob = self.call_a_to_b(net, relay, seconds=12)
            time.sleep(4)  # media is flowing; the flush must happen mid-call
            net.topo("flush-nat", "nata")
            self.assertEqual(alice.exit_code(timeout=30), 0)
            bob.wait_for("ended", timeout=10)
            self.assertGreaterEqual(relay.metric("tipring_relay_media_handover_events_total"), 1)
            # The last seconds of both recordings carry the other side's tone again.
            for user, other in (("alice", "bob"), ("bob", "alice")):
                report = tone_report(self.tmp / f"{user}-heard.wav", TONES[other], skip=8.5)
                self.assertAlmostEqual(report["dominant_hz"], TONES[other],
                                       delta=TONES[other] * 0.03, msg=f"{user}: {report}")
                self.assertGreater(report["active_ratio"], 0.8, f"{user}: {report}")
            self.record("d_nat_rebind_handover", alice, [relay], alice=alice, bob=bob)

    def test_e_stranger_floods_media_ports(self):
        self.stranger_floods_media_ports("e_stranger_flood")

    def test_e_stranger_floods_media_ports_on_the_steered_data_path(self):
        self.stranger_floods_media_ports("e_stranger_flood_steered", 'data_path = "steered"')

    def stranger_floods_media_ports(self, scenario, media_toml=""):
        with Topology() as net:
            relay = Relay(net, USERS, extra_toml=media_toml).start()
            self.assert_data_path(relay, media_toml)
            flood = net.start("stranger", ["python3", HERE / "udp_probe.py", "flood",
                                           "--host", "198.18.0.10", "--ports", "40000-40999",
                                           "--rounds", "400", "--pause", "0.02",
                                           "--seconds", "25"])
            alice, bob = self.call_a_to_b(net, relay, seconds=6)
            # From here until alice hangs up (6 s after her answer) both relay ports exist.
            answered_at = time.monotonic()
            self.assertEqual(alice.exit_code(timeout=30), 0)
            bob.wait_for("ended", timeout=10)
            out, _ = flood.communicate(timeout=40)
            result = json.loads(out.strip().splitlines()[-1])
            self.assertGreater(result["sent"], 10000)
            self.assertEqual(result["replies"], 0, "the stranger must receive nothing")
            # Ports without a call have no socket. Every round that began while the call
            # surely held its ports sent one packet to each of them: the relay must have
            # counted each of those as a stranger's and dropped it.
            in_call = [t for t in result["round_starts"] if answered_at <= t <= answered_at + 5]
            self.assertGreater(len(in_call), 20, "the stranger must flood during the call")
            stranger_drops = relay.metrics()['tipring_relay_media_drops_total{reason="stranger"}']
            self.assertGreaterEqual(stranger_drops, 2 * len(in_call),
                                    f"{len(in_call)} rounds hit the call's two ports")
            # None reached the call: the relay forwarded no more than the two clients sent,
            # and neither client received more than the other sent.
            a, b = (client.wait_for("stats", timeout=1) for client in (alice, bob))
            sent_by = {n: s["packetsSent"] + s["rtcpPacketsSent"] for n, s in (("a", a), ("b", b))}
            forwarded = relay.metric("tipring_relay_media_packets_forwarded_total")
            self.assertLessEqual(forwarded, sent_by["a"] + sent_by["b"], f"sent {sent_by}")
            self.assertLessEqual(b["packetsReceived"], a["packetsSent"])
            self.assertLessEqual(a["packetsReceived"], b["packetsSent"])
            self.assert_heard("alice", TONES["bob"])
            self.assert_heard("bob", TONES["alice"])
            self.record(scenario, alice, [relay], alice=alice, bob=bob)

    def test_f_two_proxies_share_a_redis_directory(self):
        with Topology() as net:
            net.run("relay", ["ip", "addr", "add", "198.18.0.11/24", "dev", "wan"])
            redis = net.start("relay", ["redis-server", "--port", "6390", "--bind", "127.0.0.1",
                                        "--save", "", "--appendonly", "no"])
            self.assertIsNone(redis.poll())
            net.run("relay", ["python3", HERE / "udp_probe.py", "wait-tcp",
                              "--to", "127.0.0.1:6390", "--seconds", "10"])
            store = 'backend = "redis"\nredis_address = "127.0.0.1:6390"\nproxy_id = "{}"'
            one = Relay(net, USERS, ip="198.18.0.10", store_toml=store.format("proxy-1"),
                        sip_toml='peers = "proxy-2=198.18.0.11:5060"').start()
            two = Relay(net, {}, ip="198.18.0.11", store_toml=store.format("proxy-2"),
                        sip_toml='peers = "proxy-1=198.18.0.10:5060"',
                        media_ports=(41000, 41999)).start()
            bob = Client(net, "b", "bob", USERS["bob"],
                         ["--play", self.tmp / "bob.wav", "--record", self.tmp / "bob-heard.wav",
                          "--auto-answer", "--max-calls", "1"], proxy="sip:198.18.0.11:5060")
            bob.wait_for("registered")
            alice = self.client(net, "a", "alice", "--call", "bob", "--hangup-after", "6")
            alice.wait_for("answered", timeout=20)
            self.assertEqual(alice.exit_code(timeout=30), 0)
            bob.wait_for("ended", timeout=10)
            # The INVITE crossed both proxies: each counted a 200 for it.
            for relay in (one, two):
                self.assertGreaterEqual(
                    relay.metric('tipring_relay_sip_responses_total{code="200"}'), 1)
            # One proxy steers (the callee's, docs/architecture.md): the audio went through
            # proxy 2's relay only, so two latching relays never wait on each other.
            self.assert_heard("alice", TONES["bob"])
            self.assert_heard("bob", TONES["alice"])
            self.assertGreater(two.metric("tipring_relay_media_packets_forwarded_total"), 400)
            self.assertEqual(one.metric("tipring_relay_media_packets_forwarded_total"), 0)
            self.record("f_two_proxies_redis", alice, [one, two], alice=alice, bob=bob)

    def test_h_five_percent_loss_both_ways(self):
        with Topology() as net:
            relay = Relay(net, USERS).start()
            net.topo("loss", "5")
            alice, bob = self.call_a_to_b(net, relay, seconds=12,
                                          alice_args=("--codecs", "PCMU"),
                                          bob_args=("--codecs", "PCMU"))
            self.assertEqual(alice.exit_code(timeout=40), 0, "the call stays up")
            bob.wait_for("ended", timeout=15)
            self.assert_heard("alice", TONES["bob"])
            self.assert_heard("bob", TONES["alice"])
            for client in (alice, bob):
                stats = client.wait_for("stats", timeout=1)
                total = stats["totalSamplesReceived"]
                self.assertGreater(total, 0, stats)
                concealed = stats["concealedSamples"] / total
                lost = stats["packetsLost"] / (stats["packetsLost"] + stats["packetsReceived"])
                self.assertGreater(lost, 0.01, stats)
                self.assertLess(concealed, 0.10, stats)
                self.assertLess(abs(concealed - lost), 0.04, stats)
            self.record("h_five_percent_loss", alice, [relay], alice=alice, bob=bob)

    def test_g_relay_restart_keeps_registrations(self):
        with Topology() as net:
            relay = Relay(net, USERS).start()
            bob = self.client(net, "b", "bob", "--auto-answer", "--max-calls", "1")
            bob.wait_for("registered")
            self.assertEqual(relay.stop(), 0)
            relay.start()
            self.assertEqual(relay.metric("tipring_relay_registrations"), 1,
                             "the binding was read back from the store")
            alice = self.client(net, "a", "alice", "--call", "bob", "--hangup-after", "5")
            alice.wait_for("answered", timeout=20)
            self.assertEqual(alice.exit_code(timeout=30), 0)
            bob.wait_for("ended", timeout=10)
            self.assert_heard("alice", TONES["bob"])
            self.assert_heard("bob", TONES["alice"])
            self.record("g_relay_restart", alice, [relay], alice=alice, bob=bob)


if __name__ == "__main__":
    require_namespaces()
    sys.exit(0 if unittest.main(exit=False, verbosity=2).result.wasSuccessful() else 1)
