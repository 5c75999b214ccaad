"""What the interop tests share: the e2e scaffolding imported from tests/e2e (topology,
tipring-relay and tipring-cli wrappers, the tone probe, the results writer), the users and
tones of the interop scenarios, and a sampler of the relay's media counters during a call."""
import os
import shutil
import sys
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "e2e"))

from e2e_lib import SKIP, Topology, require_namespaces  # noqa: E402,F401
from scenario_results import cli_figures, record, setup_seconds  # noqa: E402,F401
from tipring_procs import (DOMAIN, HOST_IP, RELAY_IP, Client, Relay,  # noqa: E402,F401
                           tone_report, write_tone)

USERS = {"alice": "alice-secret-1", "bob": "bob-secret-2", "carol": "carol-secret-3",
         "dave": "dave-secret-4", "erin": "erin-secret-5"}
# What each party plays: tipring-cli users, baresip (carol) and the SIPp UAs (dave, erin).
TONES = {"alice": 440, "bob": 1000, "carol": 620, "dave": 1500, "erin": 1250}


def require_peers(*programs):
    """The independent peers a test runs (scripts/bootstrap.sh installs them): missing, the
    test skips on a developer's desktop and fails under CI, like the namespaces."""
    missing = [p for p in programs if shutil.which(p) is None]
    if not missing:
        return
    reason = f"interop: {', '.join(missing)} not installed (scripts/bootstrap.sh)"
    if os.environ.get("CI") == "true":
        print(f"FAIL: {reason}", file=sys.stderr)
        sys.exit(1)
    print(f"SKIP: {reason}", file=sys.stderr)
    sys.exit(SKIP)


class MediaSampler:
    """Polls a tipring-relay's /metrics on a thread while a call runs, remembering the most
    streams seen flowing both ways at once (a gauge that is back to 0 after the call)."""

    def __init__(self, relay, period=0.25):
        self.relay, self.period = relay, period
        self.max_two_way = 0
        self._two_way = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=10)
        return False

    def wait_for_two_way(self, timeout):
        """Returns once media has been seen flowing both ways, or fails after `timeout` s."""
        if not self._two_way.wait(timeout):
            raise AssertionError(f"no media both ways through the relay within {timeout} s")

    def _run(self):
        while not self._stop.is_set():
            try:
                metrics = self.relay.metrics()
            except Exception:  # the relay host is busy or going away; the next poll will tell
                metrics = {}
            two_way = metrics.get('tipring_relay_media_streams{flow="two_way"}', 0)
            self.max_two_way = max(self.max_two_way, int(two_way))
            if two_way > 0:
                self._two_way.set()
            self._stop.wait(self.period)


def assert_tone(test, path, freq, who, skip=1.0):
    """`path` (what `who` heard) is dominated by `freq`, within 3 %."""
    report = tone_report(path, freq, skip=skip)
    test.assertAlmostEqual(report["dominant_hz"], freq, delta=freq * 0.03,
                           msg=f"{who} should hear {freq} Hz: {report}")
    return report
