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
# shellcheck source=../../support/sipp_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../support/sipp_lib.sh"

write_relay_config "$work/relay.toml" '[media]
bind_address = "127.0.0.1"
port_min = 25000
port_max = 25999'

relay_user_add "$work/relay.toml" alice alice-secret
relay_user_add "$work/relay.toml" bob bob-secret
start_relay "$work/relay.toml" "$work/relay.log"

# Fixed ports, so each scenario's REGISTER refreshes the same binding rather than leaving
# a dead one from the previous scenario to fork to.
base=$((20000 + RANDOM % 4000))  # below the ephemeral port range
alice_port=$base
bob_port=$((base + 10))

register() {  # user port
  run_sipp "sipp-register-$1" 20 "$sip" -sf "$scenarios/register_auth.xml" -s "$1" -au "$1" \
    -ap "$1-secret" -i 127.0.0.1 -p "$2" -m 1 -timeout 10s -timeout_error \
    || fail "scenario register failed: $1"
}

run_case() {  # name
  local name=$1
  register alice "$alice_port"
  register bob "$bob_port"
  # bob answers on the port his REGISTER came from: the flow the proxy delivers over.
  start_sipp "sipp-$name-bob" 60 -sf "$scenarios/${name}_uas.xml" -s bob \
    -i 127.0.0.1 -p "$bob_port" -mp $((base + 100)) -m 1 -timeout 50s -timeout_error
  local bob_pid=$sipp_pid
  sleep 0.3  # bob's socket is bound before alice calls
  run_sipp "sipp-$name-alice" 60 "$sip" -sf "$scenarios/${name}_uac.xml" -s alice -au alice \
    -ap alice-secret -i 127.0.0.1 -p "$alice_port" -mp $((base + 200)) -m 1 -timeout 50s \
    -timeout_error || fail "scenario $name failed: alice"
  wait_tracked "$bob_pid" || fail "scenario $name failed: bob"
  echo "SIPp $name scenario passed"
}

for name in "${cases[@]}"; do
  run_case "$name"
done
