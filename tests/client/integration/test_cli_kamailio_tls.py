#!/usr/bin/env python3
"""tipring-cli registering with Kamailio (an independent registrar, Debian package) over TCP
and over TLS on loopback. The test makes its own CA and server certificate with openssl
(subjectAltName DNS:localhost only), and checks that a certificate from another CA is
refused with the reason "certificate not trusted" and a server reached by a name the
certificate does not carry is refused too, both with exit code 3. Kamailio's own log
proves which transport each REGISTER came over. Kamailio is started with its own config
and stopped by PID.

usage: test_cli_kamailio_tls.py TIPRING_CLI [unittest args]
"""
import glob
import json
import os
import signal
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

CLI = sys.argv.pop(1)
DEADLINE_S = 30  # every tipring-cli run is bounded by this


def free_port(kind):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def module_dir():
    hits = glob.glob("/usr/lib/*/kamailio/modules/tls.so") + glob.glob(
        "/usr/lib/kamailio/modules/tls.so")
    return os.path.dirname(hits[0]) if hits else None


def skip_or_fail(reason):
    # In CI a missing peer is a failure, not a silent skip.
    if os.environ.get("CI") == "true":
        raise AssertionError(reason)
    raise unittest.SkipTest(reason)


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_ca(d, name):
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
            f"/CN={name}", "-keyout", f"{name}.key", "-out", f"{name}.pem", cwd=d)


def make_server_cert(d, ca):
    (d / "san.ext").write_text("subjectAltName=DNS:localhost\n")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout",
            "server.key", "-out", "server.csr", cwd=d)
    openssl("x509", "-req", "-in", "server.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
            "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "server.pem", cwd=d)


class KamailioTls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for tool in ("kamailio", "openssl"):
            if shutil.which(tool) is None:
                skip_or_fail(f"{tool} not installed")
        modules = module_dir()
        if modules is None:
            skip_or_fail("kamailio tls module missing (Debian: kamailio-tls-modules)")
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.d = Path(cls.tmp.name)
        make_ca(d, "test-ca")
        make_ca(d, "other-ca")
        make_server_cert(d, "test-ca")
        cls.udp = free_port(socket.SOCK_DGRAM)
        cls.tcp = free_port(socket.SOCK_STREAM)
        cls.tls = free_port(socket.SOCK_STREAM)
        (d / "tls.cfg").write_text(f"""[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
private_key = {d}/server.key
certificate = {d}/server.pem

[client:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
""")
        (d / "kamailio.cfg").write_text(f"""#!KAMAILIO
debug=2
log_stderror=yes
children=1
tcp_children=1
auto_aliases=no
enable_tls=yes
listen=udp:127.0.0.1:{cls.udp}
listen=tcp:127.0.0.1:{cls.tcp}
listen=tls:127.0.0.1:{cls.tls}
mpath="{modules}/"
loadmodule "tls.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "xlog.so"
loadmodule "textops.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
modparam("tls", "config", "{d}/tls.cfg")
modparam("usrloc", "db_mode", 0)
request_route {{
  if (is_method("REGISTER")) {{
    xlog("L_NOTICE", "TIPRING-REGISTER proto=$proto contact=$ct\\n");
    if (!save("location")) {{ sl_reply_error(); }}
    exit;
  }}
  if (is_method("OPTIONS")) {{ sl_send_reply("200", "OK"); exit; }}
  sl_send_reply("404", "Not here");
}}
""")
        (d / "alice.pw").write_text("unused-by-this-registrar\n")
        cls.log = open(d / "kamailio.log", "w+")
        cls.kamailio = subprocess.Popen(
            ["kamailio", "-DD", "-E", "-f", str(d / "kamailio.cfg"), "-P",
             str(d / "kamailio.pid"), "-Y", str(d)],
            stdout=cls.log, stderr=subprocess.STDOUT)
        start = time.monotonic()
        while True:
            if cls.kamailio.poll() is not None:
                raise AssertionError("kamailio exited:\n" + (d / "kamailio.log").read_text())
            try:
                with socket.create_connection(("127.0.0.1", cls.tls), timeout=1):
                    break
            except OSError:
                pass
            if time.monotonic() - start > 15:
                raise AssertionError("kamailio did not listen:\n" +
                                     (d / "kamailio.log").read_text())
            time.sleep(0.1)

    @classmethod
    def tearDownClass(cls):
        cls.kamailio.send_signal(signal.SIGTERM)
        try:
            cls.kamailio.wait(timeout=10)
        except subprocess.TimeoutExpired:
            cls.kamailio.kill()
            cls.kamailio.wait()
        cls.log.close()
        cls.tmp.cleanup()

    def kamailio_log(self):
        return (self.d / "kamailio.log").read_text()

    def cli(self, transport, proxy_host, port, *extra):
        return [CLI, "--account", "alice@localhost", "--proxy", f"sip:{proxy_host}:{port}",
                "--transport", transport, "--password-file", str(self.d / "alice.pw"),
                "--bind", "127.0.0.1", "--json", "--no-prompt", *extra]

    def register_then_quit(self, args):
        """Runs tipring-cli until it registers (or fails), then quits; returns the events and
        the exit code."""
        p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        events = []
        start = time.monotonic()
        try:
            for line in p.stdout:
                if line.startswith("{"):
                    events.append(json.loads(line))
                if events and events[-1]["event"] in ("registered", "registration-failed"):
                    break
                self.assertLess(time.monotonic() - start, DEADLINE_S)
            if p.poll() is None:
                p.stdin.write("quit\n")
                p.stdin.flush()
            rest, err = p.communicate(timeout=DEADLINE_S)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        events += [json.loads(l) for l in rest.splitlines() if l.startswith("{")]
        return events, p.returncode, err

    def test_registers_over_tcp(self):
        events, code, err = self.register_then_quit(self.cli("tcp", "127.0.0.1", self.tcp))
        self.assertEqual(events[0]["event"], "registered", (events, err, self.kamailio_log()))
        self.assertEqual(events[0]["transport"], "tcp")
        self.assertEqual(code, 0, err)
        self.assertIn("TIPRING-REGISTER proto=tcp", self.kamailio_log())
        self.assertRegex(self.kamailio_log(), r"proto=tcp contact=<sip:alice@127\.0\.0\.1:\d+;"
                         r"transport=tcp")

    def test_registers_over_tls_trusting_the_ca_file(self):
        events, code, err = self.register_then_quit(
            self.cli("tls", "localhost", self.tls, "--ca-file", str(self.d / "test-ca.pem")))
        self.assertEqual(events[0]["event"], "registered", (events, err, self.kamailio_log()))
        self.assertEqual(events[0]["transport"], "tls")
        self.assertEqual(code, 0, err)
        self.assertIn("TIPRING-REGISTER proto=tls", self.kamailio_log())
        self.assertRegex(self.kamailio_log(), r"proto=tls contact=<sip:alice@127\.0\.0\.1:\d+;"
                         r"transport=tls")

    def test_certificate_from_another_ca_is_refused_as_not_trusted(self):
        before = self.kamailio_log().count("proto=tls")
        events, code, err = self.register_then_quit(
            self.cli("tls", "localhost", self.tls, "--ca-file", str(self.d / "other-ca.pem")))
        self.assertEqual(events[0]["event"], "registration-failed", (events, err))
        self.assertEqual(events[0]["reason"], "certificate not trusted")
        self.assertEqual(code, 3)
        self.assertEqual(self.kamailio_log().count("proto=tls"), before,
                         "no REGISTER may leave over an untrusted connection")

    def test_certificate_for_another_name_is_refused(self):
        # The certificate names "localhost"; reaching the server as 127.0.0.1 must fail
        # hostname verification even though the CA is trusted.
        events, code, err = self.register_then_quit(
            self.cli("tls", "127.0.0.1", self.tls, "--ca-file", str(self.d / "test-ca.pem")))
        self.assertEqual(events[0]["event"], "registration-failed", (events, err))
        self.assertEqual(events[0]["reason"], "certificate does not name the server '127.0.0.1'")
        self.assertEqual(code, 3)


if __name__ == "__main__":
    unittest.main()
