#!/usr/bin/env bash
# The UI bench (release build): generates workspaces of 10,000, 100,000 and 1,000,000 members in
# 2,000 departments (and 100,000 members in 30,000 departments), measures the CLI's
# `members list --search … --limit 50` at each size, then drives the real app over WebDriver
# under Xvfb and times, inside the web view, open → first rows, scroll → next rows, each search
# keystroke → results, and a department click → rows (medians and 95th percentiles).
#   scripts/bench-ui.sh [--quick]   --quick: 10,000 and 100,000 members only
# Workspaces are kept in target/bench-ui (delete them to generate again).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/setup.sh --test
npm --prefix ui run build
cargo build --release -p orgdesk-app -p orgdesk-cli -p orgdesk-bench --features orgdesk-app/custom-protocol
cargo test -p orgdesk-e2e --no-run

dir=target/bench-ui
mkdir -p "$dir"
sizes=(10000 100000 1000000)
[[ "${1:-}" == "--quick" ]] && sizes=(10000 100000)
workspaces=()
for n in "${sizes[@]}"; do
  ws="$dir/members-$n.orgdesk"
  [[ -f "$ws" ]] || target/release/orgdesk-bench workspace "$ws" --rows "$n" --departments 2000
  workspaces+=("$(realpath "$ws")")
done
wide="$dir/departments-30000.orgdesk"
[[ -f "$wide" ]] || target/release/orgdesk-bench workspace "$wide" --rows 100000 --departments 30000

echo "==> CLI search"
target/release/orgdesk-bench search "${workspaces[@]}" --runs 5

echo "==> the app"
all=("${workspaces[@]}" "$(realpath "$wide")")
ORGDESK_E2E_PROFILE=release ORGDESK_BENCH_WS="$(IFS=:; echo "${all[*]}")" \
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
  cargo test -p orgdesk-e2e --test bench -- --ignored --nocapture --test-threads=1 \
  2> >(grep -vE "^dbus-daemon|SpiRegistry daemon" >&2)
