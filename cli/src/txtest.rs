//! `zkevm txtest`: the ethereum-tests TransactionTests run through the `wallet` crate's decoder.
//!
//! Each fixture has `txbytes` and a `result` per fork: `hash` and `sender`
//! for a valid transaction, `exception` for an invalid one. The expectation
//! is the newest fork the fixture lists (Prague, Cancun, …): a valid case must
//! decode ([`SignedTransaction::decode`]), pass the validity rules of that
//! fork on chain 1 ([`rules::check`]), recover the expected sender, hash to
//! the expected hash, and re-encode from its parts to the same bytes; an
//! invalid case must be rejected by one of those steps. The closing line is
//! `N passed, M failed, K skipped`; every skip is listed with its reason.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;
use wallet::tx::rules::{self, Fork, Rules};
use wallet::{SignedTransaction, U256};
use zkevm_fixtures::hex::{address, b256, hex, unhex};
use zkevm_fixtures::runner::{json_files, Tally};

/// The suite's directory, relative to the fixtures directory.
pub const SUITE: &str = "ethereum-tests/TransactionTests";

/// A run: the tally and, for each skipped case, `file: case: reason`.
#[derive(Debug, Default)]
pub struct Run {
    /// Pass/fail/skip counts and the failures.
    pub tally: Tally,
    /// Every skipped case with its reason.
    pub skips: Vec<String>,
}

/// Runs every `.json` file under `paths`.
pub fn run_paths(paths: &[PathBuf]) -> Result<Run, String> {
    let mut run = Run::default();
    for file in json_files(paths)? {
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        match serde_json::from_str::<Value>(&text) {
            Ok(json) => tx_file(&file, &json, &mut run),
            Err(e) => run
                .tally
                .record(&file, "<file>", Err(format!("bad JSON: {e}"))),
        }
    }
    Ok(run)
}

/// One file: every test in it.
pub fn tx_file(file: &Path, json: &Value, run: &mut Run) {
    let Some(tests) = json.as_object() else {
        run.tally
            .record(file, "<file>", Err("not an object".into()));
        return;
    };
    for (name, test) in tests {
        match newest_fork(test) {
            Some((fork, expected)) => run.tally.record(file, name, tx_case(test, fork, expected)),
            None => {
                run.tally.skipped += 1;
                run.skips.push(format!(
                    "{}: {name}: no fork this runner knows in `result`",
                    file.display()
                ));
            }
        }
    }
}

/// The newest known fork in the test's `result` and its expectation.
fn newest_fork(test: &Value) -> Option<(Fork, &Value)> {
    test.get("result")?
        .as_object()?
        .iter()
        .filter_map(|(k, v)| Some((Fork::from_name(k)?, v)))
        .max_by_key(|(f, _)| *f)
}

/// What the decoder makes of `bytes` under `fork`: `(sender, hash)`, or why it refuses.
pub fn check_tx(bytes: &[u8], fork: Fork) -> Result<([u8; 20], [u8; 32]), String> {
    let signed = SignedTransaction::decode(bytes).map_err(|e| format!("decode: {e}"))?;
    let chain = Rules {
        fork,
        chain_id: U256::from(1u8),
    };
    rules::check(&signed.tx, &chain).map_err(|e| format!("rules: {e}"))?;
    let sender = signed.sender().map_err(|e| format!("sender: {e}"))?;
    // The signed form rebuilt from the decoded parts is the input, byte for byte.
    let mut again = Vec::new();
    signed
        .tx
        .write_signed(&signed.signature, &mut again)
        .map_err(|e| format!("re-encode: {e}"))?;
    if again != bytes {
        return Err(format!("re-encoded as {}", hex(&again)));
    }
    Ok((sender, signed.hash()))
}

fn tx_case(test: &Value, fork: Fork, expected: &Value) -> Result<(), String> {
    let bytes = unhex(test["txbytes"].as_str().ok_or("no `txbytes`")?)?;
    let got = check_tx(&bytes, fork);
    if let Some(exception) = expected.get("exception").and_then(Value::as_str) {
        return match got {
            Err(_) => Ok(()),
            Ok(_) => Err(format!("{}: accepted, expected {exception}", fork.name())),
        };
    }
    let want_sender = address(expected["sender"].as_str().ok_or("no `sender`")?)?;
    let want_hash = b256(expected["hash"].as_str().ok_or("no `hash`")?)?;
    let (sender, hash) =
        got.map_err(|e| format!("{}: rejected a valid transaction: {e}", fork.name()))?;
    if sender != want_sender {
        return Err(format!(
            "sender {} expected {}",
            hex(&sender),
            hex(&want_sender)
        ));
    }
    if hash != want_hash {
        return Err(format!("hash {} expected {}", hex(&hash), hex(&want_hash)));
    }
    Ok(())
}

/// `zkevm txtest <files|dirs>`.
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    if args.is_empty() {
        return Err("usage: zkevm txtest <files|dirs>...".into());
    }
    let paths: Vec<PathBuf> = args.iter().map(PathBuf::from).collect();
    let run = run_paths(&paths)?;
    for f in &run.tally.failures {
        println!("FAIL {f}");
    }
    for s in &run.skips {
        println!("skip {s}");
    }
    println!("{}", run.tally.summary());
    Ok(if run.tally.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
