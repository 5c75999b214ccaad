#!/usr/bin/env bash
# Where tipring-relay spends its core under REGISTER-with-auth load: the relay pinned to
# core 0 (proxy_bench's configuration and users, proxy_processes.sh), register_load on
# core 1 at a fixed rate, `perf record -g` on the relay for the length of the run. Prints the
# generator's result line, the self time per shared object and the inclusive time of the
# top functions; --keep DIR keeps perf.data there for `perf report`.
# Usage: proxy_perf.sh <tipring-relay> <register_load> [rate] [seconds] [--keep DIR]
set -euo pipefail
relay_binary=$(realpath "$1")
register_load=$2
rate=${3:-2000}
seconds=${4:-5}
keep=
[[ ${5:-} == --keep ]] && keep=${6:?--keep needs a directory}
here=$(cd "$(dirname "$0")" && pwd)
command -v perf >/dev/null || { echo "proxy_perf needs perf" >&2; exit 1; }
# shellcheck source-path=SCRIPTDIR source=proxy_processes.sh
source "$here/proxy_processes.sh"
proxy_processes_init proxy-perf
users=500
start_tipring "$relay_binary" "$users" "${proxy_cpu[@]}"
perf record -q -g -p "$relay_pid" -o "$work/perf.data" 2>"$work/perf.log" &
perf_pid=$!
sleep 0.5
"${load_cpu[@]}" "$register_load" --target "127.0.0.1:$relay_sip" --rate "$rate" \
  --seconds "$seconds" --users "$users" --sockets 64 --domain "$domain"
kill -INT "$perf_pid"
wait "$perf_pid" || true
if [[ -n $keep ]]; then
  mkdir -p "$keep"
  cp "$work/perf.data" "$keep/"
fi
echo "by shared object (self time):"
perf report -i "$work/perf.data" --no-children --sort dso --stdio 2>/dev/null |
  grep -E '^ +[0-9]' | head -8 || true
echo "by function, inclusive of callees:"
perf report -i "$work/perf.data" --children --sort symbol --stdio -g none 2>/dev/null |
  grep -E '^ +[0-9]' | sed -E 's/ +- +- *$//' | cut -c1-160 | head -60 || true
