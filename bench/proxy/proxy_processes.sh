# shellcheck shell=bash disable=SC2034,SC2154
# Sourced by proxy_bench.sh and proxy_callgrind.sh: the processes both start and how
# (tipring-relay, Kamailio with the equivalent configuration, rtpengine, the SIPp callee and
# UAS), the shared users and ports, and the clean-up that stops every process by PID.
# Call proxy_processes_init <work-dir prefix> first. Everything listens on 127.0.0.1.

domain=tipring.test

proxy_processes_init() {  # prefix
  work=$(mktemp -d "/dev/shm/$1.XXXXXX")
  pids=()
  trap proxy_processes_cleanup EXIT
  # Every port below the ephemeral range (32768-60999), where the proxies' own client
  # sockets (Kamailio's rtpengine control socket, for one) may already sit.
  base=$((20000 + RANDOM % 6000))
  relay_sip=$base kam_sip=$((base + 1)) relay_http=$((base + 2)) ng_port=$((base + 3))
  uas_port=$((base + 4)) uac_port=$((base + 5)) sipp_reg_port=$((base + 6))
  floor_sip=$((base + 7)) uac_media=$((base + 20)) uas_media=$((base + 30))
  # Where the proxies (and rtpengine, and the stand-ins) run, and where the load generators
  # run: one core each. proxy_bench's --nice prefixes both alike.
  proxy_cpu=(taskset -c 0)
  load_cpu=(taskset -c 1)
}

proxy_processes_cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}

password_of() { echo "pw-$1-secret"; }
user_name() { printf 'u%05d' "$1"; }

# SIPp's injection file for users first..last: "user;[authentication ...]".
write_users_csv() {  # file first last
  local i u
  {
    echo "SEQUENTIAL"
    for i in $(seq "$2" "$3"); do
      u=$(user_name "$i")
      echo "$u;[authentication username=$u password=$(password_of "$u")]"
    done
  } >"$1"
}

cpu_ticks_of() {  # utime+stime of a process and its threads, in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}
load_now() { cut -d' ' -f1-3 /proc/loadavg; }

# --- tipring-relay -----------------------------------------------------------------------
# start_tipring <binary> <users> [command prefix...]: writes the config, adds users 1..N and
# starts the relay under the prefix (e.g. "${proxy_cpu[@]}", or valgrind). Sets relay_pid.
# relay_ready_tries (× 0.05 s) bounds the wait for "tipring-relay ready".
relay_ready_tries=100
start_tipring() {
  local binary=$1 users=$2 i u
  shift 2
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
port_min = 20000
port_max = 29999
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
    password_of "$u" | "$binary" --config "$work/relay.toml" user add "$u" >/dev/null 2>&1
  done
  "$@" "$binary" --config "$work/relay.toml" 2>"$work/relay.log" &
  relay_pid=$!
  pids+=("$relay_pid")
  for _ in $(seq 1 "$relay_ready_tries"); do
    grep -q "tipring-relay ready" "$work/relay.log" && return 0
    sleep 0.05
  done
  echo "tipring-relay did not start" >&2
  cat "$work/relay.toml" "$work/relay.log" >&2
  exit 1
}

# --- Kamailio and rtpengine --------------------------------------------------------------
start_rtpengine() {
  "${proxy_cpu[@]}" rtpengine --foreground --log-stderr --table=-1 --no-fallback \
    --interface=127.0.0.1 --listen-ng="127.0.0.1:$ng_port" \
    --port-min=43000 --port-max=52999 --timeout=10 --log-level=4 >"$work/rtpengine.log" 2>&1 &
  rtpengine_pid=$!
  pids+=("$rtpengine_pid")
}

# start_kamailio <users> <children>: the configuration equivalent to tipring-relay's (see
# docs/performance.md): the same users' HA1 in db_sqlite, usrloc written through to SQLite
# (WAL), digest with qop=auth and the To-user rule, rtpengine media steering for calls.
start_kamailio() {
  local users=$1 children=$2 db=$work/kamailio.sqlite i u p ha1 kam_modules
  kam_modules=$(dirname "$(find /usr/lib -name registrar.so -path '*kamailio*' | head -1)")
  [[ -f $kam_modules/db_sqlite.so ]] || { echo "needs kamailio-sqlite-modules" >&2; exit 1; }
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
children=$children
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
  "${proxy_cpu[@]}" kamailio -DD -E -m 256 -M 16 -f "$work/kamailio.cfg" -P "$work/kamailio.pid" \
    >"$work/kamailio.log" 2>&1 &
  kamailio_pid=$!
  pids+=("$kamailio_pid")
  for _ in $(seq 1 100); do
    ss -Hlun "sport = :$kam_sip" | grep -q . && return 0  # ready once its port is bound
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

# --- SIPp callee and callee-side UAS (calls) ---------------------------------------------
# One registration of the users in <csv> from the UAS's port, so calls reach the SIPp UAS.
register_callee() {  # target csv
  timeout 60 sipp "$1" -sf "$here/scenarios/register.xml" -inf "$2" \
    -i 127.0.0.1 -p "$uas_port" -m 1 -timeout 50s -timeout_error -nostdin \
    >"$work/register-callee.out" 2>&1
}

start_uas() {  # command prefix..., e.g. "${load_cpu[@]}" or env
  "$@" sipp -sf "$here/scenarios/call_uas.xml" -i 127.0.0.1 -p "$uas_port" -mi 127.0.0.1 \
    -mp "$uas_media" -nostdin -timeout 3600s >"$work/uas.out" 2>&1 &
  uas_pid=$!
  pids+=("$uas_pid")
  sleep 0.5
}
