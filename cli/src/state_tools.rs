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

/// Runs one state subcommand; `Err` for an unknown command or bad arguments.
pub fn run(command: &str, args: &[String]) -> Result<ExitCode, String> {
    match command {
        "trietest" | "rlptest" => {
            if args.is_empty() {
                return Err(format!("usage: zkevm {command} <files|dirs>..."));
            }
            let paths: Vec<PathBuf> = args.iter().map(PathBuf::from).collect();
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
        "state-root" => {
            let [path] = args else {
                return Err("usage: zkevm state-root <alloc.json>".into());
            };
            let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
            let json: Value = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
            let state = state_from_alloc(&json)?;
            println!("{}", hex(&state.state_root()));
            Ok(ExitCode::SUCCESS)
        }
        "verify-proof" => verify_proof_command(args),
        other => Err(format!("unknown command `{other}`")),
    }
}

fn exit(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn verify_proof_command(args: &[String]) -> Result<ExitCode, String> {
    let usage =
        "usage: zkevm verify-proof <response.json|.io> (--root 0x… | --chain chain.rlp --block N)";
    let mut file = None;
    let mut root = None;
    let mut chain = None;
    let mut block = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--root" => root = Some(b256(it.next().ok_or(usage)?)?),
            "--chain" => chain = Some(it.next().ok_or(usage)?.clone()),
            "--block" => {
                block = Some(
                    it.next()
                        .ok_or(usage)?
                        .parse::<u64>()
                        .map_err(|e| e.to_string())?,
                );
            }
            f if file.is_none() => file = Some(f.to_string()),
            _ => return Err(usage.into()),
        }
    }
    let file = file.ok_or(usage)?;
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
        _ => return Err(usage.into()),
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
