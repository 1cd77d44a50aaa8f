//! Parsing a command's arguments with clap, for callers that hold them as strings (the tests).

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::Parser;

#[derive(Parser)]
struct Wrap<T: clap::Args> {
    #[command(flatten)]
    inner: T,
}

/// Parse `args` (without the command name) as `zkevm <command>`'s arguments:
/// `Ok(Ok(args))`, `Ok(Err(SUCCESS))` once `--help` was printed, or the
/// usage error as text.
pub fn parse<T: clap::Args>(command: &str, args: &[String]) -> Result<Result<T, ExitCode>, String> {
    let argv = std::iter::once(format!("zkevm {command}")).chain(args.iter().cloned());
    match Wrap::<T>::try_parse_from(argv) {
        Ok(w) => Ok(Ok(w.inner)),
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            print!("{e}");
            Ok(Err(ExitCode::SUCCESS))
        }
        Err(e) => Err(e.to_string()),
    }
}
