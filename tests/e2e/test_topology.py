#!/usr/bin/env python3
"""The test network itself behaves like the Internet the product meets: LAN hosts reach the
public segment only through a port-translating NAT, unsolicited packets from outside never
reach a LAN host, the loss rule drops what it says, a conntrack flush forgets mappings, and
teardown leaves nothing behind."""
import json
import sys
import unittest

from e2e_lib import HERE, Topology, require_namespaces

PROBE = ["python3", str(HERE / "udp_probe.py")]


class TopologyTest(unittest.TestCase):
    def echo_on(self, net, host, addr, count=1000):
        p = net.start(host, PROBE + ["echo", "--bind", addr, "--count", count, "--timeout", 20])
        self.assertEqual(p.stdout.readline().strip(), "ready")
        return p

    def send(self, net, host, to, count=1, wait=0.5, bind=None):
        argv = PROBE + ["send", "--to", to, "--count", count, "--wait", wait]
        if bind:
            argv += ["--bind", bind]
        return json.loads(net.run(host, argv).stdout)

    def test_nat_translates_source_address_and_drops_unsolicited(self):
        with Topology() as net:
            self.echo_on(net, "relay", "198.18.0.10:9000")
            r = self.send(net, "a", "198.18.0.10:9000", bind="198.18.1.10:40000")
            self.assertEqual(r["replies"], 1)
            seen_ip, seen_port = r["seen_as"][0].split(":")
            self.assertEqual(seen_ip, "198.18.0.2", "the relay must see NAT A's public address")

            # The stranger aims at NAT A's mapped port: it must not reach host a.
            self.echo_on(net, "a", "198.18.1.10:40001", count=5)
            s = self.send(net, "stranger", f"198.18.0.2:{seen_port}", count=3, wait=0.3)
            self.assertEqual(s["replies"], 0)
            s = self.send(net, "stranger", "198.18.1.10:40001", count=3, wait=0.3)
            self.assertEqual(s["replies"], 0, "LAN addresses are not routable from outside")

            # Public hosts reach each other directly, with their own addresses.
            self.echo_on(net, "pub", "198.18.0.20:9001")
            r = self.send(net, "relay", "198.18.0.20:9001", bind="198.18.0.10:9002")
            self.assertEqual(r["seen_as"], ["198.18.0.10:9002"])

    def test_loss_rule_drops_about_the_given_share(self):
        with Topology() as net:
            self.echo_on(net, "relay", "198.18.0.10:9000")
            net.topo("loss", "50")
            r = self.send(net, "a", "198.18.0.10:9000", count=200, wait=0.05)
            self.assertGreater(r["replies"], 50)
            self.assertLess(r["replies"], 150)
            net.topo("loss", "0")
            r = self.send(net, "a", "198.18.0.10:9000", count=20, wait=0.5)
            self.assertEqual(r["replies"], 20)

    def test_flushing_the_nat_forgets_its_mappings(self):
        with Topology() as net:
            self.echo_on(net, "relay", "198.18.0.10:9000")
            self.send(net, "a", "198.18.0.10:9000", bind="198.18.1.10:40000")
            before = net.run("nata", ["conntrack", "-L", "-p", "udp"], check=False)
            self.assertIn("198.18.1.10", before.stdout)
            net.topo("flush-nat", "nata")
            after = net.run("nata", ["conntrack", "-L", "-p", "udp"], check=False)
            self.assertNotIn("198.18.1.10", after.stdout)

    def test_teardown_removes_every_namespace(self):
        net = Topology()
        with net:
            self.assertEqual(len(net.namespaces()), 8)
        self.assertEqual(net.namespaces(), [])


if __name__ == "__main__":
    require_namespaces()
    sys.exit(0 if unittest.main(exit=False, verbosity=2).result.wasSuccessful() else 1)
