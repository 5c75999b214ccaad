#!/usr/bin/env bash
# Bindings survive a restart (issue 4 items 3 and 11): tipring-relay with an SQLite store
# registers alice through SIPp, is stopped with SIGTERM (it must exit 0), is started again
# on the same store, and must still list alice's contact — both in the registrations gauge
# and in the registrar's own answer to a REGISTER query (RFC 3261 §10.2.4), which fails when
# the binding is gone. A control run on a fresh store shows the query does fail then.
# Usage: sipp_restart_test.sh <tipring-relay> <scenario dir>
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

write_config() {  # store file
  cat >"$work/relay.toml" <<TOML
[sip]
listen = ["127.0.0.1:0"]
domain = "tipring.test"
[http]
metrics_listen = "127.0.0.1:0"
[store]
sqlite_path = "$1"
[log]
syslog_prefix = "never"
TOML
}

start_relay() {  # log file
  "$relay_binary" --config "$work/relay.toml" 2>"$1" &
  relay_pid=$!
  for _ in $(seq 1 100); do
    grep -q "tipring-relay ready" "$1" && break
    sleep 0.05
  done
  sip=$(grep -o 'sip=[0-9.:]*' "$1" | head -1 | cut -d= -f2)
  http=$(grep -o 'http=[0-9.:]*' "$1" | head -1 | cut -d= -f2)
  [[ -n $sip && -n $http ]] || { echo "relay did not start"; cat "$1"; exit 1; }
}

stop_relay() {  # SIGTERM; a graceful stop exits 0
  kill -TERM "$relay_pid"
  local status=0
  wait "$relay_pid" || status=$?
  relay_pid=
  [[ $status -eq 0 ]] || { echo "relay exited $status after SIGTERM"; exit 1; }
}

run_sipp() {  # scenario; returns SIPp's status
  timeout 20 sipp "$sip" -sf "$scenarios/$1" -s alice -au alice -ap alice-secret \
    -i 127.0.0.1 -p 0 -m 1 -timeout 10s -timeout_error -nostdin \
    -trace_err -error_file "$work/sipp-$1.err" >"$work/sipp-$1.out" 2>&1
}

registrations() {
  local metrics
  metrics=$(exec 3<>"/dev/tcp/${http%:*}/${http#*:}"; printf 'GET /metrics HTTP/1.1\r\nHost: relay\r\n\r\n' >&3; timeout 5 cat <&3)
  grep -o '^tipring_relay_registrations [0-9]*' <<<"$metrics" | cut -d' ' -f2
}

fail() { echo "FAIL: $*"; cat "$work"/relay-*.log "$work"/sipp-*.out 2>/dev/null; exit 1; }

# Control: on an empty store the query must fail, or the check below proves nothing.
write_config "$work/empty.sqlite"
echo "alice-secret" | "$relay_binary" --config "$work/relay.toml" user add alice
start_relay "$work/relay-control.log"
if run_sipp register_query.xml; then fail "the query listed a binding on an empty store"; fi
grep -q "regexp" "$work/sipp-register_query.xml.err" || fail "the query failed, but not on its check"
stop_relay

write_config "$work/relay.sqlite"
echo "alice-secret" | "$relay_binary" --config "$work/relay.toml" user add alice
start_relay "$work/relay-1.log"
run_sipp register_auth.xml || fail "REGISTER before the restart"
[[ $(registrations) == 1 ]] || fail "registrations gauge before the restart: $(registrations)"
stop_relay
grep -q 'registrations_kept=1' "$work/relay-1.log" || fail "the shutdown log does not report the kept binding"

start_relay "$work/relay-2.log"
[[ $(registrations) == 1 ]] || fail "registrations gauge after the restart: $(registrations)"
run_sipp register_query.xml || fail "alice's binding is not listed after the restart"
stop_relay
echo "bindings survived the restart"
