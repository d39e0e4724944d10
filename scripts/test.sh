#!/usr/bin/env bash
# Runs every test: formatting and lints, core + CLI, UI logic, the app's contract with the UI,
# the real app end to end over WebDriver under Xvfb with a private D-Bus and keyring, and the
# installable .deb (built, installed, opened by double-click, removed).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
scripts/setup.sh --test

step() { printf '\n==> %s\n' "$*"; }

step "UI: types, lints, tests (Vitest), build"
npm --prefix ui run --silent typecheck
npm --prefix ui run --silent lint
npm --prefix ui test
npm --prefix ui run build

step "Rust: format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --features orgdesk-app/custom-protocol -- -D warnings

step "core, platform and CLI tests (the OS keyring: a private D-Bus with an unlocked gnome-keyring)"
dbus-run-session -- sh -c '
  echo -n orgdesk-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  cargo test 1>&2
' 2> >(grep -vE "^dbus-daemon|SpiRegistry daemon|gcr-prompter|cannot open display" >&2)

step "build the app and the CLI"
cargo build -p orgdesk-app -p orgdesk-cli --features orgdesk-app/custom-protocol

step "app contract: generated TypeScript bindings are fresh, capabilities match the commands"
cargo test -p orgdesk-app --features custom-protocol

step "end to end: the real app over WebDriver"
cargo test -p orgdesk-e2e --no-run
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- sh -c '
  echo -n orgdesk-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  cargo test -p orgdesk-e2e -- --test-threads=1 1>&2
' 2> >(grep -vE "^dbus-daemon|SpiRegistry daemon" >&2)

step "package: build the .deb (debug) and install it as a desktop would"
if command -v dpkg >/dev/null 2>&1; then
  scripts/package.sh --debug
  target="${CARGO_TARGET_DIR:-target}/debug"
  tests/package/deb.sh "$(ls -t "$target"/bundle/deb/*.deb | head -1)" "$target/orgdesk"
else
  echo "not a Debian/Ubuntu system: the .deb is not built or installed here"
fi

step "all tests passed"
