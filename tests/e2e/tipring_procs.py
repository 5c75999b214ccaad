"""Real Tipring processes inside the end-to-end topology: a tipring-relay on the relay host
(its own config, SQLite store and users, stopped by PID) and tipring-cli clients on any
host, whose --json event lines are read on a background thread so a test can wait for an
event with a deadline instead of sleeping."""
import json
import os
import queue
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from e2e_lib import HERE

BUILD = Path(os.environ.get("TIPRING_BUILD_DIR", HERE.parents[1] / "build" / "dev"))
RELAY_BIN = BUILD / "relay_server" / "app" / "tipring-relay"
CLI_BIN = BUILD / "client" / "tipring-cli"
AUDIO_PROBE = BUILD / "tests" / "tools" / "audio_probe"
DOMAIN = "tipring.test"
RELAY_IP = "198.18.0.10"
HOST_IP = {"a": "198.18.1.10", "b": "198.18.2.10", "pub": "198.18.0.20",
           "relay": RELAY_IP, "stranger": "198.18.0.66"}


def write_tone(path, freq, seconds=30, rate=48000):
    """A sine WAV (16-bit mono) for a client's microphone, made with sox."""
    subprocess.run(["sox", "-n", "-r", str(rate), "-c", "1", "-b", "16", str(path),
                    "synth", str(seconds), "sine", str(freq), "vol", "0.5"], check=True)


def tone_report(path, *freqs, skip=1.0):
    argv = [str(AUDIO_PROBE), "tone", str(path), "--skip", str(skip)]
    for f in freqs:
        argv += ["--freq", str(f)]
    r = subprocess.run(argv, capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


class Relay:
    """tipring-relay on the relay host; `users` maps user name to password."""

    def __init__(self, net, users, host="relay", ip=RELAY_IP, extra_toml="", workdir=None,
                 store_toml=None, sip_toml="", media_ports=(40000, 40999)):
        self.net, self.host, self.ip = net, host, ip
        self.dir = Path(workdir or tempfile.mkdtemp(prefix="tipring-e2e-relay-"))
        self.config = self.dir / "relay.toml"
        self.log_path = self.dir / "relay.log"
        self.config.write_text(f"""
[sip]
listen = ["{ip}:5060"]
domain = "{DOMAIN}"
{sip_toml}
[http]
metrics_listen = "{ip}:9080"
[store]
{store_toml or f'sqlite_path = "{self.dir / "relay.sqlite"}"'}
[media]
bind_address = "{ip}"
port_min = {media_ports[0]}
port_max = {media_ports[1]}
{extra_toml}
""")
        for user, password in users.items():
            # Inside the relay host: the store (a Redis server, say) may live there.
            subprocess.run(net.cmd(host, [RELAY_BIN, "--config", self.config, "user", "add", user]),
                           input=password + "\n", text=True, check=True, capture_output=True)
        self.proc = None

    def start(self):
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen(self.net.cmd(self.host, [RELAY_BIN, "--config", self.config]),
                                     stdout=self.log, stderr=self.log)
        self.net.procs.append(self.proc)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if "tipring-relay ready" in self.log_path.read_text()[offset:]:
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("tipring-relay did not start:\n" + self.log_path.read_text())

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.log.close()
        return self.proc.returncode

    def metrics(self):
        """The relay's /metrics as {name{labels}: value}, fetched inside the relay host."""
        r = self.net.run(self.host, ["python3", "-c",
                                     "import urllib.request,sys;"
                                     f"sys.stdout.write(urllib.request.urlopen('http://{self.ip}:9080/metrics',timeout=5).read().decode())"])
        out = {}
        for line in r.stdout.splitlines():
            if line and not line.startswith("#"):
                key, _, value = line.rpartition(" ")
                out[key] = float(value)
        return out

    def metric(self, name):
        return sum(v for k, v in self.metrics().items() if k == name or k.startswith(name + "{"))


class Client:
    """tipring-cli on `host`, signed in as `user`; events are its --json lines."""

    def __init__(self, net, host, user, password, args=(), proxy=f"sip:{RELAY_IP}:5060"):
        self.net, self.host, self.user = net, host, user
        self.dir = Path(tempfile.mkdtemp(prefix=f"tipring-e2e-{user}-"))
        pw = self.dir / "password"
        pw.write_text(password + "\n")
        argv = [CLI_BIN, "--account", f"{user}@{DOMAIN}", "--proxy", proxy,
                "--password-file", pw, "--bind", HOST_IP[host], "--json", "--no-stdin", *args]
        self.proc = net.start(host, argv)
        self.events = queue.Queue()
        self.history = []  # every event, in order, whether or not a test waited for it
        self.seen = []
        self.stderr_lines = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    def _read(self):
        # Each event carries the monotonic time it was read ("_t"), for setup-time figures.
        for line in self.proc.stdout:
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                event = {"event": "text", "text": line.rstrip()}
            event["_t"] = time.monotonic()
            self.history.append(event)
            self.events.put(event)
        self.events.put({"event": "exited", "_t": time.monotonic()})

    def _read_err(self):
        for line in self.proc.stderr:
            self.stderr_lines.append(line.rstrip())

    def wait_for(self, event, timeout=20, **match):
        """The first event named `event` (whose fields include `match`) within `timeout` s."""
        for e in self.seen:
            if e.get("event") == event and all(e.get(k) == v for k, v in match.items()):
                self.seen.remove(e)
                return e
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{self.user}: no '{event}' event within {timeout} s; "
                                     f"seen {self.seen}; stderr tail {self.stderr_lines[-15:]}")
            try:
                e = self.events.get(timeout=left)
            except queue.Empty:
                continue
            if e.get("event") == event and all(e.get(k) == v for k, v in match.items()):
                return e
            self.seen.append(e)
            if e.get("event") == "exited" and event != "exited":
                raise AssertionError(f"{self.user}: exited (code {self.proc.wait()}) before "
                                     f"'{event}'; seen {self.seen}; stderr {self.stderr_lines[-15:]}")

    def exit_code(self, timeout=20):
        return self.proc.wait(timeout=timeout)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
