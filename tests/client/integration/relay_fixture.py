"""What the tipring-cli integration tests share: free loopback ports, a tone WAV for a
microphone, and a tipring-relay process of the test's own (config and SQLite store in a
folder of the test's, users "<user>" with password "<user>-secret" and a password file each,
started and stopped by its PID)."""
import math
import signal
import socket
import struct
import subprocess
import time
import wave
from pathlib import Path


def free_port(kind=socket.SOCK_DGRAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_tone(path, hz, seconds=2.0, rate=48000):
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", int(9000 * math.sin(2 * math.pi * hz * i / rate)))
                               for i in range(int(seconds * rate))))


class RelayProcess:
    """tipring-relay on 127.0.0.1 with its own files under `folder`."""

    def __init__(self, relay, folder, users, timeout_s):
        self.d = Path(folder)
        self.sip_port = free_port()
        self.config = self.d / "relay.toml"
        self.config.write_text(f"""[sip]
listen = ["127.0.0.1:{self.sip_port}"]
domain = "tipring.test"
[http]
metrics_listen = "127.0.0.1:{free_port(socket.SOCK_STREAM)}"
[store]
sqlite_path = "{self.d / 'relay.sqlite'}"
[media]
bind_address = "127.0.0.1"
ng_listen = "127.0.0.1:{free_port()}"
""")
        for user in users:
            (self.d / f"{user}.pw").write_text(f"{user}-secret\n")
            with open(self.d / f"{user}.pw") as password:
                subprocess.run([relay, "--config", str(self.config), "user", "add", user],
                               stdin=password, check=True, capture_output=True, timeout=timeout_s)
        self.log_path = self.d / "relay.log"
        self.log = open(self.log_path, "w+")
        self.process = subprocess.Popen([relay, "--config", str(self.config)], stderr=self.log,
                                        stdout=subprocess.DEVNULL)
        start = time.monotonic()
        while "tipring-relay ready" not in self.log_path.read_text():
            if self.process.poll() is not None:
                raise AssertionError("relay exited: " + self.log_path.read_text())
            if time.monotonic() - start > 10:
                raise AssertionError("relay did not start: " + self.log_path.read_text())
            time.sleep(0.05)

    def password_file(self, user):
        return self.d / f"{user}.pw"

    def proxy(self):
        return f"sip:127.0.0.1:{self.sip_port}"

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
