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
