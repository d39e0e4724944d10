#!/usr/bin/env bash
# Installs the .deb that scripts/package.sh built on this machine and checks it as a desktop
# sees it: the desktop entry (valid, in Office, for the .orgdesk type), the MIME type known by
# name and by content, OrgDesk the default application for it, a workspace opened the way a
# double-click opens it, and a second start handing its file to the running window.
# Removes the package again. Needs root (or sudo) and a Debian/Ubuntu system.
#   tests/package/deb.sh path/to/OrgDesk_x.y.z_amd64.deb path/to/orgdesk   (the CLI, to make a workspace)
set -euo pipefail
deb=$(realpath "$1")
cli=$(realpath "$2")
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
package=$(dpkg-deb -f "$deb" Package)
tmp=$(mktemp -d)
app_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  $sudo dpkg -r "$package" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -d "$tmp/data/logs" ] && cat "$tmp"/data/logs/* >&2; exit 1; }
ok() { echo "ok: $*"; }

echo "==> installing $deb"
$sudo dpkg -i "$deb" >/dev/null

desktop=$(dpkg -L "$package" | grep '^/usr/share/applications/.*\.desktop$') || fail "no desktop entry in the package"
desktop-file-validate "$desktop" || fail "desktop entry does not validate"
grep -qx 'Categories=Office;' "$desktop" || fail "desktop entry not in Office"
grep -qx 'MimeType=application/x-orgdesk;' "$desktop" || fail "desktop entry does not claim application/x-orgdesk"
grep -q '^Exec=.* %F$' "$desktop" || fail "desktop entry does not pass files (%F)"
ok "desktop entry $desktop"
icon=$(sed -n 's/^Icon=//p' "$desktop")
dpkg -L "$package" | grep -q "/usr/share/icons/hicolor/.*/apps/$icon.png" || fail "icon $icon not installed"
ok "icon $icon"

# dpkg's triggers ran update-mime-database and update-desktop-database.
grep -q 'application/x-orgdesk:\*\.orgdesk' /usr/share/mime/globs2 || fail "*.orgdesk not in the MIME database"
grep -q "application/x-orgdesk=.*$(basename "$desktop")" /usr/share/applications/mimeinfo.cache ||
  fail "OrgDesk not registered for application/x-orgdesk"
"$cli" init "$tmp/计划.orgdesk" --name 测试公司 --platform wecom >/dev/null
type=$(gio info -a standard::content-type "$tmp/计划.orgdesk" | sed -n 's/.*standard::content-type: //p')
[ "$type" = "application/x-orgdesk" ] || fail "a workspace file is typed $type"
cp "$tmp/计划.orgdesk" "$tmp/no-extension"
type=$(gio info -a standard::content-type "$tmp/no-extension" | sed -n 's/.*standard::content-type: //p')
[ "$type" = "application/x-orgdesk" ] || fail "a workspace without its extension is typed $type"
default=$(XDG_CURRENT_DESKTOP= xdg-mime query default application/x-orgdesk)
[ "$default" = "$(basename "$desktop")" ] || fail "default application is '$default'"
ok "MIME type by name and content; default application $default"

# A double-click: the desktop runs the default application with the file. The app writes its
# log into ORGDESK_DATA_DIR/logs: wait for what it says.
export ORGDESK_DATA_DIR="$tmp/data"
"$cli" init "$tmp/second.orgdesk" --name 第二家 >/dev/null
cat > "$tmp/session.sh" <<SESSION
set -euo pipefail
wait_log() {
  for _ in \$(seq 1 300); do
    [ "\$(cat "$ORGDESK_DATA_DIR"/logs/* 2>/dev/null | grep -c "\$1")" -ge "\${2:-1}" ] && return 0
    sleep 0.1
  done
  echo "FAIL: the log never said '\$1'" >&2
  cat "$ORGDESK_DATA_DIR"/logs/* >&2 || true
  exit 1
}
gio open "$tmp/计划.orgdesk"
wait_log "workspace opened"
wait_log 'ready screen="workspace"'
echo "ok: a double-clicked workspace opens"
# A second start hands its file to the running window and ends.
timeout 20 /usr/bin/orgdesk-app "$tmp/second.orgdesk"
wait_log "second start handed over"
wait_log "workspace opened" 2
echo "ok: a second start opens its file in the running window"
pkill -f /usr/bin/orgdesk-app || true
SESSION
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash "$tmp/session.sh" 2>&1 |
  grep -v -e '^dbus-daemon' -e 'SpiRegistry'
if grep -q -e "$tmp" -e 测试公司 -e 计划 "$ORGDESK_DATA_DIR"/logs/*; then fail "the log names a file or the organisation"; fi
ok "the log has no paths or names"
echo "deb: all checks passed"
