#!/usr/bin/env bash
# Starts tipring-relay on loopback with a temp config and SQLite store, adds a user with
# `tipring-relay user add`, and runs SIPp REGISTER scenarios against it (digest auth right
# and wrong). Usage: sipp_register_test.sh <tipring-relay> <scenario dir>
set -euo pipefail
relay_binary=$1
scenarios=$2
# shellcheck source=../../support/sipp_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../support/sipp_lib.sh"

write_relay_config "$work/relay.toml"

relay_user_add "$work/relay.toml" alice alice-secret
start_relay "$work/relay.toml" "$work/relay.log"

register() { register_alice "$@" || fail "sipp $1"; }  # scenario password
register register_auth.xml alice-secret
register register_wrong_password.xml wrong-password

metrics=$(relay_metrics)
grep -q '^tipring_relay_registrations 1$' <<<"$metrics" || fail "registrations gauge: $metrics"
grep -q '^tipring_relay_auth_failures_total 1$' <<<"$metrics" || fail "auth failures: $metrics"
echo "SIPp REGISTER scenarios passed"
