#!/usr/bin/env bash
# proxy_bench: tipring-relay beside Kamailio (Debian package), same load, same run.
#   (a) REGISTER with digest auth: register_load (bench/proxy/register_load.cpp) registers
#       N users from many source ports (REGISTER, 401, REGISTER with qop=auth credentials,
#       200; Timer E retransmissions). The rate is ramped, each step bounded in time, and
#       the highest rate with under 0.1 % failed registrations is reported for both, with
#       the ratio, and for register_responder, a stand-in registrar that does no work (the
#       generator's own ceiling). SIPp tops out near 1,700 REGISTER/s here, below both
#       proxies, so it is not the tool for this ramp; --sipp-register runs the same ramp
#       with SIPp as well, as a cross-check (with SIPp's stand-in as its floor).
#   (b) Calls: SIPp UAC -> proxy -> SIPp UAS, INVITE-200-ACK-BYE with SDP and media
#       steering (Kamailio: rtpengine module + Debian's rtpengine daemon in userspace;
#       tipring-relay: its in-process media relay).
# Both proxies get one SIP worker (tipring-relay's SIP loop is one thread; Kamailio
# children=1) and keep bindings in SQLite (tipring: WAL, synchronous=NORMAL; Kamailio:
# db_sqlite with usrloc db_mode=1 write-through, WAL), both stores on tmpfs, so a commit
# costs the same to each. The proxies (and rtpengine, and the stand-ins) are pinned to
# core 0, the load generator to core 1. Everything listens on 127.0.0.1; every process is
# stopped by PID. Processes and configurations: proxy_processes.sh.
#
# Usage: proxy_bench.sh <tipring-relay binary> [--users N] [--step-seconds S]
#          [--start-rate R] [--max-rate R] [--kamailio-children C] [--only register|call]
#          [--sipp-register] [--nice N]
# --nice N runs the proxies, rtpengine, the stand-ins and the load generators at niceness N
# (e.g. -10, as root), all alike, in a session of their own whose scheduler autogroup gets
# the same niceness (with sched_autogroup_enabled, a process's niceness only counts within
# its session): on a machine shared with other sessions' builds, those builds then take
# less of the measured cores. Without it the figures are what the machine's load leaves.
# REGISTER_LOAD and REGISTER_RESPONDER name the generator and stand-in binaries (the
# proxy_bench wrapper that CMake writes sets both).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
all_args=("$@")
relay_binary=$(realpath "$1")
shift
users=500
step_s=5
start_rate=400
max_rate=60000
kam_children=1
only=
sipp_register=no
niceness=
while [[ $# -gt 0 ]]; do
  case $1 in
    --users) users=$2; shift 2 ;;
    --step-seconds) step_s=$2; shift 2 ;;
    --start-rate) start_rate=$2; shift 2 ;;
    --max-rate) max_rate=$2; shift 2 ;;
    --kamailio-children) kam_children=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --sipp-register) sipp_register=yes; shift ;;
    --nice) niceness=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ -n $niceness ]]; then
  if [[ -z ${PROXY_BENCH_SESSION:-} ]]; then
    PROXY_BENCH_SESSION=1 exec setsid -w "$0" "${all_args[@]}"
  fi
  echo "$niceness" >/proc/self/autogroup 2>/dev/null ||
    echo "note: could not set the session's autogroup niceness" >&2
fi
for tool in sipp kamailio rtpengine sqlite3 md5sum; do
  command -v "$tool" >/dev/null || { echo "proxy_bench needs $tool" >&2; exit 1; }
done
register_load=${REGISTER_LOAD:-}
register_responder=${REGISTER_RESPONDER:-}
if [[ $only != call && ( ! -x $register_load || ! -x $register_responder ) ]]; then
  echo "set REGISTER_LOAD and REGISTER_RESPONDER (or run build/<preset>/bench/proxy/proxy_bench)" >&2
  exit 1
fi

# shellcheck source-path=SCRIPTDIR source=proxy_processes.sh
source "$here/proxy_processes.sh"
proxy_processes_init proxy-bench
if [[ -n $niceness ]]; then
  proxy_cpu=(nice -n "$niceness" "${proxy_cpu[@]}")
  load_cpu=(nice -n "$niceness" "${load_cpu[@]}")
fi
write_users_csv "$work/users.csv" 1 "$users"

# --- one bounded step of load ------------------------------------------------------------
# Each prints "successful failed elapsed_ms [details]".

# SIPp: `rate` calls/s for step_s seconds.
sipp_step() {  # label target scenario rate [extra sipp args...]
  local label=$1 target=$2 scenario=$3 rate=$4
  shift 4
  local total=$((rate * step_s))
  local stat=$work/$label-$rate.csv
  local started ended
  rm -f "$stat"
  started=$(date +%s%N)
  timeout $((step_s * 3 + 20)) "${load_cpu[@]}" sipp "$target" -sf "$scenario" -i 127.0.0.1 \
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

# register_load: the same bounds as SIPp's (T1 500 ms, 2 retransmissions, 4 s timeout).
register_load_step() {  # label target rate
  local out
  out=$(timeout $((step_s * 3 + 20)) "${load_cpu[@]}" "$register_load" --target "$2" --rate "$3" \
    --seconds "$step_s" --users "$users" --sockets 64 --domain "$domain" --t1-ms 500 \
    --max-retrans 2 --timeout-ms 4000 2>"$work/$1-$3.err") || out=""
  [[ -n $out ]] || out="0 $(($3 * step_s)) 0"
  # successful failed elapsed_ms retransmissions timeouts max_lag_ms p50_us p99_us
  read -r s f e r t lag p50 p99 <<<"$out"
  echo "$s $f $e retrans=${r:-?} timeouts=${t:-?} lag_ms=${lag:-?} p50_us=${p50:-?} p99_us=${p99:-?}"
}

# A step passes when every call ended, under 0.1 % of them failed, and the generator kept
# the pace (the step took at most 1.5 s longer than planned: a slow proxy stretches it).
step_passes() {  # rate successful failed elapsed_ms
  local total=$(($1 * step_s))
  (($2 + $3 >= total && $3 * 1000 < total && $4 <= step_s * 1000 + 1500))
}

# The ramp, run for both proxies in turn at each rate so that both meet the same machine
# load (the machine is shared): ×1.5 from start_rate while a proxy passes, then two
# bisection steps between its last pass and its first failure. A failed step is re-run once
# (for both proxies alike), since a burst of other work on the machine can fail one step.
# Set before calling: phase (label), phase_step (a command: label target rate), targets
# (names), and per target addr[t] and cpu_of[t] (a command printing its CPU ticks).
declare -A addr cpu_of best failed_at cpu_ticks calls

# SIPp as a phase_step: phase_scenario and phase_args (array) say what it runs.
sipp_phase_step() {  # label target rate
  sipp_step "$1" "$2" "$phase_scenario" "$3" "${phase_args[@]}"
}

run_step() {  # target rate
  local t=$1 rate=$2 before after result successful
  before=$(${cpu_of[$t]})
  result=$($phase_step "$phase-$t" "${addr[$t]}" "$rate")
  after=$(${cpu_of[$t]})
  successful=${result%% *}
  cpu_ticks[$t]=$((${cpu_ticks[$t]:-0} + after - before))
  calls[$t]=$((${calls[$t]:-0} + successful))
  echo "  $phase $t r=$rate/s: successful failed elapsed_ms = $result" >&2
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

# CPU per call at one fixed rate that every target sustains (the ramp's CPU includes the
# work overload makes: retransmissions, abandoned calls). Prints "rate target=us ...".
fixed_rate_cpu() {  # rate
  local t rate=$1 out="$1/s:"
  for t in $targets; do
    cpu_ticks[$t]=0 calls[$t]=0
    run_step "$t" "$rate" || true
    out+=" $t $(cpu_us_per_call "$t") us;"
  done
  echo "$out"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }

# CPU per successful call over one fixed-rate run: a load-independent companion figure.
cpu_us_per_call() {  # target
  awk -v t="${cpu_ticks[$1]}" -v n="${calls[$1]}" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { if (n == 0) print "n/a"; else printf "%.0f", t * 1e6 / hz / n }'
}

echo "proxy_bench: users=$users step=${step_s}s start=$start_rate/s kamailio children=$kam_children"
echo "machine: $(nproc) cores, load before: $(load_now); niceness ${niceness:-unchanged}," \
  "autogroup $(cat /proc/self/autogroup 2>/dev/null || echo n/a)"
start_tipring "$relay_binary" "$users" "${proxy_cpu[@]}"
start_rtpengine
start_kamailio "$users" "$kam_children"

tipring_cpu() { cpu_ticks_of "$relay_pid"; }
floor_cpu() { cpu_ticks_of "$floor_pid"; }
addr[tipring]=127.0.0.1:$relay_sip
addr[kamailio]=127.0.0.1:$kam_sip
addr[floor]=127.0.0.1:$floor_sip
cpu_of[tipring]=tipring_cpu cpu_of[kamailio]=kamailio_cpu_ticks cpu_of[floor]=floor_cpu

report_register() {  # tool
  echo "REGISTER max rate (<0.1% failed, $1): tipring-relay ${best[tipring]}/s," \
    "kamailio ${best[kamailio]}/s, ratio $(ratio "${best[tipring]}" "${best[kamailio]}")"
  echo "REGISTER CPU per successful registration over the ramp ($1): tipring-relay" \
    "$(cpu_us_per_call tipring) us, kamailio $(cpu_us_per_call kamailio) us" \
    "(over ${calls[tipring]} / ${calls[kamailio]} registrations)"
  echo "REGISTER floor ($1 against a stand-in registrar doing no proxy work): ${best[floor]}/s," \
    "$(cpu_us_per_call floor) us per registration"
  echo "REGISTER CPU per registration at a fixed rate ($1): $(fixed_rate_cpu "$start_rate")"
}

if [[ $only != call ]]; then
  echo "== REGISTER with digest auth (register_load, $users users over 64 source ports)"
  "${proxy_cpu[@]}" "$register_responder" "127.0.0.1:$floor_sip" >"$work/floor.out" 2>&1 &
  floor_pid=$!
  pids+=("$floor_pid")
  phase=register phase_step=register_load_step targets="tipring kamailio floor"
  ramp_targets
  report_register register_load
  kill "$floor_pid" 2>/dev/null || true
  wait "$floor_pid" 2>/dev/null || true

  if [[ $sipp_register == yes ]]; then
    echo "== REGISTER with digest auth, cross-check with SIPp ($users injected users)"
    "${proxy_cpu[@]}" sipp -sf "$here/scenarios/register_responder.xml" -i 127.0.0.1 \
      -p "$floor_sip" -nostdin -timeout 3600s >"$work/floor-sipp.out" 2>&1 &
    floor_pid=$!
    pids+=("$floor_pid")
    sleep 0.3
    phase=register-sipp phase_step=sipp_phase_step targets="tipring kamailio floor"
    phase_scenario=$here/scenarios/register.xml
    phase_args=(-inf "$work/users.csv" -p "$sipp_reg_port")
    ramp_targets
    report_register SIPp
    kill "$floor_pid" 2>/dev/null || true
  fi
fi

if [[ $only != register ]]; then
  # shellcheck source-path=SCRIPTDIR source=call_rate.sh
  source "$here/call_rate.sh"
fi
echo "load after: $(load_now)"
