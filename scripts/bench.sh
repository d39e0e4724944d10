#!/usr/bin/env bash
# Benchmarks (release build): the 100,000-row member import side by side with a bare
# calamine + SQLite baseline on the same generated file. Extra arguments go to the bench binary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo run --release -p orgdesk-bench -- import "$@"
