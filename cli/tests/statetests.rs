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

#[test]
fn osaka_eest_state_tests() {
    let s = run(EEST_SUITES, Spec::Osaka);
    assert!(s.passed > 4_000, "too few cases ran: {}", s.passed);
    assert_eq!(s.failed, 0, "state-test failures (see above)");
}
