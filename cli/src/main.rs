//! `zkevm`: the host companion tool.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("statetest") => match zkevm_cli::statetest::run(&args[1..]) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("zkevm statetest: {e}");
                std::process::ExitCode::FAILURE
            }
        },
        Some(cmd @ ("trietest" | "rlptest" | "state-root" | "verify-proof")) => {
            match zkevm_cli::state_tools::run(cmd, &args[1..]) {
                Ok(code) => code,
                Err(e) => {
                    eprintln!("zkevm {cmd}: {e}");
                    std::process::ExitCode::from(2)
                }
            }
        }
        _ => std::process::ExitCode::SUCCESS,
    }
}
