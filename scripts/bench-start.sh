#!/usr/bin/env bash
# Cold start of the app to an interactive start screen, as the app itself logs it (from the
# process start to the start screen's first render: `ready screen="start" ms=…`), over several
# runs with a fresh data folder each, under Xvfb. Prints every run and the median.
#   scripts/bench-start.sh [APP_BINARY] [RUNS]    default: target/release/orgdesk-app, 7 runs
set -euo pipefail
cd "$(dirname "$0")/.."
app=${1:-${CARGO_TARGET_DIR:-target}/release/orgdesk-app}
runs=${2:-7}
[ -x "$app" ] || { echo "error: $app is missing: build it first (scripts/package.sh)" >&2; exit 2; }
times=()
for i in $(seq 1 "$runs"); do
  data=$(mktemp -d)
  ORGDESK_DATA_DIR=$data xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash -c '
    "$0" & pid=$!
    for _ in $(seq 1 300); do
      grep -q "ready screen=" "$1"/logs/* 2>/dev/null && break
      sleep 0.05
    done
    kill $pid; wait $pid 2>/dev/null || true
  ' "$app" "$data" >/dev/null 2>&1
  ms=$(sed -n 's/.*ready screen="start" ms=\([0-9]*\).*/\1/p' "$data"/logs/* | head -1)
  rm -rf "$data"
  [ -n "$ms" ] || { echo "run $i: no start screen" >&2; exit 1; }
  echo "run $i: ${ms} ms"
  times+=("$ms")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "start screen: median ${median} ms over $runs runs ($(basename "$app"))"
