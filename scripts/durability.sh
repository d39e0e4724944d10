#!/usr/bin/env bash
# The kill -9 loop, bench-sized: the release CLI killed 20 times during each of an import of
# 100,000 members (into an empty and into a full workspace), an undo, a rollback, a snapshot
# restore and an export; after every kill the workspace must pass SQLite's integrity check and
# be as it was before or as the finished command leaves it. `cargo test` runs it small.
# Arguments: members (default 100000), kills per command (default 20).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
ORGDESK_DURABILITY_ROWS="${1:-100000}" ORGDESK_DURABILITY_KILLS="${2:-20}" \
  cargo test --release -p orgdesk-cli --test durability -- --nocapture
