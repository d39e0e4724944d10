#!/usr/bin/env bash
# Builds and starts the OrgDesk app. Arguments are passed to the app (e.g. a .orgdesk file).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo "==> building the UI"
npm --prefix ui run build
echo "==> building the app"
cargo build -p orgdesk-app --features custom-protocol
exec "${CARGO_TARGET_DIR:-target}/debug/orgdesk-app" "$@"
