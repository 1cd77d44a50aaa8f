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
        _ => std::process::ExitCode::SUCCESS,
    }
}
