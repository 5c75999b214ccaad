# shellcheck shell=bash disable=SC2154,SC2034
# Part (b) of proxy_bench.sh, sourced by it (uses its functions and variables): the call
# rate through each proxy with media steering, driven by SIPp (the tool issue 4 names). The
# callee (user 2) registers from the SIPp UAS's port at both proxies; the caller (user 1)
# answers each proxy's 407 challenge.
# Each call: INVITE (407, ACK), INVITE with credentials, 200 with SDP, ACK, BYE, 200.

caller=$(user_name 1)
callee=$(user_name 2)
write_users_csv "$work/caller.csv" 1 1
write_users_csv "$work/callee.csv" 2 2

# One call, to tell whether the proxy routes calls at all.
probe_call() {  # target
  timeout 20 sipp "$1" -sf "$here/scenarios/call_uac.xml" -inf "$work/caller.csv" -s "$callee" \
    -i 127.0.0.1 -p "$uac_port" -mi 127.0.0.1 -mp "$uac_media" -m 1 -timeout 10s -timeout_error \
    -nostdin -trace_err -error_file "$work/probe.err" >"$work/probe.out" 2>&1
}

kamailio_and_rtpengine_cpu() { echo $(($(kamailio_cpu_ticks) + $(cpu_ticks_of "$rtpengine_pid"))); }

echo "== Calls INVITE-200-ACK-BYE with SDP and media steering (caller $caller -> callee $callee)"
register_callee "127.0.0.1:$kam_sip" "$work/callee.csv" || { echo "callee registration at kamailio failed"; cat "$work/register-callee.out"; exit 1; }
tipring_routes_calls=no
if register_callee "127.0.0.1:$relay_sip" "$work/callee.csv"; then
  start_uas "${load_cpu[@]}"
  if probe_call "127.0.0.1:$relay_sip"; then tipring_routes_calls=yes; fi
else
  start_uas "${load_cpu[@]}"
fi
probe_call "127.0.0.1:$kam_sip" || { echo "a call through kamailio failed"; cat "$work/probe.err" "$work/probe.out"; exit 1; }

phase=call phase_step=sipp_phase_step phase_scenario=$here/scenarios/call_uac.xml
phase_args=(-inf "$work/caller.csv" -s "$callee" -p "$uac_port" -mi 127.0.0.1 -mp "$uac_media")
cpu_of[tipring]=tipring_cpu cpu_of[kamailio]=kamailio_and_rtpengine_cpu
targets=kamailio
[[ $tipring_routes_calls == yes ]] && targets="tipring kamailio"
ramp_targets
echo "calls max rate (<0.1% failed): kamailio+rtpengine ${best[kamailio]}/s;" \
  "CPU per call $(cpu_us_per_call kamailio) us (kamailio + rtpengine, over ${calls[kamailio]} calls)"
if [[ $tipring_routes_calls == yes ]]; then
  echo "calls max rate (<0.1% failed): tipring-relay ${best[tipring]}/s," \
    "ratio $(ratio "${best[tipring]}" "${best[kamailio]}");" \
    "CPU per call $(cpu_us_per_call tipring) us (over ${calls[tipring]} calls)"
else
  echo "calls through tipring-relay: not measured — a single call failed, its proxy does not" \
    "route INVITEs yet. SIPp's last messages:"
  tail -n 20 "$work/probe.err" 2>/dev/null || true
fi
echo "calls CPU per call at a fixed rate: $(fixed_rate_cpu $((start_rate / 2)))"
