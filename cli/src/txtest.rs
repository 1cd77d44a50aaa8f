//! `zkevm txtest`: the ethereum-tests TransactionTests run through the `wallet` crate's decoder.
//!
//! Each fixture has `txbytes` and a `result` per fork: `hash` and `sender`
//! for a valid transaction, `exception` for an invalid one. The expectation
//! is the newest fork the fixture lists (Prague, Cancun, …): a valid case must
//! decode ([`SignedTransaction::decode`]), pass the validity rules of that
//! fork on chain 1 ([`rules::check`]), recover the expected sender, hash to
//! the expected hash, and re-encode from its parts to the same bytes; an
//! invalid case must be rejected, and by the step its exception belongs to
//! ([`stages_for`]: a gas rule by the rules, a malformed field by the
//! decoder, ...). The closing line is
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
        let bytes = test["txbytes"].as_str().and_then(|t| unhex(t).ok());
        if let Some(why) = bytes.as_deref().and_then(device_limit) {
            run.tally.skipped += 1;
            run.skips.push(format!("{}: {name}: {why}", file.display()));
            continue;
        }
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
pub fn newest_fork(test: &Value) -> Option<(Fork, &Value)> {
    test.get("result")?
        .as_object()?
        .iter()
        .filter_map(|(k, v)| Some((Fork::from_name(k)?, v)))
        .max_by_key(|(f, _)| *f)
}

/// Why the device cannot take `bytes` at all, if a bound of `wallet::limits`
/// refuses it (its size, or the length of one of its lists): such a case is
/// skipped, with this reason, not counted as a pass or a failure.
pub fn device_limit(bytes: &[u8]) -> Option<String> {
    match SignedTransaction::decode(bytes) {
        Err(e @ (wallet::Error::TooLong { .. } | wallet::Error::TooMany { .. })) => {
            Some(format!("device limit (wallet::limits): {e}"))
        }
        _ => None,
    }
}

/// The step of [`check_tx`] that refused a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// `SignedTransaction::decode`: form, field ranges, signature values.
    Decode,
    /// `rules::check`: fork, chain id, nonce, gas and fee rules.
    Rules,
    /// Sender recovery from the signature.
    Sender,
    /// Re-encoding from the decoded parts.
    Reencode,
}

/// Which steps may refuse a transaction with the fixture's `exception`:
/// malformed fields and bad signature values at decoding, gas and fee
/// rules at the validity check, an unrecoverable signature at recovery; a
/// wrong chain id either at decoding (an impossible `v`) or at the check.
/// An exception name not listed here accepts any step.
pub fn stages_for(exception: &str) -> &'static [Stage] {
    let name = exception.trim_start_matches("TransactionException.");
    match name {
        "INTRINSIC_GAS_TOO_LOW"
        | "NONCE_TOO_BIG"
        | "INITCODE_SIZE_EXCEEDED"
        | "GASLIMIT_PRICE_PRODUCT_OVERFLOW"
        | "PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS"
        | "PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS_2" => &[Stage::Rules],
        "EC_RECOVERY_FAIL" => &[Stage::Sender],
        "INVALID_CHAINID" => &[Stage::Decode, Stage::Rules],
        n if n.starts_with("RLP_")
            || n.starts_with("ADDRESS_TOO_")
            || n.ends_with("_OVERFLOW")
            || n == "TYPE_NOT_SUPPORTED"
            || n == "INVALID_SIGNATURE_VRS" =>
        {
            &[Stage::Decode]
        }
        _ => &[Stage::Decode, Stage::Rules, Stage::Sender, Stage::Reencode],
    }
}

/// What the decoder makes of `bytes` under `fork`: `(sender, hash)`, or
/// the step that refused it and why.
pub fn check_tx(bytes: &[u8], fork: Fork) -> Result<([u8; 20], [u8; 32]), (Stage, String)> {
    let signed = SignedTransaction::decode(bytes).map_err(|e| (Stage::Decode, e.to_string()))?;
    let chain = Rules {
        fork,
        chain_id: U256::from(1u8),
    };
    rules::check(&signed.tx, &chain).map_err(|e| (Stage::Rules, e.to_string()))?;
    let sender = signed
        .sender()
        .map_err(|e| (Stage::Sender, e.to_string()))?;
    // The signed form rebuilt from the decoded parts is the input, byte for byte.
    let mut again = Vec::new();
    signed
        .tx
        .write_signed(&signed.signature, &mut again)
        .map_err(|e| (Stage::Reencode, e.to_string()))?;
    if again != bytes {
        return Err((Stage::Reencode, format!("re-encoded as {}", hex(&again))));
    }
    Ok((sender, signed.hash()))
}

fn tx_case(test: &Value, fork: Fork, expected: &Value) -> Result<(), String> {
    let bytes = unhex(test["txbytes"].as_str().ok_or("no `txbytes`")?)?;
    let got = check_tx(&bytes, fork);
    if let Some(exception) = expected.get("exception").and_then(Value::as_str) {
        return match got {
            Err((stage, _)) if stages_for(exception).contains(&stage) => Ok(()),
            Err((stage, why)) => Err(format!(
                "{}: refused at {stage:?} ({why}), expected {exception} at {:?}",
                fork.name(),
                stages_for(exception)
            )),
            Ok(_) => Err(format!("{}: accepted, expected {exception}", fork.name())),
        };
    }
    let want_sender = address(expected["sender"].as_str().ok_or("no `sender`")?)?;
    let want_hash = b256(expected["hash"].as_str().ok_or("no `hash`")?)?;
    let (sender, hash) = got.map_err(|(stage, why)| {
        format!(
            "{}: rejected a valid transaction at {stage:?}: {why}",
            fork.name()
        )
    })?;
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

/// `zkevm txtest <files|dirs>` on string arguments.
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    match crate::args::parse::<crate::state_tools::PathsArgs>("txtest", args)? {
        Ok(a) => run_args(a),
        Err(code) => Ok(code),
    }
}

/// `zkevm txtest <files|dirs>`.
pub fn run_args(args: crate::state_tools::PathsArgs) -> Result<ExitCode, String> {
    let run = run_paths(&args.paths)?;
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

/// The EEST state-test suites whose transactions [`state_test_txs`] checks.
pub const EEST_SUITES: &[&str] = &[
    "eest/state_tests/cancun",
    "eest/state_tests/prague",
    "eest/state_tests/osaka",
];

/// Exceptions that depend on the pre-state or the block (balances, code at
/// the sender, base and blob fees, the block's blob gas), not on the
/// transaction alone: such cases are skipped by [`state_test_txs`].
const STATEFUL_EXCEPTIONS: &[&str] = &[
    "INSUFFICIENT_ACCOUNT_FUNDS",
    "SENDER_NOT_EOA",
    "INSUFFICIENT_MAX_FEE_PER_BLOB_GAS",
    "INSUFFICIENT_MAX_FEE_PER_GAS",
    "TYPE_3_TX_MAX_BLOB_GAS_ALLOWANCE_EXCEEDED",
    "GAS_ALLOWANCE_EXCEEDED",
];

/// The signed transactions of state-test fixtures (EEST: every `post` case
/// has the `txbytes` of its transaction): a case without `expectException`
/// must decode, pass the rules of its fork on chain 1, recover the fixture's
/// `transaction.sender` and re-encode to the same bytes; a case whose
/// exception the transaction alone decides (intrinsic gas, the calldata
/// floor, the gas cap, blob count and version, an empty authorization list,
/// creation by a blob or set-code transaction, fees) must be refused; one
/// that depends on state or block is skipped with its reason.
pub fn state_test_txs(paths: &[PathBuf]) -> Result<Run, String> {
    let mut run = Run::default();
    for file in json_files(paths)? {
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let json: Value = match serde_json::from_str(&text) {
            Ok(j) => j,
            Err(e) => {
                run.tally
                    .record(&file, "<file>", Err(format!("bad JSON: {e}")));
                continue;
            }
        };
        for (name, test) in json.as_object().into_iter().flatten() {
            let sender = test["transaction"]["sender"].as_str().unwrap_or_default();
            for (fork_name, cases) in test["post"].as_object().into_iter().flatten() {
                for (i, case) in cases.as_array().into_iter().flatten().enumerate() {
                    let label = format!("{name} {fork_name}[{i}]");
                    let Some(fork) = Fork::from_name(fork_name) else {
                        run.tally.skipped += 1;
                        run.skips
                            .push(format!("{}: {label}: unknown fork", file.display()));
                        continue;
                    };
                    let exception = case["expectException"].as_str().unwrap_or_default();
                    let stateful = exception.split('|').any(|e| {
                        STATEFUL_EXCEPTIONS.contains(&e.trim_start_matches("TransactionException."))
                    });
                    if stateful {
                        run.tally.skipped += 1;
                        run.skips.push(format!(
                            "{}: {label}: {exception} depends on the state or the block",
                            file.display()
                        ));
                        continue;
                    }
                    let bytes = case["txbytes"].as_str().and_then(|t| unhex(t).ok());
                    if let Some(why) = bytes.as_deref().and_then(device_limit) {
                        run.tally.skipped += 1;
                        run.skips
                            .push(format!("{}: {label}: {why}", file.display()));
                        continue;
                    }
                    let result = state_case(case, fork, sender, exception);
                    run.tally.record(&file, &label, result);
                }
            }
        }
    }
    Ok(run)
}

fn state_case(case: &Value, fork: Fork, sender: &str, exception: &str) -> Result<(), String> {
    let bytes = unhex(case["txbytes"].as_str().ok_or("no `txbytes`")?)?;
    let got = check_tx(&bytes, fork);
    if !exception.is_empty() {
        return match got {
            Err(_) => Ok(()),
            Ok(_) => Err(format!("accepted, expected {exception}")),
        };
    }
    let want = address(sender)?;
    let (got, _) = got.map_err(|(stage, why)| format!("rejected at {stage:?}: {why}"))?;
    if got != want {
        return Err(format!("sender {} expected {}", hex(&got), hex(&want)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exceptions_map_to_the_step_that_must_refuse() {
        assert_eq!(
            stages_for("TransactionException.INTRINSIC_GAS_TOO_LOW"),
            &[Stage::Rules]
        );
        assert_eq!(
            stages_for("TransactionException.RLP_LEADING_ZEROS_NONCE"),
            &[Stage::Decode]
        );
        assert_eq!(
            stages_for("TransactionException.NONCE_OVERFLOW"),
            &[Stage::Decode]
        );
        assert_eq!(
            stages_for("TransactionException.EC_RECOVERY_FAIL"),
            &[Stage::Sender]
        );
        assert_eq!(stages_for("TransactionException.SOMETHING_NEW").len(), 4);
        // A valid transaction passes every step; a truncated one fails at decoding.
        let eip155 = zkevm_fixtures::hex::unhex("0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83").unwrap_or_default();
        let (sender, _) = check_tx(&eip155, Fork::Cancun).unwrap_or_default();
        assert_eq!(hex(&sender), "0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f");
        assert!(matches!(
            check_tx(&eip155[..eip155.len() - 1], Fork::Cancun),
            Err((Stage::Decode, _))
        ));
    }
}
