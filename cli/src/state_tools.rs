//! `zkevm` state subcommands: `trietest`, `rlptest`, `state-root`, `verify-proof` (fixture runners and checks).
//!
//! The readers are `zkevm-fixtures`' (also used by `evm-state`'s fixture
//! tests), so `cargo test` runs exactly the code behind these commands.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::Value;
use zkevm_fixtures::genesis::state_from_alloc;
use zkevm_fixtures::get_proof::{proof_response, verify_response};
use zkevm_fixtures::hex::{b256, hex};
use zkevm_fixtures::rlp::rlp_file;
use zkevm_fixtures::runner::run_files;
use zkevm_fixtures::trie::trie_file;

/// Arguments of the fixture runners: one or more files or directories.
#[derive(Debug, clap::Args)]
pub struct PathsArgs {
    /// Fixture files or directories (walked).
    #[arg(required = true, value_name = "files|dirs")]
    pub paths: Vec<PathBuf>,
}

/// `zkevm state-root` arguments.
#[derive(Debug, clap::Args)]
pub struct StateRootArgs {
    /// A genesis file (`{"alloc": {…}}`) or a bare alloc map.
    #[arg(value_name = "alloc.json")]
    pub path: String,
}

/// `zkevm verify-proof` arguments.
#[derive(Debug, clap::Args)]
pub struct VerifyProofArgs {
    /// The `eth_getProof` response (JSON, or an `.io` exchange).
    #[arg(value_name = "response.json|.io")]
    pub file: String,
    /// The state root to check against.
    #[arg(long, value_name = "0x…", value_parser = b256, required_unless_present = "chain", conflicts_with_all = ["chain", "block"])]
    pub root: Option<evm_state::B256>,
    /// A chain RLP file whose block `--block` gives the state root.
    #[arg(long, value_name = "chain.rlp", requires = "block")]
    pub chain: Option<String>,
    /// The block of `--chain`.
    #[arg(long, value_name = "N", requires = "chain")]
    pub block: Option<u64>,
}

/// Runs one state subcommand on string arguments; `Err` for an unknown command or bad arguments.
pub fn run(command: &str, args: &[String]) -> Result<ExitCode, String> {
    fn go<T: clap::Args>(
        command: &str,
        args: &[String],
        f: impl FnOnce(T) -> Result<ExitCode, String>,
    ) -> Result<ExitCode, String> {
        crate::args::parse::<T>(command, args)?.map_or_else(Ok, f)
    }
    match command {
        "trietest" | "rlptest" => go(command, args, |a| fixture_runner(command, a)),
        "state-root" => go(command, args, state_root),
        "verify-proof" => go(command, args, verify_proof),
        other => Err(format!("unknown command `{other}`")),
    }
}

/// `zkevm trietest` or `zkevm rlptest`.
pub fn fixture_runner(command: &str, args: PathsArgs) -> Result<ExitCode, String> {
    let paths = args.paths;
    let tally = if command == "trietest" {
        run_files(&paths, trie_file)?
    } else {
        run_files(&paths, rlp_file)?
    };
    for f in &tally.failures {
        println!("FAIL {f}");
    }
    println!("{}", tally.summary());
    Ok(exit(tally.failed == 0))
}

/// `zkevm state-root`.
pub fn state_root(args: StateRootArgs) -> Result<ExitCode, String> {
    let path = &args.path;
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let json: Value = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    let state = state_from_alloc(&json)?;
    println!("{}", hex(&state.state_root()));
    Ok(ExitCode::SUCCESS)
}

fn exit(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// `zkevm verify-proof`.
pub fn verify_proof(args: VerifyProofArgs) -> Result<ExitCode, String> {
    let VerifyProofArgs {
        file,
        root,
        chain,
        block,
    } = args;
    let root = match (root, chain, block) {
        (Some(r), None, None) => r,
        (None, Some(c), Some(n)) => {
            let h = zkevm_fixtures::chain::header(std::path::Path::new(&c), n)?;
            println!(
                "block {n}: hash {} stateRoot {}",
                hex(&h.hash),
                hex(&h.state_root)
            );
            h.state_root
        }
        _ => return Err("give --root 0x… or --chain chain.rlp --block N".into()),
    };
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{file}: {e}"))?;
    let result = proof_response(&text)?;
    match verify_response(&result, &root) {
        Ok(s) => {
            match s.account {
                Some(a) => println!(
                    "account: nonce {} balance {} storageRoot {} codeHash {}",
                    a.nonce,
                    a.balance,
                    hex(&a.storage_root),
                    hex(&a.code_hash)
                ),
                None => println!("account: proven absent"),
            }
            for (slot, value) in &s.slots {
                println!("slot {slot}: {value}");
            }
            println!("proof OK");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("proof FAILED: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}
