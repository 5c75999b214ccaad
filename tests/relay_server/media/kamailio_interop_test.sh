#!/usr/bin/env bash
# Interop: Kamailio (rtpengine module) drives the tipring-relay binary's media relay over
# ng while two SIPp user agents place a call through Kamailio and both stream G.711 from a
# pcap. Passes when the relay learned both legs, forwarded media both ways with no stranger
# drops, and released the session on Kamailio's delete; the figures come from the relay's
# own /metrics. Everything on loopback with its own ports; processes are stopped by PID.
#   kamailio_interop_test.sh <tipring-relay binary>
set -euo pipefail
relay_binary=$1
# shellcheck source=../../support/sipp_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../support/sipp_lib.sh"
require_command kamailio "kamailio not installed"
require_command sipp "sipp (sip-tester) not installed"
require_command curl "curl not installed"
pcap=/usr/share/sip-tester/g711a.pcap
[[ -f $pcap ]] || skip "$pcap missing"
[[ $(id -u) -eq 0 ]] || skip "SIPp plays pcap audio through a raw socket: needs root"
modules=$(dirname "$(find /usr/lib -name rtpengine.so -path '*kamailio*' | head -1)")
[[ -n $modules ]] || skip "kamailio rtpengine module missing"

base=$((20000 + RANDOM % 5000))
ng_port=$base kam_port=$((base + 1)) uas_port=$((base + 2)) uac_port=$((base + 3))
relay_sip_port=$((base + 4)) http_port=$((base + 5))
uas_media=$((base + 10)) uac_media=$((base + 20))

# tipring-relay with its own store and ports; its proxy listens but takes no part here.
cat >"$work/relay.toml" <<TOML
[sip]
listen = ["127.0.0.1:$relay_sip_port"]
domain = "interop.test"
[media]
bind_address = "127.0.0.1"
port_min = 44000
port_max = 44999
workers = 1
ng_listen = "127.0.0.1:$ng_port"
[http]
metrics_listen = "127.0.0.1:$http_port"
[store]
sqlite_path = "$work/relay.sqlite"
[log]
syslog_prefix = "never"
TOML
start_relay "$work/relay.toml" "$work/relay.log"
scrape() { curl -sf --max-time 2 "http://127.0.0.1:$http_port/metrics" >"$work/metrics.tmp" &&
  mv "$work/metrics.tmp" "$work/metrics"; }

cat >"$work/kamailio.cfg" <<CFG
#!KAMAILIO
debug=2
log_stderror=yes
children=1
listen=udp:127.0.0.1:$kam_port
mpath="$modules/"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "rtpengine.so"
modparam("rtpengine", "rtpengine_sock", "udp:127.0.0.1:$ng_port")
request_route {
  if (has_totag()) {
    if (loose_route()) {
      if (is_method("BYE")) { rtpengine_delete(); }
      t_relay();
      exit;
    }
    if (is_method("ACK") && t_check_trans()) { t_relay(); }
    exit;
  }
  if (is_method("INVITE")) {
    record_route();
    rtpengine_offer("replace-origin replace-session-connection ICE=remove");
    t_on_reply("MEDIA");
  }
  \$du = "sip:127.0.0.1:$uas_port";
  t_relay();
}
onreply_route[MEDIA] {
  if (has_body("application/sdp")) {
    rtpengine_answer("replace-origin replace-session-connection ICE=remove");
  }
}
CFG
kamailio -DD -E -f "$work/kamailio.cfg" -P "$work/kamailio.pid" >"$work/kamailio.log" 2>&1 &
pids+=($!)

sdp='v=0
o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 8
a=rtpmap:8 PCMA/8000'

cat >"$work/uas.xml" <<XML
<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="uas streaming pcap">
  <recv request="INVITE" crlf="true"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:];tag=[pid]uas[call_number]
[last_Call-ID:]
[last_CSeq:]
[last_Record-Route:]
Contact: <sip:[local_ip]:[local_port];transport=[transport]>
Content-Type: application/sdp
Content-Length: [len]

$sdp
]]></send>
  <recv request="ACK"/>
  <nop><action><exec play_pcap_audio="$pcap"/></action></nop>
  <recv request="BYE"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>
</scenario>
XML

cat >"$work/uac.xml" <<XML
<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="uac streaming pcap">
  <send retrans="500"><![CDATA[
INVITE sip:bob@127.0.0.1:$uas_port SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:alice@127.0.0.1>;tag=[pid]uac[call_number]
To: <sip:bob@127.0.0.1>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:alice@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

$sdp
]]></send>
  <recv response="100" optional="true"/>
  <recv response="200" rrs="true"/>
  <send><![CDATA[
ACK [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:alice@127.0.0.1>;tag=[pid]uac[call_number]
[last_To:]
[routes]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
  <nop><action><exec play_pcap_audio="$pcap"/></action></nop>
  <pause milliseconds="4000"/>
  <send retrans="500"><![CDATA[
BYE [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:alice@127.0.0.1>;tag=[pid]uac[call_number]
[last_To:]
[routes]
Call-ID: [call_id]
CSeq: 2 BYE
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="200"/>
</scenario>
XML

scrape
sleep 1  # Kamailio's children start and ping the relay
start_sipp uas 30 -sf "$work/uas.xml" -i 127.0.0.1 -p "$uas_port" -mp "$uas_media" -m 1
start_sipp uac 30 -sf "$work/uac.xml" -i 127.0.0.1 -p "$uac_port" -mp "$uac_media" -m 1 \
  "127.0.0.1:$kam_port"
uac=$sipp_pid
# While the call runs, the relay must report media flowing in both directions.
two_way=0
while kill -0 "$uac" 2>/dev/null; do
  scrape || true
  grep -q '^tipring_relay_media_streams{flow="two_way"} 1$' "$work/metrics" 2>/dev/null && two_way=1
  sleep 0.1
done
wait_tracked "$uac" || fail "the SIPp call did not complete"
sleep 0.5
scrape || { echo "FAIL: /metrics unreachable"; cat "$work/relay.log"; exit 1; }
metric() { awk -v name="$1" '$1 == name { print $2 }' "$work/metrics"; }
forwarded=$(metric tipring_relay_media_packets_forwarded_total)
learned=$(metric tipring_relay_media_learning_events_total)
strangers=$(metric 'tipring_relay_media_drops_total{reason="stranger"}')
released=$(metric 'tipring_relay_media_sessions_released_total{reason="deleted"}')
echo "relay: two_way=$two_way forwarded=$forwarded learned=$learned stranger_drops=$strangers deleted=$released"
[[ ${learned:-0} -eq 2 ]] || { echo "FAIL: expected both legs learned"; exit 1; }
[[ $two_way -eq 1 ]] || { echo "FAIL: media was not relayed both ways during the call"; exit 1; }
[[ ${forwarded:-0} -ge 200 ]] || { echo "FAIL: too little media relayed"; exit 1; }
[[ ${strangers:-0} -eq 0 ]] || { echo "FAIL: stranger drops"; exit 1; }
[[ ${released:-0} -eq 1 ]] || { echo "FAIL: BYE did not delete the session over ng"; exit 1; }
# The relay must still be the process we started and stop cleanly on SIGTERM.
stop_relay
echo "PASS"
