#!/usr/bin/env bash
# A registration whose COMMIT fails is refused, not acknowledged. Relay B runs with every
# file write denied (prlimit --fsize=0: the WAL write of its COMMIT fails with EFBIG, as on a
# full disk; the relay ignores SIGXFSZ) beside relay A on the same store, which keeps the
# store's -wal and -shm open so that B can start without writing. SIPp's authenticated
# REGISTER to B must be answered 500 with Retry-After, B must log the failed batch once
# with SQLite's error text and count it in /metrics, and nothing may be stored. The same
# REGISTER to A is answered 200 and its binding is there after A restarts.
# Usage: sipp_commit_failure_test.sh <tipring-relay> <scenario dir>
set -euo pipefail
relay_binary=$1
scenarios=$2
# shellcheck source=../../support/sipp_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../support/sipp_lib.sh"
require_command sipp "sipp not installed"
require_command prlimit "prlimit (util-linux) not installed"
require_command curl "curl not installed"

write_relay_config "$work/relay.toml"
relay_user_add "$work/relay.toml" alice alice-secret

metric() {  # name: its value on /metrics
  curl -sf "http://$http/metrics" | awk -v name="$1" '$1 == name { print $2 }'
}

start_relay "$work/relay.toml" "$work/relay-a.log"
relay_a_pid=$relay_pid relay_a_sip=$sip

# Relay B may not write files; start_relay pipes its log (the file-size limit applies to
# regular files only, so the log line about the failure is not lost to the limit it reports).
start_relay "$work/relay.toml" "$work/relay-b.log" prlimit --fsize=0 --
register_alice register_refused.xml || fail "REGISTER was not refused with 500 and Retry-After"
[[ $(metric tipring_relay_store_commit_failures_total) == 1 ]] ||
  fail "tipring_relay_store_commit_failures_total is not 1"
[[ $(metric tipring_relay_registrations) == 0 ]] || fail "a refused binding is counted"
[[ $(grep -c "directory commit failed" "$work/relay-b.log") == 1 ]] ||
  fail "the failed batch was not logged exactly once"
grep -q "disk I/O error" "$work/relay-b.log" || fail "the log does not carry SQLite's error"
stop_relay

relay_pid=$relay_a_pid sip=$relay_a_sip
register_alice register_query.xml && fail "the refused binding was stored"
register_alice register_auth.xml || fail "REGISTER to the relay that can write"
stop_relay
start_relay "$work/relay.toml" "$work/relay-a2.log"
register_alice register_query.xml || fail "the binding answered 200 is not there after a restart"
echo "the refused REGISTER got 500 + Retry-After and was not stored; the next one was"
