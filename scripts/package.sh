#!/usr/bin/env bash
# Builds an installable OrgDesk with Tauri's bundler: a .deb on Debian/Ubuntu (icon, desktop
# entry in Office, the .orgdesk file type), a .dmg on macOS, an .msi on Windows (each needs that
# system's own tools: Xcode's on macOS, WiX on Windows, which Tauri's bundler fetches or asks for).
#   scripts/package.sh            release build
#   scripts/package.sh --debug    debug build (faster; what the tests install)
# Prints where the bundle is and its size.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

profile=release
args=(build --ci)
if [ "${1:-}" = "--debug" ]; then
  profile=debug
  args+=(--debug)
fi
case "$(uname -s)" in
  Linux) bundle=deb ;;
  Darwin) bundle=dmg ;;
  MINGW* | MSYS* | CYGWIN*) bundle=msi ;;
  *) echo "error: no bundle format known for $(uname -s)" >&2; exit 2 ;;
esac

echo "==> building the UI"
npm --prefix ui run build
echo "==> building the $profile app and its .$bundle"
ui/node_modules/.bin/tauri "${args[@]}" --bundles "$bundle"

out="${CARGO_TARGET_DIR:-target}/$profile/bundle/$bundle"
file=$(ls -t "$out"/*."$bundle" | head -1)
echo "==> $file ($(du -h "$file" | cut -f1))"
