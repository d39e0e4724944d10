//! `orgdesk-fuzz [--seconds N] [--seed S] [--out DIR]` (or `--replay FILE`): mutates real spreadsheets for N seconds
//! (default 60) and imports each; inputs that crash a reader (a panic, or more than 10 s) are
//! written to DIR (default `fuzz-crashes`). Exits 1 when there are any.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let seconds: u64 = flag("--seconds").and_then(|v| v.parse().ok()).unwrap_or(60);
    let seed: u64 = flag("--seed")
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    let out = std::path::PathBuf::from(flag("--out").unwrap_or_else(|| "fuzz-crashes".into()));
    orgdesk_fuzz::count_panics();
    // `--replay FILE`: one saved input, for a crash found earlier.
    if let Some(file) = flag("--replay") {
        let input = std::fs::read(&file).expect("the input to replay");
        orgdesk_fuzz::one(&mut orgdesk_fuzz::workspace(), &input);
        let panics = orgdesk_fuzz::panics();
        println!(
            "{file}: {}",
            if panics == 0 { "no crash" } else { "crashed" }
        );
        std::process::exit(i32::from(panics > 0));
    }
    // An input that takes more than 10 s hangs a reader: saved, and the run stops.
    let hangs = out.clone();
    std::thread::spawn(move || loop {
        std::thread::sleep(std::time::Duration::from_secs(1));
        let current = orgdesk_fuzz::CURRENT.lock().ok().and_then(|c| c.clone());
        if let Some((started, input)) = current {
            if started.elapsed().as_secs() >= 10 {
                let _ = std::fs::create_dir_all(&hangs);
                let path = hangs.join(format!("hang-{seed}.bin"));
                let _ = std::fs::write(&path, input);
                println!("seed {seed}: an input hangs a reader: {}", path.display());
                std::process::exit(1);
            }
        }
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    let report = orgdesk_fuzz::run(seed, u64::MAX, Some(deadline));
    println!(
        "seed {seed}: {} inputs in {seconds}s, crashes found: {}, slowest input {:.2}s",
        report.inputs,
        report.crashes.len(),
        report.slowest.0
    );
    if report.crashes.is_empty() {
        return;
    }
    std::fs::create_dir_all(&out).expect("the crash folder");
    for (i, input) in report.crashes.iter().enumerate() {
        let path = out.join(format!("crash-{seed}-{i}.bin"));
        std::fs::write(&path, input).expect("a crash file");
        println!("  {}", path.display());
    }
    std::process::exit(1);
}
