#!/usr/bin/env bash
# Installs what building (and, with --test, testing) OrgDesk needs on Debian/Ubuntu:
# system packages, the UI's npm packages and, for tests, tauri-driver. Safe to run again.
# Elsewhere it checks the tools and says what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=false
[ "${1:-}" = "--test" ] && want_tests=true

# Build: the WebKitGTK webview and a C toolchain; libclang for the SQLite session bindings.
packages=(build-essential pkg-config libwebkit2gtk-4.1-dev libclang-dev fonts-noto-cjk)
# Tests: a virtual display, WebKit's WebDriver, a private D-Bus with an unlocked keyring,
# xdotool to answer native save dialogs; for the .deb's install test, what a desktop uses to
# know file types and their applications.
$want_tests && packages+=(xvfb xauth webkit2gtk-driver dbus gnome-keyring keyutils xdotool
  shared-mime-info desktop-file-utils xdg-utils libglib2.0-bin)

if command -v apt-get >/dev/null 2>&1; then
  missing=()
  for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "==> installing system packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
else
  echo "==> not a Debian/Ubuntu system: install the WebView and build tools for Tauri 2 yourself"
  echo "    (https://v2.tauri.app/start/prerequisites/): Xcode command-line tools on macOS,"
  echo "    the WebView2 runtime and MSVC build tools on Windows, plus clang for the SQLite bindings."
fi

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "error: $1 is not installed. $2" >&2; exit 2; }
}
need cargo "Install Rust from https://rustup.rs (stable)."
need node "Install Node.js 20.19 or newer (https://nodejs.org)."
need npm "Install npm (it comes with Node.js)."
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
  { echo "error: Node.js $(node --version) is too old: Vite 8 needs 20.19 or newer." >&2; exit 2; }

# npm packages exactly as locked; skipped when node_modules already matches the lock file.
stamp=ui/node_modules/.orgdesk-lock
if [ ! -f "$stamp" ] || ! cmp -s ui/package-lock.json "$stamp"; then
  echo "==> installing npm packages (ui/)"
  npm ci --prefix ui --no-audit --no-fund
  cp ui/package-lock.json "$stamp"
fi

if $want_tests && ! command -v tauri-driver >/dev/null 2>&1; then
  echo "==> installing tauri-driver"
  cargo install tauri-driver --version '^2' --locked
fi
