#!/usr/bin/env bash
# The two-proxy topology (issue 4 item 4): two tipring-relay instances, proxy-a and
# proxy-b, share one redis-server directory (started here on loopback, stopped by PID) and
# list each other in sip.peers. Bob's SIPp UAS registers at proxy-b, Alice's SIPp UAC
# registers at proxy-a and calls bob through proxy-a. Passes when the call completes
# (INVITE, 200, ACK, BYE, 200) and the INVITE bob received passed both proxies: three Via
# entries (Alice, proxy-a, proxy-b) and two Record-Route entries.
# Usage: sipp_two_proxy_test.sh <tipring-relay> <scenario dir>
set -euo pipefail
relay_binary=$(realpath "$1")
scenarios=$(realpath "$2")
# shellcheck source=../../support/sipp_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../support/sipp_lib.sh"
require_command sipp "sipp (sip-tester) not installed"
require_command redis-server "redis-server not installed"

base=$((24000 + RANDOM % 6000))  # every port below the ephemeral range (32768-60999)
redis_port=$base proxy_a=$((base + 1)) proxy_b=$((base + 2)) uas_port=$((base + 3))
uac_port=$((base + 4))

redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >"$work/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  grep -q "Ready to accept connections" "$work/redis.log" && break
  sleep 0.05
done

write_config() {  # name sip_port peer_name peer_port media_port_min
  cat >"$work/$1.toml" <<TOML
[sip]
listen = ["127.0.0.1:$2"]
domain = "tipring.test"
peers = "$3=127.0.0.1:$4"
[http]
metrics_listen = "127.0.0.1:0"
[store]
backend = "redis"
redis_address = "127.0.0.1:$redis_port"
proxy_id = "$1"
[media]
bind_address = "127.0.0.1"
port_min = $5
port_max = $(($5 + 499))
[log]
level = "debug"
syslog_prefix = "never"
TOML
}
write_config proxy-a "$proxy_a" proxy-b "$proxy_b" $((base + 100))
write_config proxy-b "$proxy_b" proxy-a "$proxy_a" $((base + 600))

# Users live in the shared directory: added once, seen by both proxies.
relay_user_add "$work/proxy-a.toml" alice alice-secret
relay_user_add "$work/proxy-a.toml" bob bob-secret
start_relay "$work/proxy-a.toml" "$work/proxy-a.log"
start_relay "$work/proxy-b.toml" "$work/proxy-b.log"

credentials() {  # user password
  printf 'SEQUENTIAL\n%s;[authentication username=%s password=%s]\n' "$1" "$1" "$2" >"$work/$1.csv"
}
credentials alice alice-secret
credentials bob bob-secret

register() {  # user proxy_port local_port
  run_sipp "register-$1" 20 "127.0.0.1:$2" -sf "$scenarios/register_injected.xml" \
    -inf "$work/$1.csv" -i 127.0.0.1 -p "$3" -m 1 -timeout 10s -timeout_error \
    || fail "REGISTER of $1"
}
register bob "$proxy_b" "$uas_port"
register alice "$proxy_a" "$uac_port"

# Bob's UAS, tracing every message it receives.
start_sipp uas 40 -sf "$scenarios/call_uas_record.xml" -i 127.0.0.1 -p "$uas_port" \
  -mi 127.0.0.1 -mp $((base + 1200)) -m 1 -trace_msg -message_file "$work/uas.msg"
uas_pid=$sipp_pid
sleep 0.3

run_sipp uac 30 "127.0.0.1:$proxy_a" -sf "$scenarios/call_uac_auth.xml" -inf "$work/alice.csv" \
  -s bob -i 127.0.0.1 -p "$uac_port" -mi 127.0.0.1 -mp $((base + 1300)) -m 1 -timeout 20s \
  -timeout_error || fail "the call from alice at proxy-a to bob at proxy-b did not complete"
uas_status=0
wait_tracked "$uas_pid" || uas_status=$?
[[ $uas_status -eq 0 ]] || fail "bob's UAS did not complete its call (status $uas_status)"

# The INVITE as bob received it: from its first line to the blank line ending its headers.
invite=$(awk '/^INVITE sip:/ { on = 1 } on && /^\r?$/ { exit } on' "$work/uas.msg")
[[ -n $invite ]] || fail "no INVITE in bob's message trace"
vias=$(grep -iE '^(Via|v):' <<<"$invite" | tr ',' '\n' | grep -c 'SIP/2.0/' || true)
record_routes=$(grep -iE '^Record-Route:' <<<"$invite" | tr ',' '\n' | grep -c '<sip:' || true)
echo "the INVITE at bob: $vias Via entries, $record_routes Record-Route entries"
[[ $vias -eq 3 ]] || fail "expected 3 Via entries (alice, proxy-a, proxy-b): $invite"
[[ $record_routes -eq 2 ]] || fail "expected 2 Record-Route entries (proxy-a, proxy-b): $invite"
grep -iE '^Record-Route:' <<<"$invite" | grep -q ":$proxy_a" || fail "proxy-a is not in the Record-Route"
grep -iE '^Record-Route:' <<<"$invite" | grep -q ":$proxy_b" || fail "proxy-b is not in the Record-Route"
echo "the call crossed both proxies"
