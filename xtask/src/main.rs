//! `cargo xtask setup|test|demo|bench|fuzz`: everything a fresh machine needs, in Rust.

mod bench;
mod demo;
mod device_bench;
mod fuzz;
mod setup;
mod stark_bench;
mod statetest_bench;
mod test;
mod wallet_bench;
mod wallet_demo;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  setup   install what the project needs (QEMU, thumb targets); idempotent
  test    the project's one test command: fmt, clippy, tests, QEMU tests, no_std builds
  demo    build the firmware, boot it in QEMU and talk to it
  bench   host benchmarks vs revm/alloy-trie, zkevm statetest vs revme, and the device
          section into BENCHMARKS.md (--quick: a short run under target/bench-quick/,
          without the state-test section; --statetest: only that section, printed;
          --stark: the STARK section alone, into target/bench-stark/STARK.md;
          --wallet: the device's wallet rows alone, printed)
  fuzz    cargo-fuzz targets: replay fuzz/regressions/, then fuzz each target from its seeds
          [--seconds N (default 60)] [--target NAME]... [--sanitizer none|address]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = args.first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = match command.as_str() {
        "setup" => setup::run(),
        "test" => setup::run().and_then(|()| test::run()),
        "demo" => setup::run().and_then(|()| demo::run()),
        "bench" => setup::run().and_then(|()| {
            let quick = args.iter().any(|a| a == "--quick");
            if args.iter().any(|a| a == "--stark") {
                stark_bench::run(quick)
            } else if args.iter().any(|a| a == "--wallet") {
                wallet_bench::run()
            } else if args.iter().any(|a| a == "--statetest") {
                bench::statetest_only()
            } else {
                bench::run(quick, device_bench::section)
            }
        }),
        "fuzz" => fuzz::Options::parse(&args[1..]).and_then(|options| fuzz::run(&options)),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask {command}: {message}");
            ExitCode::FAILURE
        }
    }
}
