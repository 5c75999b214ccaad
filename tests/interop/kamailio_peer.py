"""Kamailio (registrar and record-routing proxy) with Debian's rtpengine in userspace as
its media relay, both on the relay host of the end-to-end topology: an independent proxy
and relay that Tipring's clients must work with. The Kamailio configuration is the least a
NAT-aware registrar needs (rport, received address kept with the binding, contact aliases
for in-dialog requests, rtpengine offer/answer/delete); nothing of Tipring's own runs on
the server side. Both daemons run in the foreground and are stopped by PID."""
import re
import subprocess
import tempfile
import time
from pathlib import Path

MODULES = Path("/usr/lib/x86_64-linux-gnu/kamailio/modules")
NG_PORT = 2223
RTPENGINE_FLAGS = "replace-origin replace-session-connection ICE=remove"

CONFIG = """#!KAMAILIO
debug=2
log_stderror=yes
children=2
listen=udp:{ip}:5060
alias="{domain}"
mpath="{modules}/"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "nathelper.so"
loadmodule "rtpengine.so"
modparam("usrloc", "db_mode", 0)
modparam("registrar", "received_avp", "$avp(RECEIVED)")
modparam("nathelper", "received_avp", "$avp(RECEIVED)")
modparam("rtpengine", "rtpengine_sock", "udp:127.0.0.1:{ng_port}")

request_route {{
  if (!mf_process_maxfwd_header("10")) {{ sl_send_reply("483", "Too Many Hops"); exit; }}
  force_rport();
  if (is_method("REGISTER")) {{
    fix_nated_register();
    if (!save("location")) {{ sl_reply_error(); }}
    exit;
  }}
  if (is_method("OPTIONS") && uri == myself && $rU == $null) {{
    sl_send_reply("200", "OK");
    exit;
  }}
  if (has_totag()) {{
    if (loose_route()) {{
      handle_ruri_alias();
      if (is_method("BYE")) {{ rtpengine_delete(); }}
      t_relay();
      exit;
    }}
    if (is_method("ACK") && t_check_trans()) {{ t_relay(); }}
    exit;
  }}
  if (is_method("CANCEL")) {{
    if (t_check_trans()) {{ rtpengine_delete(); t_relay(); }}
    exit;
  }}
  if (is_method("INVITE")) {{
    record_route();
    set_contact_alias();
    if (has_body("application/sdp")) {{ rtpengine_offer("{flags}"); }}
    t_on_reply("MEDIA");
    t_on_failure("FAILED");
  }}
  if (!lookup("location")) {{ sl_send_reply("404", "Not Found"); exit; }}
  t_relay();
}}

onreply_route[MEDIA] {{
  if (status =~ "^(18[0-9]|2[0-9][0-9])$") {{
    set_contact_alias();
    if (has_body("application/sdp")) {{ rtpengine_answer("{flags}"); }}
  }}
}}

failure_route[FAILED] {{
  rtpengine_delete();
}}
"""


class KamailioWithRtpengine:
    """Kamailio on `ip`:5060 serving `domain`, rtpengine relaying media on `ip`."""

    def __init__(self, net, host, ip, domain, rtp_ports=(30000, 30999)):
        self.net, self.host, self.ip = net, host, ip
        self.dir = Path(tempfile.mkdtemp(prefix="tipring-interop-kamailio-"))
        (self.dir / "kamailio.cfg").write_text(CONFIG.format(
            ip=ip, domain=domain, modules=MODULES, ng_port=NG_PORT, flags=RTPENGINE_FLAGS))
        self.rtpengine_log = open(self.dir / "rtpengine.log", "w")
        self.rtpengine = subprocess.Popen(net.cmd(host, [
            "rtpengine", "--config-file=none", "--foreground", "--log-stderr",
            "--log-level=6", f"--interface={ip}", f"--listen-ng=127.0.0.1:{NG_PORT}",
            f"--port-min={rtp_ports[0]}", f"--port-max={rtp_ports[1]}", "--table=-1",
            # Clients behind NAT: take the first media source at once (the default waits
            # 3 s, sending to the unreachable SDP address meanwhile), and close a deleted
            # call at once, which logs its per-stream totals.
            "--endpoint-learning=immediate", "--delete-delay=0",
            f"--pidfile={self.dir / 'rtpengine.pid'}"]),
            stdout=self.rtpengine_log, stderr=subprocess.STDOUT)
        net.procs.append(self.rtpengine)
        self.kamailio_log = open(self.dir / "kamailio.log", "w")
        self.kamailio = subprocess.Popen(net.cmd(host, [
            "kamailio", "-DD", "-E", "-f", self.dir / "kamailio.cfg",
            "-P", self.dir / "kamailio.pid", "-Y", self.dir]),
            stdout=self.kamailio_log, stderr=subprocess.STDOUT)
        net.procs.append(self.kamailio)
        self._wait_ready()

    def _wait_ready(self):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            for proc, name in ((self.rtpengine, "rtpengine"), (self.kamailio, "kamailio")):
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited:\n{self.logs()}")
            listening = self.net.run(self.host, ["ss", "-lun"], check=False).stdout
            if f"{self.ip}:5060" in listening and f"127.0.0.1:{NG_PORT}" in listening:
                return
            time.sleep(0.1)
        raise RuntimeError(f"kamailio/rtpengine not listening:\n{self.logs()}")

    def logs(self):
        return "\n".join(f"== {name}\n" + (self.dir / name).read_text()[-3000:]
                         for name in ("kamailio.log", "rtpengine.log"))

    def packets_relayed(self):
        """Packets rtpengine relayed, summed from its final per-stream statistics (logged when
        a call is deleted: '... <n> p, <bytes> b, <errors> e, ...')."""
        text = (self.dir / "rtpengine.log").read_text()
        return sum(int(n) for n in re.findall(r"\b(\d+) p, \d+ b, \d+ e\b", text))

    def stop(self):
        for proc in (self.kamailio, self.rtpengine):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        self.rtpengine_log.close()
        self.kamailio_log.close()
