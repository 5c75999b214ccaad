# shellcheck shell=bash
# Sourced by the shell tests that drive tipring-relay with SIPp (tests/relay_server): a
# scratch folder, background processes stopped by PID on exit, tipring-relay started and
# waited for, bounded SIPp runs whose output lands in the scratch folder, and failure
# reports that show those logs. Source it after `set -euo pipefail`; it sets `work`, `pids`
# and an EXIT trap. Functions that start tipring-relay read its path from `relay_binary`.

# Exit 77 (ctest's skip) with a reason; under CI a missing prerequisite is a failure.
skip() {
  echo "SKIP: $*"
  if [[ ${CI:-} == true ]]; then exit 1; fi
  exit 77
}

# require_command <command> <reason to skip without it>
require_command() { command -v "$1" >/dev/null || skip "$2"; }

work=$(mktemp -d)
pids=()  # every background process, stopped by PID on exit

sipp_lib_cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap sipp_lib_cleanup EXIT

# untrack <pid>: a process already waited for must not be signalled again (its PID may be
# reused by then).
untrack() {
  local kept=() pid
  for pid in "${pids[@]}"; do [[ $pid == "$1" ]] || kept+=("$pid"); done
  pids=("${kept[@]}")
}

# wait_tracked <pid>: waits for a background process and returns its exit status.
wait_tracked() {
  local status=0
  wait "$1" || status=$?
  untrack "$1"
  return "$status"
}

# The tail of every log the test wrote, then exit 1.
fail() {
  echo "FAIL: $*"
  local f
  for f in "$work"/*.log "$work"/*.out "$work"/*.err; do
    [[ -f $f ]] && { echo "--- $f"; tail -n 60 "$f"; }
  done
  exit 1
}

# write_relay_config <file> [toml]: the relay these tests run: SIP and HTTP on loopback
# ports the kernel picks, its SQLite store in the scratch folder, no syslog prefixes; plus
# any further tables given.
write_relay_config() {
  cat >"$1" <<TOML
[sip]
listen = ["127.0.0.1:0"]
domain = "tipring.test"
[http]
metrics_listen = "127.0.0.1:0"
[store]
sqlite_path = "$work/relay.sqlite"
[log]
syslog_prefix = "never"
${2:-}
TOML
}

# register_alice <scenario> [password]: one bounded SIPp run of a REGISTER scenario (from
# $scenarios) as alice against $sip; returns SIPp's status.
register_alice() {
  run_sipp "sipp-$1" 20 "$sip" -sf "$scenarios/$1" -s alice -au alice -ap "${2:-alice-secret}" \
    -i 127.0.0.1 -p 0 -m 1 -timeout 10s -timeout_error
}

# relay_user_add <config> <user> <password>: a user in the config's store.
relay_user_add() { echo "$3" | "$relay_binary" --config "$1" user add "$2"; }

# start_relay <config> <log> [launcher...]: tipring-relay in the background (under the
# launcher, e.g. `prlimit --fsize=0 --`), waited for until it says it is ready; sets
# relay_pid and the addresses it logged, sip and http.
start_relay() {
  local config=$1 log=$2
  shift 2
  if (($#)); then
    # Through a pipe: the launcher may forbid the relay to write files.
    "$@" "$relay_binary" --config "$config" 2> >(cat >"$log") &
  else
    "$relay_binary" --config "$config" 2>"$log" &
  fi
  relay_pid=$!
  pids+=("$relay_pid")
  for _ in $(seq 1 100); do
    grep -q "tipring-relay ready" "$log" && break
    sleep 0.05
  done
  sip=$(grep -o 'sip=[0-9.:]*' "$log" | head -1 | cut -d= -f2)
  http=$(grep -o 'http=[0-9.:]*' "$log" | head -1 | cut -d= -f2)
  [[ -n $sip && -n $http ]] || fail "tipring-relay did not start ($log)"
}

# stop_relay: SIGTERM to the relay start_relay started; a graceful stop exits 0.
stop_relay() {
  kill -TERM "$relay_pid"
  local status=0
  wait_tracked "$relay_pid" || status=$?
  [[ $status -eq 0 ]] || fail "tipring-relay exited $status after SIGTERM"
}

# relay_metrics: the relay's /metrics page, fetched from the http address start_relay read.
relay_metrics() {
  (
    exec 3<>"/dev/tcp/${http%:*}/${http#*:}"
    printf 'GET /metrics HTTP/1.1\r\nHost: relay\r\n\r\n' >&3
    timeout 5 cat <&3
  )
}

# run_sipp <name> <seconds> <sipp arguments...>: SIPp in the foreground for at most
# <seconds>, without stdin, its errors in $work/<name>.err and its output in
# $work/<name>.out; returns SIPp's status.
run_sipp() {
  local name=$1 seconds=$2
  shift 2
  timeout "$seconds" sipp "$@" -nostdin -trace_err -error_file "$work/$name.err" \
    >"$work/$name.out" 2>&1 </dev/null
}

# start_sipp <name> <seconds> <sipp arguments...>: the same in the background; sets
# sipp_pid. Give its socket a moment before a peer sends to it.
start_sipp() {
  local name=$1 seconds=$2
  shift 2
  timeout "$seconds" sipp "$@" -nostdin -trace_err -error_file "$work/$name.err" \
    >"$work/$name.out" 2>&1 </dev/null &
  sipp_pid=$!
  pids+=("$sipp_pid")
}
