"""Figures a scenario measured, written as one JSON file per scenario into a results
directory (TIPRING_RESULTS_DIR, by default <build>/test-results) so that report.py can
print them as a table for docs/performance.md. Figures are read from the processes
themselves: setup time from the caller's event times, packets relayed from the media
relay's own counters, loss and concealment from tipring-cli's final stats event."""
import json
import os
import time
from pathlib import Path

from e2e_lib import HERE

BUILD = Path(os.environ.get("TIPRING_BUILD_DIR", HERE.parents[1] / "build" / "dev"))
RESULTS_DIR = Path(os.environ.get("TIPRING_RESULTS_DIR", BUILD / "test-results"))


def cli_figures(client):
    """Loss and concealment seen by one tipring-cli, from its last stats event (or None)."""
    stats = [e for e in list(client.history) if e.get("event") == "stats"]
    if not stats:
        return None
    s = stats[-1]
    received, lost = s.get("packetsReceived", 0), s.get("packetsLost", 0)
    total = s.get("totalSamplesReceived", 0)
    return {
        "packets_received": received,
        "loss": lost / (lost + received) if lost + received else None,
        "concealment": s.get("concealedSamples", 0) / total if total else None,
        "codec": s.get("codec"),
    }


def setup_seconds(client):
    """Seconds from tipring-cli's 'calling' to its 'answered' event, as this test saw them
    (None when the caller is not a tipring-cli)."""
    if client is None:
        return None
    times = {e["event"]: e["_t"] for e in list(client.history)
             if e.get("event") in ("calling", "answered")}
    if "calling" in times and "answered" in times:
        return times["answered"] - times["calling"]
    return None


def record(suite, scenario, **figures):
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    figures = {k: v for k, v in figures.items() if v is not None}
    doc = {"suite": suite, "scenario": scenario, "recorded_at": time.time(), **figures}
    (RESULTS_DIR / f"{suite}.{scenario}.json").write_text(json.dumps(doc, indent=1) + "\n")
    return doc
