//! `zkevm`: the host companion of the embedded-zkevm device.

use std::process::ExitCode;

use zkevm_cli::{prove, state_tools, statetest, trace, txtest, verify};

const USAGE: &str = "usage: zkevm <command> [args]

commands:
  statetest [--fork F] <files|dirs>     run state tests (GeneralStateTests, execution-spec
                                        tests) for fork F: Cancun, Prague or Osaka
                                        (default: each test's newest)
  trace <statetest.json> [--index d:g:v] [--stats]
                                        EIP-3155 trace of one case (or row figures)
  trietest <files|dirs>                 run TrieTests fixtures
  rlptest <files|dirs>                  run RLPTests fixtures
  txtest <files|dirs>                   run TransactionTests fixtures (wallet decoder)
  state-root <alloc.json>               print the state root of a genesis alloc
  verify-proof <response.json> (--root 0x… | --chain chain.rlp --block N)
                                        check an eth_getProof response
  prove <statetest.json> [--index d:g:v] -o proof.bin | prove --coverage
                                        STARK proof of a case's execution (or the opcode list)
  verify <proof.bin> [--device]         check a proof file on the host (or on the QEMU device)
  version                               print the tool's version";

fn report(result: Result<ExitCode, String>) -> ExitCode {
    result.unwrap_or_else(|e| {
        eprintln!("zkevm: {e}");
        ExitCode::from(2)
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match command.as_str() {
        "statetest" => report(statetest::run(rest)),
        "trace" => report(trace::run(rest)),
        "txtest" => report(txtest::run(rest)),
        "trietest" | "rlptest" | "state-root" | "verify-proof" => {
            report(state_tools::run(command, rest))
        }
        "prove" => report(prove::run(rest)),
        "verify" => report(verify::run(rest)),
        "version" => {
            println!("zkevm {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        other => {
            eprintln!("zkevm: unknown command `{other}`\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
