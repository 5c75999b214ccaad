#!/usr/bin/env bash
# An answered registration survives a crash: tipring-relay gathers a wake-up's store writes
# in one transaction (group commit) and must commit it before any 200 for them leaves. SIPp
# registers alice; as soon as SIPp has its 200 the relay is killed with SIGKILL (no
# shutdown path runs), started again on the same store, and the registrar's answer to a
# REGISTER query (RFC 3261 §10.2.4) must still list alice's contact.
# Usage: sipp_kill_test.sh <tipring-relay> <scenario dir>
set -euo pipefail
relay_binary=$1
scenarios=$2
command -v sipp >/dev/null || { echo "SKIP: sipp not installed"; [[ ${CI:-} == true ]] && exit 1; exit 77; }
work=$(mktemp -d)
relay_pid=
cleanup() {
  if [[ -n $relay_pid ]]; then kill "$relay_pid" 2>/dev/null || true; wait "$relay_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; cat "$work"/relay-*.log "$work"/sipp-*.out 2>/dev/null; exit 1; }

cat >"$work/relay.toml" <<TOML
[sip]
listen = ["127.0.0.1:0"]
domain = "tipring.test"
[http]
metrics_listen = "127.0.0.1:0"
[store]
sqlite_path = "$work/relay.sqlite"
[log]
syslog_prefix = "never"
TOML
echo "alice-secret" | "$relay_binary" --config "$work/relay.toml" user add alice

start_relay() {  # log file
  "$relay_binary" --config "$work/relay.toml" 2>"$1" &
  relay_pid=$!
  for _ in $(seq 1 100); do
    grep -q "tipring-relay ready" "$1" && break
    sleep 0.05
  done
  sip=$(grep -o 'sip=[0-9.:]*' "$1" | head -1 | cut -d= -f2)
  [[ -n $sip ]] || fail "relay did not start"
}

run_sipp() {  # scenario; returns SIPp's status
  timeout 20 sipp "$sip" -sf "$scenarios/$1" -s alice -au alice -ap alice-secret \
    -i 127.0.0.1 -p 0 -m 1 -timeout 10s -timeout_error -nostdin \
    -trace_err -error_file "$work/sipp-$1.err" >"$work/sipp-$1.out" 2>&1
}

start_relay "$work/relay-1.log"
run_sipp register_auth.xml || fail "REGISTER before the crash"
kill -KILL "$relay_pid"
wait "$relay_pid" 2>/dev/null || true
relay_pid=

start_relay "$work/relay-2.log"
run_sipp register_query.xml || fail "alice's answered binding is not listed after SIGKILL"
echo "the answered binding survived SIGKILL"
