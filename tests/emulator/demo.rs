//! `cargo run --release --example demo`: starts the pinned Azurite in memory
//! (port 10000 when free), fills it with sample data and opens blobx on it.
//! The emulator stops when blobx quits.

#[path = "../support/emulator.rs"]
mod emulator;
#[path = "../support/sample.rs"]
mod sample;
#[path = "../support/seed.rs"]
mod seed;

fn main() -> std::process::ExitCode {
    let emu = match emulator::Emulator::start_preferring_default() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("demo: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    eprintln!("Azurite is listening at {}; adding sample data …", emu.host);
    let seeded = tokio::runtime::Runtime::new()
        .map_err(|e| e.to_string())
        .and_then(|rt| rt.block_on(sample::seed_demo(&seed::client(&emu.host))));
    if let Err(e) = seeded {
        eprintln!("demo: seeding failed: {e}");
        return std::process::ExitCode::from(2);
    }
    let mut args: Vec<String> = vec!["blobx".into(), "--emulator".into(), emu.host.clone()];
    args.extend(std::env::args().skip(1));
    let code = blobx::cli::main_from(args);
    drop(emu);
    code
}
