#!/usr/bin/env bash
# Runs Tipring on this machine: builds the release preset, starts tipring-relay on loopback
# with its embedded SQLite store and a demo user, then signs tipring-cli in as that user to
# call the relay's echo-test number, speaking a WAV file into it and recording the echo.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset release >/dev/null
cmake --build --preset release

bin=build/release
relay=$bin/relay_server/app/tipring-relay
cli=$bin/client/tipring-cli
work=${TIPRING_DEMO_DIR:-$(mktemp -d)}
relay_pid=
cleanup() {
  if [[ -n $relay_pid ]]; then kill -TERM "$relay_pid" 2>/dev/null || true; wait "$relay_pid" || true; fi
}
trap cleanup EXIT INT TERM

cat >"$work/relay.toml" <<TOML
[sip]
listen = ["127.0.0.1:5060"]
domain = "tipring.test"
[http]
metrics_listen = "127.0.0.1:9080"
[store]
sqlite_path = "$work/relay.sqlite"
[media]
bind_address = "127.0.0.1"
ng_listen = "127.0.0.1:2223"
TOML
echo "demo-password" >"$work/demo.password"
"$relay" --config "$work/relay.toml" user add demo <"$work/demo.password" || true
"$relay" --config "$work/relay.toml" 2> >(tee "$work/relay.log" >&2) &
relay_pid=$!
for _ in $(seq 1 100); do
  grep -q "tipring-relay ready" "$work/relay.log" 2>/dev/null && break
  sleep 0.1
done

if [[ -x $cli ]]; then
  # The demo user speaks into the echo test from a WAV file and records what comes back.
  if command -v espeak-ng >/dev/null; then
    espeak-ng -w "$work/hello.wav" "Hello from Tipring. This is the echo test. What you hear \
comes back to you through the relay." 2>/dev/null
  else
    sox -n -r 48000 -c 1 -b 16 "$work/hello.wav" synth 5 sine 440 vol 0.5
  fi
  status=0
  "$cli" --account demo@tipring.test --proxy sip:127.0.0.1:5060 \
    --password-file "$work/demo.password" --no-stdin --json \
    --play "$work/hello.wav" --record "$work/echo-heard.wav" --call echo --hangup-after 8 || status=$?
  echo
  echo "The echo test's answer is in $work/echo-heard.wav (play it with: play $work/echo-heard.wav)."
  exit $status
fi
echo
echo "tipring-relay is running on 127.0.0.1:5060 (SIP/UDP), /metrics and /health on"
echo "127.0.0.1:9080, ng control on 127.0.0.1:2223; demo user 'demo@tipring.test' with the"
echo "password in $work/demo.password. Register any SIP client against it."
echo "tipring-cli (the demo call to the echo test) is not built yet. Ctrl-C stops the relay."
wait "$relay_pid"
