#!/usr/bin/env bash
# Starts tipring-relay on loopback with a temp config and SQLite store, adds a user with
# `tipring-relay user add`, and runs SIPp REGISTER scenarios against it (digest auth right
# and wrong). Usage: sipp_register_test.sh <tipring-relay> <scenario dir>
set -euo pipefail
relay_binary=$1
scenarios=$2
work=$(mktemp -d)
relay_pid=
cleanup() {
  if [[ -n $relay_pid ]]; then kill "$relay_pid" 2>/dev/null || true; wait "$relay_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

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
"$relay_binary" --config "$work/relay.toml" 2>"$work/relay.log" &
relay_pid=$!
for _ in $(seq 1 100); do
  grep -q "tipring-relay ready" "$work/relay.log" && break
  sleep 0.05
done
sip=$(grep -o 'sip=[0-9.:]*' "$work/relay.log" | head -1 | cut -d= -f2)
http=$(grep -o 'http=[0-9.:]*' "$work/relay.log" | head -1 | cut -d= -f2)
[[ -n $sip ]] || { cat "$work/relay.log"; exit 1; }

run_sipp() {  # scenario password
  timeout 20 sipp "$sip" -sf "$scenarios/$1" -s alice -au alice -ap "$2" \
    -i 127.0.0.1 -p 0 -m 1 -timeout 10s -timeout_error -nostdin -trace_err \
    -error_file "$work/sipp-$1.err" >"$work/sipp-$1.out" 2>&1 \
    || { echo "sipp $1 failed"; cat "$work/sipp-$1.err" "$work/sipp-$1.out" "$work/relay.log" 2>/dev/null; exit 1; }
}
run_sipp register_auth.xml alice-secret
run_sipp register_wrong_password.xml wrong-password

metrics=$(exec 3<>"/dev/tcp/${http%:*}/${http#*:}"; printf 'GET /metrics HTTP/1.1\r\nHost: relay\r\n\r\n' >&3; timeout 5 cat <&3)
grep -q '^tipring_relay_registrations 1$' <<<"$metrics" || { echo "registrations gauge"; echo "$metrics"; exit 1; }
grep -q '^tipring_relay_auth_failures_total 1$' <<<"$metrics" || { echo "auth failures"; echo "$metrics"; exit 1; }
echo "SIPp REGISTER scenarios passed"
