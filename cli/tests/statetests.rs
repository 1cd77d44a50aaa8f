//! Runs the shared Ethereum state tests (fork Cancun) and fails on any failure not in the skip list.

use zkevm_cli::statetest::{default_threads, run_paths, SKIPS, SUITES};

#[test]
fn cancun_general_state_tests() {
    // Missing fixtures fail the test with how to get them.
    let paths: Vec<_> = SUITES
        .iter()
        .map(|s| zkevm_fixtures::require(s).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    let start = std::time::Instant::now();
    let s = run_paths(&paths, default_threads());
    for line in &s.failures {
        println!("{line}");
    }
    for (pattern, reason) in SKIPS {
        println!("skip {pattern}: {reason}");
    }
    println!(
        "{} passed, {} failed, {} skipped in {:.1} s",
        s.passed,
        s.failed,
        s.skipped,
        start.elapsed().as_secs_f64()
    );
    assert!(s.passed > 18_000, "too few cases ran: {}", s.passed);
    assert_eq!(s.failed, 0, "state-test failures (see above)");
}
