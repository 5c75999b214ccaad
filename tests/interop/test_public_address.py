#!/usr/bin/env python3
"""A client behind NAT learns its public address from the received/rport parameters its
registrar writes into the top Via of the response (RFC 3261 §18.2.1, RFC 3581 §4);
tipring-cli reports it as "public" in its registered event and re-registers when it changes
(issue 6 §2). The same tipring-cli behind NAT A registers with Kamailio, an independent
registrar, and with tipring-relay, and must hear NAT A's address from both."""
import sys
import unittest

from interop_env import (DOMAIN, RELAY_IP, USERS, Client, Relay, Topology,
                         require_namespaces, require_peers)
from kamailio_peer import KamailioWithRtpengine

NAT_A_PUBLIC_IP = "198.18.0.2"


class PublicAddressFromTheRegistrar(unittest.TestCase):
    def registered_public_address(self, net):
        alice = Client(net, "a", "alice", USERS["alice"], ["--max-calls", "0"])
        event = alice.wait_for("registered")
        alice.stop()
        return event["public"]

    def test_kamailio_tells_tipring_cli_its_public_address(self):
        with Topology() as net:
            servers = KamailioWithRtpengine(net, "relay", RELAY_IP, DOMAIN)
            self.addCleanup(servers.stop)
            public = self.registered_public_address(net)
            self.assertTrue(public.startswith(NAT_A_PUBLIC_IP + ":"), public)

    def test_tipring_relay_tells_tipring_cli_its_public_address(self):
        with Topology() as net:
            Relay(net, USERS).start()
            public = self.registered_public_address(net)
            self.assertTrue(public.startswith(NAT_A_PUBLIC_IP + ":"), public)


if __name__ == "__main__":
    require_namespaces()
    require_peers("kamailio", "rtpengine")
    sys.exit(0 if unittest.main(exit=False, verbosity=2).result.wasSuccessful() else 1)
