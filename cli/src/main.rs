//! `zkevm`: the host companion tool (minimal dispatcher; subcommands live in modules).

mod state_tools;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprintln!("usage: zkevm <trietest|rlptest|state-root|verify-proof> ...");
        return ExitCode::from(2);
    };
    match state_tools::run(command, rest) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("zkevm: {e}");
            ExitCode::from(2)
        }
    }
}
