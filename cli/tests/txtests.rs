//! Runs the shared ethereum-tests TransactionTests through the wallet decoder; fails on any failure.

use zkevm_cli::txtest::{run_paths, SUITE};

#[test]
fn transaction_tests() {
    // Missing fixtures fail the test with how to get them.
    let dir = zkevm_fixtures::require(SUITE).unwrap_or_else(|e| panic!("{e}"));
    let run = run_paths(&[dir]).unwrap_or_else(|e| panic!("{e}"));
    for line in &run.tally.failures {
        println!("FAIL {line}");
    }
    for line in &run.skips {
        println!("skip {line}");
    }
    println!("{}", run.tally.summary());
    assert!(
        run.tally.passed >= 200,
        "too few cases ran: {}",
        run.tally.passed
    );
    assert_eq!(run.tally.failed, 0, "transaction-test failures (see above)");
}

/// The signed transactions of the EEST state tests (Cancun, Prague, Osaka:
/// thousands of legacy, 2930, 1559, blob and set-code transactions) through
/// the same decoder and rules, against each fixture's sender.
#[test]
fn eest_state_test_transactions() {
    let dirs: Vec<_> = zkevm_cli::txtest::EEST_SUITES
        .iter()
        .map(|s| zkevm_fixtures::require(s).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    let run = zkevm_cli::txtest::state_test_txs(&dirs).unwrap_or_else(|e| panic!("{e}"));
    for line in run.tally.failures.iter().take(50) {
        println!("FAIL {line}");
    }
    let limits = run
        .skips
        .iter()
        .filter(|s| s.contains("device limit"))
        .count();
    for line in run.skips.iter().filter(|s| s.contains("device limit")) {
        println!("skip {line}");
    }
    println!(
        "EEST state-test transactions: {} ({limits} over a device limit, listed; {} with a state- or block-dependent exception)",
        run.tally.summary(),
        run.skips.len() - limits
    );
    assert!(
        run.tally.passed > 3_000,
        "too few cases ran: {}",
        run.tally.passed
    );
    assert_eq!(run.tally.failed, 0, "failures (see above)");
}
