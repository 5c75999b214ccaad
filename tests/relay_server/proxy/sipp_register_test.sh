#!/usr/bin/env bash
# Starts tipring-relay on loopback with a temp config and SQLite store, adds a user with
# `tipring-relay user add`, and runs SIPp REGISTER scenarios against it (digest auth right
# and wrong). Usage: sipp_register_test.sh <tipring-relay> <scenario dir>
set -euo pipefail
relay_binary=$1
scenarios=$2
# shellcheck source=../../support/sipp_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../support/sipp_lib.sh"

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

relay_user_add "$work/relay.toml" alice alice-secret
start_relay "$work/relay.toml" "$work/relay.log"

register() {  # scenario password
  run_sipp "sipp-$1" 20 "$sip" -sf "$scenarios/$1" -s alice -au alice -ap "$2" \
    -i 127.0.0.1 -p 0 -m 1 -timeout 10s -timeout_error || fail "sipp $1"
}
register register_auth.xml alice-secret
register register_wrong_password.xml wrong-password

metrics=$(relay_metrics)
grep -q '^tipring_relay_registrations 1$' <<<"$metrics" || fail "registrations gauge: $metrics"
grep -q '^tipring_relay_auth_failures_total 1$' <<<"$metrics" || fail "auth failures: $metrics"
echo "SIPp REGISTER scenarios passed"
