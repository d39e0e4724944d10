#!/usr/bin/env bash
# A local fake of a platform's contacts API, for demos and trying the Sync page by hand:
#   scripts/fake-platform.sh [wecom|dingtalk|feishu]
# prints the variable to export before starting the app or the CLI (ORGDESK_WECOM_API=…) and
# a test id and secret for "connect"; serves until Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run -q -p orgdesk-platform --features fake --bin orgdesk-fake-platform -- "${1:-wecom}"
