#!/usr/bin/env bash
# Fuzzes the spreadsheet readers for a fixed budget (default 300 seconds; `scripts/fuzz.sh 60`),
# in release mode, capped at 2 GB of address space so that a reader allocating what a file
# claims fails instead of swapping. Prints the inputs tried and the crashes found (saved under
# target/fuzz-crashes); exits 1 when there are any. `cargo test` runs a short fixed-seed round.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
seconds="${1:-300}"
cargo build --release -p orgdesk-fuzz
prlimit --as=$((2 << 30)) -- target/release/orgdesk-fuzz --seconds "$seconds" --out target/fuzz-crashes
