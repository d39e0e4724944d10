#!/usr/bin/env bash
# Benchmarks (release build) on generated 100,000-member data:
#  - the member import side by side with a bare calamine + SQLite baseline on the same file;
#  - effective permissions of every member, who-can, and the least-privilege checks;
#  - the WeCom member file export side by side with a bare rust_xlsxwriter write of the same
#    cells, and the report workbook (time and peak memory);
#  - undo, redo and rollback of a 100,000-member import and snapshot restores (with the undo of
#    one) beside the import itself; `scripts/bench.sh --large` repeats it at 1,000,000 members;
#  - the activity import (100,000 members x 90 days, 9,000,000 CSV rows) against a bare read +
#    insert of the same file, and the health view on that data;
#  - the customer (100,000) and order (1,000,000) imports against a bare read + insert of the
#    same CSV files, and RFM over the orders.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo build --release -p orgdesk-bench
target/release/orgdesk-bench import --runs 5
target/release/orgdesk-bench roles
target/release/orgdesk-bench export
target/release/orgdesk-bench history --rows 100000
target/release/orgdesk-bench activity --members 100000 --days 90 --runs 3
target/release/orgdesk-bench customers --customers 100000 --orders 1000000 --runs 3
if [[ "${1:-}" == "--large" ]]; then
  target/release/orgdesk-bench history --rows 1000000
fi
