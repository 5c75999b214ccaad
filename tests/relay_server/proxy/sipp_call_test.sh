#!/usr/bin/env bash
# INVITE scenarios between two SIPp user agents through tipring-relay on loopback: both
# register first (digest auth), then alice calls bob (her INVITE answers a 407) and the
# call is answered and hung up, CANCELled, refused with 486, or never answered — then the
# proxy answers 408 when its INVITE client transaction's Timer B (64*T1 = 32 s) runs out,
# the RFC 3261 §16.7/§16.8 behaviour for a branch that sends nothing.
# Usage: sipp_call_test.sh <tipring-relay> <scenario dir> [scenario ...]
set -euo pipefail
relay_binary=$1
scenarios=$2
shift 2
cases=("$@")
((${#cases[@]})) || cases=(call cancel busy timeout)
work=$(mktemp -d)
relay_pid=
bob_pid=
cleanup() {
  if [[ -n $bob_pid ]]; then kill "$bob_pid" 2>/dev/null || true; wait "$bob_pid" 2>/dev/null || true; fi
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
[media]
bind_address = "127.0.0.1"
port_min = 25000
port_max = 25999
[log]
syslog_prefix = "never"
TOML

echo "alice-secret" | "$relay_binary" --config "$work/relay.toml" user add alice
echo "bob-secret" | "$relay_binary" --config "$work/relay.toml" user add bob
"$relay_binary" --config "$work/relay.toml" 2>"$work/relay.log" &
relay_pid=$!
for _ in $(seq 1 100); do
  grep -q "tipring-relay ready" "$work/relay.log" && break
  sleep 0.05
done
sip=$(grep -o 'sip=[0-9.:]*' "$work/relay.log" | head -1 | cut -d= -f2)
[[ -n $sip ]] || { cat "$work/relay.log"; exit 1; }

# Fixed ports, so each scenario's REGISTER refreshes the same binding rather than leaving
# a dead one from the previous scenario to fork to.
base=$((20000 + RANDOM % 4000))  # below the ephemeral port range
alice_port=$base
bob_port=$((base + 10))

fail() {
  echo "scenario $1 failed: $2"
  for f in "$work"/sipp-*; do echo "== $f"; cat "$f"; done
  echo "== relay.log"; cat "$work/relay.log"
  exit 1
}

register() {  # user port
  timeout 20 sipp "$sip" -sf "$scenarios/register_auth.xml" -s "$1" -au "$1" -ap "$1-secret" \
    -i 127.0.0.1 -p "$2" -m 1 -timeout 10s -timeout_error -nostdin -trace_err \
    -error_file "$work/sipp-register-$1.err" >"$work/sipp-register-$1.out" 2>&1 \
    || fail register "$1"
}

run_case() {  # name
  local name=$1
  register alice "$alice_port"
  register bob "$bob_port"
  # bob answers on the port his REGISTER came from: the flow the proxy delivers over.
  timeout 60 sipp -sf "$scenarios/${name}_uas.xml" -s bob \
    -i 127.0.0.1 -p "$bob_port" -mp $((base + 100)) -m 1 -timeout 50s -timeout_error -nostdin \
    -trace_err -error_file "$work/sipp-$name-bob.err" >"$work/sipp-$name-bob.out" 2>&1 &
  bob_pid=$!
  sleep 0.3  # bob's socket is bound before alice calls
  timeout 60 sipp "$sip" -sf "$scenarios/${name}_uac.xml" -s alice -au alice -ap alice-secret \
    -i 127.0.0.1 -p "$alice_port" -mp $((base + 200)) -m 1 -timeout 50s -timeout_error -nostdin \
    -trace_err -error_file "$work/sipp-$name-alice.err" >"$work/sipp-$name-alice.out" 2>&1 \
    || fail "$name" "alice"
  wait "$bob_pid" || { bob_pid=; fail "$name" "bob"; }
  bob_pid=
  echo "SIPp $name scenario passed"
}

for name in "${cases[@]}"; do
  run_case "$name"
done
