//! Runs the shared Ethereum state tests (GeneralStateTests under Cancun, the
//! execution-spec tests under Osaka) and fails on any failure not expected.

use evm_core::Spec;
use zkevm_cli::statetest::Summary;
use zkevm_cli::statetest::{
    default_threads, print_summary, run_paths_fork, EEST_SUITES, SKIPS, SUITES,
};

#[allow(clippy::panic)] // a missing fixture fails the test
fn run(suites: &[&str], fork: Spec) -> Summary {
    // Missing fixtures fail the test with how to get them.
    let paths: Vec<_> = suites
        .iter()
        .map(|s| zkevm_fixtures::require(s).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    let start = std::time::Instant::now();
    let s = run_paths_fork(&paths, Some(fork), default_threads());
    print_summary(&s);
    for (pattern, reason) in SKIPS {
        println!("skip pattern {pattern}: {reason}");
    }
    println!(
        "{} passed, {} failed, {} skipped in {:.1} s (fork {fork})",
        s.passed,
        s.failed,
        s.skipped,
        start.elapsed().as_secs_f64()
    );
    s
}

#[test]
fn cancun_general_state_tests() {
    let s = run(SUITES, Spec::Cancun);
    assert!(s.passed > 18_000, "too few cases ran: {}", s.passed);
    assert_eq!(s.failed, 0, "state-test failures (see above)");
}

/// The BLS12-381 precompiles (EIP-2537) are not in this build yet: their
/// cases end in `PrecompileUnavailable`, and are the only failures allowed.
const BLS_GROUP: &str = "eip2537_bls_12_381_precompiles";

#[test]
fn osaka_eest_state_tests() {
    let s = run(EEST_SUITES, Spec::Osaka);
    let bls = s
        .failures
        .iter()
        .filter(|l| l.contains(BLS_GROUP) && l.contains("not in this build"))
        .count();
    println!("of the failures, {bls} in {BLS_GROUP} (precompiles not in this build)");
    assert!(s.passed > 3_000, "too few cases ran: {}", s.passed);
    assert_eq!(s.failed - bls, 0, "state-test failures (see above)");
}
