#!/usr/bin/env bash
# Format check (clang-format, the repository's .clang-format) and the focused clang-tidy
# set over our own sources, using the dev build's compile_commands.json.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.h' | grep -E '^(protocol|audio|pots|client|gui|relay_server|tests|bench)/')
if ((${#files[@]} == 0)); then exit 0; fi

echo "lint: clang-format on ${#files[@]} files"
clang-format --dry-run -Werror "${files[@]}"

db=build/dev/compile_commands.json
if [[ ! -f $db ]]; then
  echo "lint: $db missing; configure the dev preset first" >&2
  exit 1
fi
mapfile -t tidy < <(printf '%s\n' "${files[@]}" | grep -E '^(protocol|audio|pots|client|gui|relay_server)/.*\.cpp$')
if ((${#tidy[@]})); then
  echo "lint: clang-tidy on ${#tidy[@]} files"
  # The database holds GCC's command lines; flags clang does not know (e.g. -Wno-restrict)
  # must not count as findings.
  out=$(mktemp)
  status=0
  printf '%s\n' "${tidy[@]}" | xargs -P 2 -n 4 clang-tidy -p build/dev --quiet --extra-arg=-Wno-unknown-warning-option >"$out" 2>&1 || status=$?
  grep -v -E '^[0-9]+ warnings? (and [0-9]+ errors? )?generated|^Suppressed|^Use -header-filter' "$out" || true
  rm -f "$out"
  if ((status != 0)); then
    echo "lint: clang-tidy found problems" >&2
    exit 1
  fi
fi
echo "lint: ok"
