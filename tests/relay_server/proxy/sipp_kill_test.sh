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
# shellcheck source=../../support/sipp_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../support/sipp_lib.sh"
require_command sipp "sipp not installed"

write_relay_config "$work/relay.toml"
relay_user_add "$work/relay.toml" alice alice-secret

start_relay "$work/relay.toml" "$work/relay-1.log"
register_alice register_auth.xml || fail "REGISTER before the crash"
kill -KILL "$relay_pid"
wait_tracked "$relay_pid" || true

start_relay "$work/relay.toml" "$work/relay-2.log"
register_alice register_query.xml || fail "alice's answered binding is not listed after SIGKILL"
echo "the answered binding survived SIGKILL"
