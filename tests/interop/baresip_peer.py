"""baresip (Debian's, an independent SIP user agent built on libre) as a peer inside the
end-to-end topology. Its microphone is a WAV file (the aufile audio source), its speaker a
null bridge, and the sndfile filter writes what it decoded to a WAV we measure. It is driven
through its stdio menu on a pipe ("/dial", "/hangup") and its log lines on stdout are read
on a background thread, each stamped with the time it arrived, so a test waits for an event
with a deadline instead of sleeping."""
import queue
import re
import subprocess
import tempfile
import threading
import time
from pathlib import Path

MODULES = Path("/usr/lib/baresip/modules")

# Log lines of baresip 1.0 that tests wait for, by the event name they are given here.
EVENTS = {
    "registered": re.compile(r"\}\s+200 OK .*binding"),
    "registration-failed": re.compile(r"\}\s+[3-6]\d\d |Register: "),
    "calling": re.compile(r"call: connecting to"),
    "incoming": re.compile(r"Incoming call from"),
    "answered": re.compile(r"Call established"),
    "ended": re.compile(r"terminated \(duration"),
    "dtmf": re.compile(r"received event: '(.)' \(end=1\)"),
}


class Baresip:
    """baresip on `host` signed in as `user`@`domain` through `proxy` (host:port).

    It plays a `tone_hz` sine sampled at `rate` Hz as its microphone; `codecs` restricts the
    audio codecs the account offers or accepts, in baresip's
    name/rate/channels form (["PCMU"], ["opus/48000/2", "PCMU"]); `answer` makes it answer
    incoming calls itself."""

    def __init__(self, net, host, ip, user, password, domain, proxy, tone_hz, rate=8000,
                 codecs=("PCMU",), answer=False, rtp_ports=(20000, 20999)):
        self.net, self.host, self.user = net, host, user
        self.dir = Path(tempfile.mkdtemp(prefix=f"tipring-interop-baresip-{user}-"))
        self.record_dir = self.dir / "heard"
        self.record_dir.mkdir()
        # aufile wants the codec's own rate and channel count (Opus: 48 kHz stereo).
        channels = 2 if any(c.lower().startswith("opus") for c in codecs) else 1
        tone = self.dir / "tone.wav"
        subprocess.run(["sox", "-n", "-r", str(rate), "-c", str(channels), "-b", "16", str(tone),
                        "synth", "30", "sine", str(tone_hz), "vol", "0.5"], check=True)
        modules = ["g711.so", "aufile.so", "aubridge.so", "sndfile.so", "stdio.so"]
        if any(c.lower().startswith("opus") for c in codecs):
            modules.append("opus.so")
        config = [
            "poll_method epoll",
            f"sip_listen {ip}:5060",
            "audio_player aubridge,nil",
            "audio_alert aubridge,nil",
            f"audio_source aufile,{tone}",
            f"ausrc_srate {rate}",
            f"auplay_srate {rate}",
            f"rtp_ports {rtp_ports[0]}-{rtp_ports[1]}",
            "rtp_timeout 0",
            f"module_path {MODULES}",
            *[f"module {m}" for m in modules],
            "module_app account.so",
            "module_app menu.so",
            f"snd_path {self.record_dir}",
        ]
        (self.dir / "config").write_text("\n".join(config) + "\n")
        params = [f'auth_pass={password}', f'outbound="sip:{proxy}"', "regint=600",
                  f"answermode={'auto' if answer else 'manual'}",
                  f"audio_codecs={','.join(codecs)}"]
        (self.dir / "accounts").write_text(f"<sip:{user}@{domain}>;" + ";".join(params) + "\n")
        # stdin is a pipe: the stdio menu reads commands from it (a file would not poll).
        self.proc = subprocess.Popen(net.cmd(host, ["baresip", "-f", self.dir]),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        net.procs.append(self.proc)
        self.events = queue.Queue()
        self.history = []  # (time, event name or None, line)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            line = line.rstrip()
            now = time.monotonic()
            for name, pattern in EVENTS.items():
                if pattern.search(line):
                    self.history.append((now, name, line))
                    self.events.put((now, name, line))
                    break
            else:
                self.history.append((now, None, line))
        self.events.put((time.monotonic(), "exited", ""))

    def wait_for(self, event, timeout=20):
        """The time and log line of the next `event` within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"baresip {self.user}: no '{event}' within {timeout} s; "
                                     f"log tail {self.log_tail()}")
            try:
                t, name, line = self.events.get(timeout=left)
            except queue.Empty:
                continue
            if name == event:
                return t, line
            if name == "exited" or (event == "registered" and name == "registration-failed"):
                raise AssertionError(f"baresip {self.user}: {name} before '{event}'; "
                                     f"log tail {self.log_tail()}")

    def log_tail(self, n=25):
        return [line for _, _, line in self.history if not line.startswith("[")][-n:]

    def command(self, text):
        """A long command of baresip's menu, e.g. '/dial sip:bob@example.org'."""
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def dial(self, uri):
        self.command(f"/dial {uri}")

    def hangup(self):
        self.command("/hangup")

    def press(self, digits):
        """Key presses on the menu; in a call each digit goes out as an RFC 4733 event."""
        self.proc.stdin.write(digits)
        self.proc.stdin.flush()

    def dtmf_received(self):
        """The RFC 4733 digits baresip has received so far, in order."""
        return "".join(EVENTS["dtmf"].search(line).group(1)
                       for _, name, line in list(self.history) if name == "dtmf")

    def heard(self):
        """The WAV baresip decoded from the network during its (one) call."""
        files = sorted(self.record_dir.glob("*-dec.wav"))
        if not files:
            raise AssertionError(f"baresip {self.user} recorded nothing; {self.log_tail()}")
        return files[-1]

    def setup_seconds(self):
        times = {name: t for t, name, _ in self.history if name in ("calling", "answered")}
        if "calling" in times and "answered" in times:
            return times["answered"] - times["calling"]
        return None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
