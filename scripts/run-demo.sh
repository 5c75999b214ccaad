#!/usr/bin/env bash
# Runs Tipring on this machine: builds the release preset, starts tipring-relay on loopback
# with its embedded SQLite store and a demo user, and signs a client in as that user to
# call the relay's echo-test number. Grows as components land; today it runs what exists.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset release >/dev/null
cmake --build --preset release

bin=build/release
relay=$bin/relay_server/tipring-relay
cli=$bin/client/tipring-cli
if [[ -x $relay && -x $cli && -x scripts/demo-call.sh ]]; then
  exec scripts/demo-call.sh "$bin"
fi
echo
echo "Built so far: the protocol core (tipring_protocol)."
[[ -x $relay ]] && echo "  tipring-relay: $relay"
[[ -x $cli ]] && echo "  tipring-cli:   $cli"
echo "The relay + client demo starts here once tipring-relay and tipring-cli exist."
