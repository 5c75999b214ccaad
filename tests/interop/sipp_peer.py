"""SIPp (Debian's sip-tester) as a user agent inside the end-to-end topology, running one of
the scenarios in tests/interop/sipp. Its media is a mu-law tone streamed with SIPp's
rtp_stream action from its media port, the same socket a relay learns it from. Started and
stopped by PID; its message trace and errors stay in its own directory for failures."""
import shutil
import subprocess
import tempfile
from pathlib import Path

SCENARIOS = Path(__file__).resolve().parent / "sipp"


def write_mulaw_tone(path, freq, seconds=30):
    """A mu-law WAV at 8 kHz, the payload SIPp streams as PCMU as it is."""
    subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-e", "u-law", "-b", "8", str(path),
                    "synth", str(seconds), "sine", str(freq), "vol", "0.5"], check=True)


class Sipp:
    """`scenario` (a file in tests/interop/sipp) on `host`, talking to `remote` (ip:port;
    None for a callee, which only answers).

    `account`/`password` sign the REGISTER or INVITE; `callee` is the request URI's user;
    `call_ms` is how long a caller stays in the call; `tone_hz` what it streams."""

    def __init__(self, net, host, ip, remote, scenario, account, password, domain,
                 callee=None, call_ms=6000, tone_hz=1500, sip_port=5060, media_port=30000):
        self.net, self.host, self.account = net, host, account
        self.dir = Path(tempfile.mkdtemp(prefix=f"tipring-interop-sipp-{account}-"))
        write_mulaw_tone(self.dir / "tone.wav", tone_hz)
        # SIPp names its -trace_rtt file after the scenario file: run a copy in our directory.
        shutil.copy(SCENARIOS / scenario, self.dir / scenario)
        argv = ["sipp", *([remote] if remote else []), "-sf", scenario, "-i", ip, "-p", sip_port,
                "-mi", ip, "-mp", media_port, "-m", 1, "-nostdin",
                "-key", "account", account, "-key", "domain", domain,
                "-au", account, "-ap", password, "-d", call_ms,
                "-timeout", "90s", "-timeout_error",
                "-trace_err", "-error_file", self.dir / "errors.log",
                "-trace_msg", "-message_file", self.dir / "messages.log",
                "-trace_rtt", "-rtt_freq", 1]
        if callee:
            argv += ["-s", callee]
        self.out = open(self.dir / "screen.log", "w")
        # The working directory holds tone.wav, which the scenario's rtp_stream names.
        self.proc = subprocess.Popen(net.cmd(host, argv), cwd=self.dir, stdin=subprocess.DEVNULL,
                                     stdout=self.out, stderr=subprocess.STDOUT)
        net.procs.append(self.proc)

    def wait(self, timeout=90):
        """SIPp's exit code: 0 when its one call followed the scenario to the end."""
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self.out.close()

    def diagnostics(self):
        parts = []
        for name in ("errors.log", "messages.log"):
            path = self.dir / name
            if path.exists():
                parts.append(f"== {name}\n" + path.read_text()[-4000:])
        return "\n".join(parts)

    def setup_seconds(self):
        """The caller's 'setup' response time (INVITE with credentials to its 200), from
        SIPp's own -trace_rtt file (Date_ms;response_time_ms;rtd_no)."""
        for path in self.dir.glob("*_rtt.csv"):
            for line in path.read_text().splitlines()[1:]:
                fields = line.split(";")
                if len(fields) >= 3 and fields[2].strip() == "setup":
                    return float(fields[1]) / 1000.0
        return None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not self.out.closed:
            self.out.close()
