#!/usr/bin/env python3
"""tipring-cli and the OS keychain, run by keychain_session.sh on a private D-Bus session.

secret-service mode: `tipring-cli keychain set ACCOUNT` stores what standard input says
(secret-tool, another Secret Service client, finds it), `--password-keychain` registers with
it against a registrar in this file that checks the digest (RFC 3261 §22.4, MD5), `keychain
delete` removes it and registration then fails saying so. no-service mode: both commands
fail with "no keychain service available".

usage: test_cli_keychain.py secret-service|no-service TIPRING_CLI [unittest args]
"""
import hashlib
import re
import socket
import subprocess
import sys
import threading
import unittest

MODE, CLI = sys.argv.pop(1), sys.argv.pop(1)
DEADLINE_S = 40
ACCOUNT = "alice@tipring.test"
SECRET = "alice keychain secret"


def md5(text):
    return hashlib.md5(text.encode()).hexdigest()


class DigestRegistrar:
    """Answers REGISTER on 127.0.0.1: 401 with a challenge, then 200 if the digest was made
    with SECRET, else 403."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.results = []
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def stop(self):
        self.running = False
        self.thread.join(timeout=5)
        self.sock.close()

    def serve(self):
        while self.running:
            try:
                data, peer = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            text = data.decode(errors="replace")
            if not text.startswith("REGISTER "):
                continue
            head = text.split("\r\n\r\n", 1)[0].split("\r\n")
            copy = [h for h in head[1:] if re.match(r"(?i)(via|from|to|call-id|cseq):", h)]
            auth = next((h for h in head if h.lower().startswith("authorization:")), None)
            if auth is None:
                extra = ['WWW-Authenticate: Digest realm="tipring.test", nonce="n0nce", '
                         'algorithm=MD5']
                status = "401 Unauthorized"
            else:
                fields = dict(re.findall(r'(\w+)="?([^",]*)"?', auth.split(":", 1)[1]))
                ha1 = md5(f"{fields['username']}:tipring.test:{SECRET}")
                ha2 = md5(f"REGISTER:{fields['uri']}")
                if "qop" in fields:
                    want = md5(f"{ha1}:n0nce:{fields['nc']}:{fields['cnonce']}:{fields['qop']}:{ha2}")
                else:
                    want = md5(f"{ha1}:n0nce:{ha2}")
                ok = fields.get("response") == want
                self.results.append(ok)
                contact = next((h for h in head if h.lower().startswith("contact:")), "")
                extra = [contact + ";expires=600"] if ok else []
                status = "200 OK" if ok else "403 Forbidden"
            to_tagged = [h + ";tag=reg" if h.lower().startswith("to:") and "tag=" not in h
                         else h for h in copy]
            reply = "\r\n".join([f"SIP/2.0 {status}"] + to_tagged + extra +
                                ["Content-Length: 0", "", ""])
            self.sock.sendto(reply.encode(), peer)


def keychain(*args, stdin_text=""):
    return subprocess.run([CLI, "keychain", *args], input=stdin_text, capture_output=True,
                          text=True, timeout=DEADLINE_S)


def secret_tool_lookup(account):
    r = subprocess.run(["secret-tool", "lookup", "user", account, "server", "tipring"],
                       capture_output=True, text=True, timeout=DEADLINE_S)
    return r.stdout


@unittest.skipUnless(MODE == "secret-service", "needs a Secret Service")
class WithSecretService(unittest.TestCase):
    def setUp(self):
        keychain("delete", ACCOUNT)  # whatever an earlier test left
        self.registrar = DigestRegistrar()

    def tearDown(self):
        self.registrar.stop()

    def register(self):
        self.registrar.results.clear()
        p = subprocess.Popen([CLI, "--account", ACCOUNT, "--proxy",
                              f"sip:127.0.0.1:{self.registrar.port}", "--password-keychain",
                              "--bind", "127.0.0.1", "--keepalive", "0", "--json"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        first = p.stdout.readline()
        p.stdin.write("quit\n")
        p.stdin.flush()
        _, err = p.communicate(timeout=DEADLINE_S)
        return first, p.returncode, err

    def test_set_register_delete_round_trip(self):
        r = keychain("set", ACCOUNT, stdin_text=SECRET + "\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), f"stored the password of sip:{ACCOUNT}")
        self.assertEqual(secret_tool_lookup(f"sip:{ACCOUNT}"), SECRET)

        first, code, err = self.register()
        self.assertIn('"event":"registered"', first, err)
        self.assertEqual(code, 0, err)
        # the REGISTER, and the unregistering one on quit, both carried the right digest
        self.assertEqual(self.registrar.results, [True, True])

        r = keychain("set", f"sip:{ACCOUNT}", stdin_text="overwritten\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(secret_tool_lookup(f"sip:{ACCOUNT}"), "overwritten")
        first, code, err = self.register()
        self.assertIn('"event":"registration-failed"', first, err)
        self.assertEqual(self.registrar.results, [False])

        r = keychain("delete", ACCOUNT)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(secret_tool_lookup(f"sip:{ACCOUNT}"), "")
        first, code, err = self.register()
        self.assertIn('"event":"registration-failed"', first, err)
        self.assertIn(f"no password stored for sip:{ACCOUNT}", first)
        self.assertEqual(code, 3, err)

    def test_the_secret_is_never_taken_from_the_command_line(self):
        r = keychain("set", ACCOUNT, "hunter2")
        self.assertEqual(r.returncode, 2)
        self.assertIn("usage: tipring-cli keychain set ACCOUNT", r.stderr)
        r = keychain("set", ACCOUNT, stdin_text="")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no password on standard input", r.stderr)
        self.assertEqual(secret_tool_lookup(f"sip:{ACCOUNT}"), "")


@unittest.skipUnless(MODE == "no-service", "needs a session bus without a Secret Service")
class WithoutService(unittest.TestCase):
    def test_set_and_delete_say_there_is_no_keychain_service(self):
        for r in (keychain("set", ACCOUNT, stdin_text="pw\n"), keychain("delete", ACCOUNT)):
            self.assertEqual(r.returncode, 3, r.stderr)
            self.assertIn("no keychain service available", r.stderr)


if __name__ == "__main__":
    unittest.main()
