#!/usr/bin/env python3
"""Prints the figures the e2e and interop scenarios recorded (scenario_results.py) as one
Markdown table: setup time, packets the media relay forwarded, and for each tipring-cli in
the call the share of packets lost and of audio concealed by its jitter buffer.

  report.py [RESULTS_DIR]     default: $TIPRING_RESULTS_DIR or build/dev/test-results"""
import json
import sys
from pathlib import Path

from scenario_results import RESULTS_DIR


def percent(value):
    return "–" if value is None else f"{100 * value:.1f}"


def row(doc):
    clients = {k: v for k, v in doc.get("clients", {}).items() if v}
    who = " / ".join(clients) or "–"
    loss = " / ".join(percent(c.get("loss")) for c in clients.values()) or "–"
    concealed = " / ".join(percent(c.get("concealment")) for c in clients.values()) or "–"
    codecs = sorted({c.get("codec") for c in clients.values() if c.get("codec")})
    setup = doc.get("setup_s")
    packets = doc.get("relay_packets_forwarded")
    peers = " → ".join(p for p in (doc.get("caller"), doc.get("callee")) if p)
    via = doc.get("proxy", "tipring-relay")
    return [f"{doc['suite']}.{doc['scenario']}", peers or "tipring-cli → tipring-cli", via,
            "–" if setup is None else f"{1000 * setup:.0f}",
            "–" if packets is None else f"{packets:.0f}", who, loss, concealed,
            ", ".join(codecs) or "–"]


def main():
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else RESULTS_DIR
    docs = [json.loads(p.read_text()) for p in sorted(directory.glob("*.json"))]
    if not docs:
        print(f"no results in {directory}: run ctest -L 'e2e|interop' first", file=sys.stderr)
        return 1
    docs.sort(key=lambda d: (d["suite"], d["scenario"]))
    header = ["scenario", "peers", "proxy / relay", "setup (ms)", "packets relayed",
              "tipring-cli", "loss (%)", "concealed (%)", "codec"]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for doc in docs:
        print("| " + " | ".join(row(doc)) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
