#!/usr/bin/env bash
# Regenerates ui/src/api/bindings.ts from the Rust commands and types.
set -euo pipefail
cd "$(dirname "$0")/.."
ORGDESK_UPDATE_BINDINGS=1 cargo test -p orgdesk-app --features custom-protocol --test contract -- typescript_bindings_are_up_to_date
echo "wrote ui/src/api/bindings.ts"
