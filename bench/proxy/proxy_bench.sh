#!/usr/bin/env bash
# proxy_bench: tipring-relay beside Kamailio (Debian package), same load, same run.
#   (a) REGISTER with digest auth: SIPp registers N injected users (the 401 answered with
#       [authentication]); the rate is ramped, each step bounded in time, and the highest
#       rate with under 0.1 % failed registrations is reported for both, with the ratio,
#       and for a SIPp stand-in registrar that does no work (the harness's own ceiling).
#   (b) Calls: SIPp UAC -> proxy -> SIPp UAS, INVITE-200-ACK-BYE with SDP and media
#       steering (Kamailio: rtpengine module + Debian's rtpengine daemon in userspace;
#       tipring-relay: its in-process media relay). Skipped for tipring-relay while its
#       proxy does not route INVITEs (it answers them 501); the script says so.
# Both proxies get one SIP worker (tipring-relay's SIP loop is one thread; Kamailio
# children=1) and keep bindings in SQLite (tipring: WAL, synchronous=NORMAL; Kamailio:
# db_sqlite with usrloc db_mode=1 write-through, WAL), both stores on tmpfs, so a commit
# costs the same to each. The proxies (and rtpengine) are pinned to core 0, the load
# generator to core 1. Everything listens on 127.0.0.1; every process is stopped by PID.
#
# Usage: proxy_bench.sh <tipring-relay binary> [--users N] [--step-seconds S]
#          [--start-rate R] [--max-rate R] [--kamailio-children C] [--only register|call]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
relay_binary=$(realpath "$1")
shift
users=500
step_s=5
start_rate=400
max_rate=20000
kam_children=1
only=
while [[ $# -gt 0 ]]; do
  case $1 in
    --users) users=$2; shift 2 ;;
    --step-seconds) step_s=$2; shift 2 ;;
    --start-rate) start_rate=$2; shift 2 ;;
    --max-rate) max_rate=$2; shift 2 ;;
    --kamailio-children) kam_children=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in sipp kamailio rtpengine sqlite3 md5sum; do
  command -v "$tool" >/dev/null || { echo "proxy_bench needs $tool" >&2; exit 1; }
done
kam_modules=$(dirname "$(find /usr/lib -name registrar.so -path '*kamailio*' | head -1)")
[[ -f $kam_modules/db_sqlite.so ]] || { echo "needs kamailio-sqlite-modules" >&2; exit 1; }

domain=tipring.test
work=$(mktemp -d /dev/shm/proxy-bench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Every port below the ephemeral range (32768-60999), where the proxies' own client
# sockets (Kamailio's rtpengine control socket, for one) may already sit.
base=$((20000 + RANDOM % 6000))
relay_sip=$base kam_sip=$((base + 1)) relay_http=$((base + 2)) ng_port=$((base + 3))
uas_port=$((base + 4)) uac_port=$((base + 5)) sipp_reg_port=$((base + 6)) floor_sip=$((base + 7))
uac_media=$((base + 20)) uas_media=$((base + 30))

password_of() { echo "pw-$1-secret"; }
user_name() { printf 'u%05d' "$1"; }

# --- users: the same N users with the same passwords in both stores ----------------------
echo "SEQUENTIAL" >"$work/users.csv"
for i in $(seq 1 "$users"); do
  u=$(user_name "$i")
  p=$(password_of "$u")
  echo "$u;[authentication username=$u password=$p]" >>"$work/users.csv"
done

cpu_ticks_of() {  # utime+stime of a process and its threads, in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}
load_now() { cut -d' ' -f1-3 /proc/loadavg; }

# --- tipring-relay -----------------------------------------------------------------------
start_tipring() {
  cat >"$work/relay.toml" <<TOML
[sip]
listen = ["127.0.0.1:$relay_sip"]
domain = "$domain"
[http]
metrics_listen = "127.0.0.1:$relay_http"
[store]
sqlite_path = "$work/relay.sqlite"
proxy_id = "bench"
[media]
bind_address = "127.0.0.1"
# 10,000 ports each (the relays bind these themselves; a rare clash with an ephemeral
# socket costs one port). rtpengine reuses a released port at once; the relay's default
# 30 s quarantine would hold 4 ports per call for 30 s (72,000 at 600 calls/s), so it is
# off. A call SIPp abandons under overload never sends its BYE: both relays then free its
# ports after the same 10 s of silence.
port_min = 33000
port_max = 42999
quarantine = "0s"
idle_timeout = "10s"
[limits]
register_rate = 100000
register_burst = 100000
invite_rate = 100000
invite_burst = 100000
max_transactions = 1000000
[log]
level = "notice"
syslog_prefix = "never"
TOML
  for i in $(seq 1 "$users"); do
    u=$(user_name "$i")
    password_of "$u" | "$relay_binary" --config "$work/relay.toml" user add "$u" >/dev/null 2>&1
  done
  taskset -c 0 "$relay_binary" --config "$work/relay.toml" 2>"$work/relay.log" &
  relay_pid=$!
  pids+=("$relay_pid")
  for _ in $(seq 1 100); do
    grep -q "tipring-relay ready" "$work/relay.log" && return 0
    sleep 0.05
  done
  echo "tipring-relay did not start" >&2
  cat "$work/relay.toml" "$work/relay.log" >&2
  exit 1
}

# --- Kamailio ----------------------------------------------------------------------------
start_rtpengine() {
  taskset -c 0 rtpengine --foreground --log-stderr --table=-1 --no-fallback \
    --interface=127.0.0.1 --listen-ng="127.0.0.1:$ng_port" \
    --port-min=43000 --port-max=52999 --timeout=10 --log-level=4 >"$work/rtpengine.log" 2>&1 &
  rtpengine_pid=$!
  pids+=("$rtpengine_pid")
}

start_kamailio() {
  local db=$work/kamailio.sqlite
  {
    cat /usr/share/kamailio/db_sqlite/standard-create.sql
    cat /usr/share/kamailio/db_sqlite/auth_db-create.sql
    cat /usr/share/kamailio/db_sqlite/usrloc-create.sql
    echo "BEGIN;"
    for i in $(seq 1 "$users"); do
      u=$(user_name "$i")
      p=$(password_of "$u")
      ha1=$(printf '%s' "$u:$domain:$p" | md5sum | cut -d' ' -f1)
      echo "INSERT INTO subscriber (username, domain, ha1) VALUES ('$u', '$domain', '$ha1');"
    done
    echo "COMMIT;"
    echo "PRAGMA journal_mode=WAL;"
  } | sqlite3 "$db" >/dev/null
  cat >"$work/kamailio.cfg" <<CFG
#!KAMAILIO
debug=1
log_stderror=yes
children=$kam_children
listen=udp:127.0.0.1:$kam_sip
alias=$domain
mpath="$kam_modules/"
loadmodule "db_sqlite.so"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"
loadmodule "auth_db.so"
loadmodule "rtpengine.so"
modparam("db_sqlite", "db_set_journal_mode", "$db;WAL")
modparam("usrloc", "db_url", "sqlite://$db")
modparam("usrloc", "db_mode", 1)
modparam("auth_db", "db_url", "sqlite://$db")
modparam("auth_db", "calculate_ha1", 0)
modparam("auth_db", "password_column", "ha1")
modparam("auth_db", "load_credentials", "")
modparam("rtpengine", "rtpengine_sock", "udp:127.0.0.1:$ng_port")
request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (is_method("REGISTER")) {
    # flags 1: the authenticated user must be the To user (tipring's own-AOR rule).
    if (!auth_check("\$fd", "subscriber", "1")) { auth_challenge("\$fd", "1"); exit; }
    if (!save("location")) { sl_reply_error(); }
    exit;
  }
  if (has_totag()) {
    if (loose_route()) {
      if (is_method("BYE")) { rtpengine_delete(); }
      t_relay();
      exit;
    }
    if (is_method("ACK") && t_check_trans()) { t_relay(); }
    exit;
  }
  if (is_method("CANCEL")) { if (t_check_trans()) { t_relay(); } exit; }
  if (is_method("INVITE")) {
    if (!auth_check("\$fd", "subscriber", "1")) { auth_challenge("\$fd", "1"); exit; }
    consume_credentials();
    if (!lookup("location")) { sl_send_reply("404", "Not Found"); exit; }
    record_route();
    rtpengine_offer("replace-origin replace-session-connection ICE=remove");
    t_on_reply("MEDIA");
    t_on_failure("MEDIA_FAILED");
    t_relay();
    exit;
  }
  sl_send_reply("501", "Not Implemented");
}
onreply_route[MEDIA] {
  if (has_body("application/sdp")) {
    rtpengine_answer("replace-origin replace-session-connection ICE=remove");
  }
}
failure_route[MEDIA_FAILED] {
  rtpengine_delete();
}
CFG
  taskset -c 0 kamailio -DD -E -m 256 -M 16 -f "$work/kamailio.cfg" -P "$work/kamailio.pid" \
    >"$work/kamailio.log" 2>&1 &
  kamailio_pid=$!
  pids+=("$kamailio_pid")
  for _ in $(seq 1 100); do
    # Ready when the SIP socket answers an OPTIONS-less probe: the listen port is bound.
    ss -Hlun "sport = :$kam_sip" | grep -q . && return 0
    sleep 0.05
  done
  echo "kamailio did not start" >&2
  cat "$work/kamailio.log" >&2
  exit 1
}

# Kamailio's CPU: the main process and all its children.
kamailio_cpu_ticks() {
  local total=0 pid
  for pid in $kamailio_pid $(pgrep -P "$kamailio_pid" || true); do
    total=$((total + $(cpu_ticks_of "$pid")))
  done
  echo "$total"
}

# --- SIPp runs ---------------------------------------------------------------------------
# One bounded step: `rate` calls/s for step_s seconds. Prints "successful failed elapsed_ms".
sipp_step() {  # label target scenario rate [extra sipp args...]
  local label=$1 target=$2 scenario=$3 rate=$4
  shift 4
  local total=$((rate * step_s))
  local stat=$work/$label-$rate.csv
  local started ended
  rm -f "$stat"
  started=$(date +%s%N)
  timeout $((step_s * 3 + 20)) taskset -c 1 sipp "$target" -sf "$scenario" -i 127.0.0.1 \
    -r "$rate" -m "$total" -l $((rate * 3)) -recv_timeout 4000 -max_retrans 2 \
    -nostdin -trace_stat -stf "$stat" -fd 1 -trace_err -error_file "$work/$label-$rate.err" \
    "$@" >"$work/$label-$rate.out" 2>&1 || true
  ended=$(date +%s%N)
  local successful=0 failed=$total
  if [[ -f $stat ]]; then
    read -r successful failed < <(awk -F';' '
      NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
      { s = $col["SuccessfulCall(C)"]; f = $col["FailedCall(C)"] }
      END { print s + 0, f + 0 }' "$stat")
  fi
  echo "$successful $failed $(((ended - started) / 1000000))"
}

# A step passes when every call ended, under 0.1 % of them failed, and SIPp kept the pace
# (the step took at most 1.5 s longer than planned: a slow proxy stretches it).
step_passes() {  # rate successful failed elapsed_ms
  local total=$(($1 * step_s))
  (($2 + $3 >= total && $3 * 1000 < total && $4 <= step_s * 1000 + 1500))
}

# The ramp, run for both proxies in turn at each rate so that both meet the same machine
# load (the machine is shared): ×1.5 from start_rate while a proxy passes, then two
# bisection steps between its last pass and its first failure. A failed step is re-run once
# (for both proxies alike), since a burst of other work on the machine can fail one step.
# Set before calling: phase (label), phase_scenario, phase_args (array), targets (names),
# and per target addr[t] and cpu_of[t] (a command printing its CPU ticks).
declare -A addr cpu_of best failed_at cpu_ticks calls

run_step() {  # target rate
  local t=$1 rate=$2 before after result successful
  before=$(${cpu_of[$t]})
  result=$(sipp_step "$phase-$t" "${addr[$t]}" "$phase_scenario" "$rate" "${phase_args[@]}")
  after=$(${cpu_of[$t]})
  successful=${result%% *}
  cpu_ticks[$t]=$((${cpu_ticks[$t]:-0} + after - before))
  calls[$t]=$((${calls[$t]:-0} + successful))
  echo "  $phase $t r=$rate/s: successful/failed/elapsed_ms = $result" >&2
  # shellcheck disable=SC2086
  step_passes "$rate" $result
}

try_rate() {  # target rate
  run_step "$1" "$2" || { echo "  (retrying once)" >&2; run_step "$1" "$2"; }
}

ramp_targets() {
  local t rate=$start_rate any
  for t in $targets; do best[$t]=0; failed_at[$t]=0; cpu_ticks[$t]=0; calls[$t]=0; done
  while ((rate <= max_rate)); do
    any=0
    for t in $targets; do
      ((failed_at[$t] == 0)) || continue
      any=1
      if try_rate "$t" "$rate"; then best[$t]=$rate; else failed_at[$t]=$rate; fi
    done
    ((any)) || break
    rate=$((rate * 3 / 2))
  done
  for _ in 1 2; do
    for t in $targets; do
      ((failed_at[$t] > 0 && best[$t] > 0)) || continue
      ((failed_at[$t] - best[$t] > best[$t] / 20)) || continue
      rate=$(((best[$t] + failed_at[$t]) / 2))
      if try_rate "$t" "$rate"; then best[$t]=$rate; else failed_at[$t]=$rate; fi
    done
  done
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }

# CPU per successful call over one fixed-rate run: a load-independent companion figure.
cpu_us_per_call() {  # target
  awk -v t="${cpu_ticks[$1]}" -v n="${calls[$1]}" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { if (n == 0) print "n/a"; else printf "%.0f", t * 1e6 / hz / n }'
}

echo "proxy_bench: users=$users step=${step_s}s start=$start_rate/s kamailio children=$kam_children"
echo "machine: $(nproc) cores, load before: $(load_now)"
start_tipring
start_rtpengine
start_kamailio

# The floor: a SIPp stand-in registrar on the proxies' core, doing no proxy work.
start_floor() {
  taskset -c 0 sipp -sf "$here/scenarios/register_responder.xml" -i 127.0.0.1 -p "$floor_sip" \
    -nostdin -timeout 3600s >"$work/floor.out" 2>&1 &
  floor_pid=$!
  pids+=("$floor_pid")
  sleep 0.3
}

tipring_cpu() { cpu_ticks_of "$relay_pid"; }
floor_cpu() { cpu_ticks_of "$floor_pid"; }
addr[tipring]=127.0.0.1:$relay_sip
addr[kamailio]=127.0.0.1:$kam_sip
addr[floor]=127.0.0.1:$floor_sip

if [[ $only != call ]]; then
  echo "== REGISTER with digest auth (SIPp, $users injected users)"
  start_floor
  phase=register phase_scenario=$here/scenarios/register.xml targets="tipring kamailio floor"
  phase_args=(-inf "$work/users.csv" -p "$sipp_reg_port")
  cpu_of[tipring]=tipring_cpu cpu_of[kamailio]=kamailio_cpu_ticks cpu_of[floor]=floor_cpu
  ramp_targets
  kill "$floor_pid" 2>/dev/null || true
  echo "REGISTER max rate (<0.1% failed): tipring-relay ${best[tipring]}/s," \
    "kamailio ${best[kamailio]}/s, ratio $(ratio "${best[tipring]}" "${best[kamailio]}")"
  echo "REGISTER CPU per successful registration: tipring-relay $(cpu_us_per_call tipring) us," \
    "kamailio $(cpu_us_per_call kamailio) us (over ${calls[tipring]} / ${calls[kamailio]} registrations)"
  echo "REGISTER floor (SIPp stand-in registrar, no proxy work): ${best[floor]}/s," \
    "$(cpu_us_per_call floor) us per registration"
fi

if [[ $only != register ]]; then
  # shellcheck source-path=SCRIPTDIR source=call_rate.sh
  source "$here/call_rate.sh"
fi
echo "load after: $(load_now)"
