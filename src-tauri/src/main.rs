// Keep a release build on Windows from opening a console window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    orgdesk_app::run();
}
