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
# shellcheck source=../../support/sipp_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../support/sipp_lib.sh"
require_command sipp "sipp not installed"

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

register() {  # scenario; returns SIPp's status
  run_sipp "sipp-$1" 20 "$sip" -sf "$scenarios/$1" -s alice -au alice -ap alice-secret \
    -i 127.0.0.1 -p 0 -m 1 -timeout 10s -timeout_error
}

registrations() {
  relay_metrics | grep -o '^tipring_relay_registrations [0-9]*' | cut -d' ' -f2
}

# Control: on an empty store the query must fail, or the check below proves nothing.
write_config "$work/empty.sqlite"
relay_user_add "$work/relay.toml" alice alice-secret
start_relay "$work/relay.toml" "$work/relay-control.log"
if register register_query.xml; then fail "the query listed a binding on an empty store"; fi
grep -q "regexp" "$work/sipp-register_query.xml.err" || fail "the query failed, but not on its check"
stop_relay

write_config "$work/relay.sqlite"
relay_user_add "$work/relay.toml" alice alice-secret
start_relay "$work/relay.toml" "$work/relay-1.log"
register register_auth.xml || fail "REGISTER before the restart"
[[ $(registrations) == 1 ]] || fail "registrations gauge before the restart: $(registrations)"
stop_relay
grep -q 'registrations_kept=1' "$work/relay-1.log" || fail "the shutdown log does not report the kept binding"

start_relay "$work/relay.toml" "$work/relay-2.log"
[[ $(registrations) == 1 ]] || fail "registrations gauge after the restart: $(registrations)"
register register_query.xml || fail "alice's binding is not listed after the restart"
stop_relay
echo "bindings survived the restart"
