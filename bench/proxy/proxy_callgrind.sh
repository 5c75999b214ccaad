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
set -euo pipefail
relay_binary=$1
mode=$2
count=${3:-300}
rate=${4:-50}
here=$(cd "$(dirname "$0")" && pwd)
for tool in sipp valgrind callgrind_annotate callgrind_control; do
  command -v "$tool" >/dev/null || { echo "proxy_callgrind needs $tool" >&2; exit 1; }
done
work=$(mktemp -d /dev/shm/proxy-callgrind.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

base=$((20000 + RANDOM % 6000))
sip=$base http=$((base + 1)) uas_port=$((base + 4)) uac_port=$((base + 5))
uac_media=$((base + 20)) uas_media=$((base + 30))
cat >"$work/relay.toml" <<TOML
[sip]
listen = ["127.0.0.1:$sip"]
domain = "tipring.test"
[http]
metrics_listen = "127.0.0.1:$http"
[store]
sqlite_path = "$work/relay.sqlite"
proxy_id = "bench"
[media]
bind_address = "127.0.0.1"
port_min = 33000
port_max = 42999
quarantine = "0s"
[limits]
register_rate = 100000
register_burst = 100000
invite_rate = 100000
invite_burst = 100000
[log]
level = "notice"
syslog_prefix = "never"
TOML
users=50
echo "SEQUENTIAL" >"$work/users.csv"
for i in $(seq 1 $users); do
  u=$(printf 'u%05d' "$i")
  echo "pw-$u-secret" | "$relay_binary" --config "$work/relay.toml" user add "$u" >/dev/null 2>&1
  echo "$u;[authentication username=$u password=pw-$u-secret]" >>"$work/users.csv"
done
head -2 "$work/users.csv" >"$work/caller.csv"
{ echo "SEQUENTIAL"; sed -n 3p "$work/users.csv"; } >"$work/callee.csv"

valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" \
  "$relay_binary" --config "$work/relay.toml" 2>"$work/relay.log" &
relay_pid=$!
pids+=("$relay_pid")
for _ in $(seq 1 600); do
  grep -q "tipring-relay ready" "$work/relay.log" && break
  sleep 0.1
done
grep -q "tipring-relay ready" "$work/relay.log" || { cat "$work/relay.log"; exit 1; }

sipp_run() {  # scenario count [args...]; a failed call stops the measurement
  local scenario=$1 n=$2
  shift 2
  timeout $((n / rate * 4 + 120)) sipp "127.0.0.1:$sip" -sf "$here/scenarios/$scenario" \
    -i 127.0.0.1 -r "$rate" -m "$n" -recv_timeout 20000 -nostdin -trace_stat -stf "$work/stat.csv" \
    "$@" >"$work/sipp.out" 2>&1
}

if [[ $mode == call ]]; then
  timeout 60 sipp "127.0.0.1:$sip" -sf "$here/scenarios/register.xml" -inf "$work/callee.csv" \
    -i 127.0.0.1 -p "$uas_port" -m 1 -timeout 50s -timeout_error -nostdin >"$work/reg.out" 2>&1
  sipp -sf "$here/scenarios/call_uas.xml" -i 127.0.0.1 -p "$uas_port" -mi 127.0.0.1 \
    -mp "$uas_media" -nostdin -timeout 3600s >"$work/uas.out" 2>&1 &
  pids+=($!)
  sleep 1
  callee=$(sed -n 2p "$work/callee.csv" | cut -d';' -f1)
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
  grep -E 'ForkingProxy::(next_deadline|on_timer)|Message::(insert_header|reindex)\(|Sha256::|sqlite3_step|MediaRelay::(offer|answer)\(|RelayApp::refresh_directory_gauges|ProxyCore::on_datagram' |
  sed -E 's/ \[[^]]*\]$//' | head -20
