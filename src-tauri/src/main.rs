// Keep a release build on Windows from opening a console window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// mimalloc, as the CLI: imports parse on one thread and check on another.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    orgdesk_app::run();
}
