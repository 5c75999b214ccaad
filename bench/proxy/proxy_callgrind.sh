#!/usr/bin/env bash
# Instructions per REGISTER-with-auth or per call (INVITE 407/ACK, INVITE, 200 with SDP and
# media steering, ACK, BYE, 200) through tipring-relay under callgrind: a figure that a
# loaded, shared machine does not move the way it moves rates and CPU times. SIPp drives
# the relay on loopback at a low rate; callgrind's counters are zeroed once the relay is
# ready, so start-up is left out. Prints the total and the per-operation instruction count,
# then the inclusive counts of the functions the proxy's performance notes follow.
# Usage: proxy_callgrind.sh <tipring-relay> register|call [count] [rate] [contexts]
#   contexts (call only): calls made first at `rate` and left in the proxy (their server
#   transactions live 32 s), so the measured calls meet that many response contexts.
# The relay's configuration and users are proxy_bench's (proxy_processes.sh).
set -euo pipefail
relay_binary=$1
mode=$2
count=${3:-300}
rate=${4:-50}
here=$(cd "$(dirname "$0")" && pwd)
for tool in sipp valgrind callgrind_annotate callgrind_control; do
  command -v "$tool" >/dev/null || { echo "proxy_callgrind needs $tool" >&2; exit 1; }
done
# shellcheck source-path=SCRIPTDIR source=proxy_processes.sh
source "$here/proxy_processes.sh"
proxy_processes_init proxy-callgrind

users=50
write_users_csv "$work/users.csv" 1 "$users"
write_users_csv "$work/caller.csv" 1 1
write_users_csv "$work/callee.csv" 2 2
relay_ready_tries=1200  # valgrind starts slowly
start_tipring "$relay_binary" "$users" valgrind --tool=callgrind \
  --callgrind-out-file="$work/callgrind.out"

sipp_run() {  # scenario count [args...]; a failed call stops the measurement
  local scenario=$1 n=$2
  shift 2
  timeout $((n * 4 / rate + 120)) sipp "127.0.0.1:$relay_sip" -sf "$here/scenarios/$scenario" \
    -i 127.0.0.1 -r "$rate" -m "$n" -recv_timeout 20000 -nostdin -trace_stat -stf "$work/stat.csv" \
    "$@" >"$work/sipp.out" 2>&1
}

if [[ $mode == call ]]; then
  register_callee "127.0.0.1:$relay_sip" "$work/callee.csv"
  start_uas env
  sleep 0.5
  callee=$(user_name 2)
  call_args=(-inf "$work/caller.csv" -s "$callee" -p "$uac_port" -mi 127.0.0.1 -mp "$uac_media")
  if [[ -n ${5:-} ]]; then
    sipp_run call_uac.xml "$5" "${call_args[@]}" || true  # only there to fill the proxy
  fi
  callgrind_control --zero "$relay_pid" >/dev/null
  sipp_run call_uac.xml "$count" "${call_args[@]}" || { echo "SIPp failed:"; tail -20 "$work/sipp.out"; exit 1; }
else
  callgrind_control --zero "$relay_pid" >/dev/null
  sipp_run register.xml "$count" -inf "$work/users.csv" || { echo "SIPp failed:"; tail -20 "$work/sipp.out"; exit 1; }
fi
kill -TERM "$relay_pid"
wait "$relay_pid" || true
total=$(callgrind_annotate "$work/callgrind.out" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
echo "$mode: $count at $rate/s, $total instructions, $((total / count)) per $mode"
# The parts the proxy section of docs/performance.md follows, inclusive of their callees.
callgrind_annotate --inclusive=yes "$work/callgrind.out" 2>/dev/null |
  grep -E 'ForkingProxy::(next_deadline|on_timer)|Message::(insert_header|reindex)\(|Sha256::|sqlite3_step|MediaRelay::(offer|answer)\(|RelayApp::refresh_directory_gauges|ProxyCore::on_datagram|Registrar::|SqliteDirectory::' |
  sed -E 's/ \[[^]]*\]$//' | head -24
