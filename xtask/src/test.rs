//! `cargo xtask test`: every check the project has, one summary, non-zero on any failure.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

use zkevm_tests::cross::cargo_for;
use zkevm_tests::workspace_root;

/// Library crates that must build without `std` for the thumb targets.
const NO_STD_CRATES: [&str; 6] = [
    "protocol",
    "evm-core",
    "evm-state",
    "evm-trace",
    "verifier",
    "wallet",
];

/// The test that runs the shared GeneralStateTests (its own step, so its
/// `N passed, M failed, K skipped` line is shown).
const STATE_TESTS: &str = "cancun_general_state_tests";

/// The test that runs the shared TransactionTests through the wallet decoder
/// (its own step, for the same reason).
const TX_TESTS: &str = "transaction_tests";
/// The test that runs the execution-spec-tests state tests under Osaka (its own step too).
const EEST_STATE_TESTS: &str = "osaka_eest_state_tests";

/// Where the harness builds the QEMU firmware (release).
const FIRMWARE_TARGET_DIR: &str = zkevm_tests::cross::FIRMWARE_TARGET_DIR;

/// Targets every no_std crate is built for.
const NO_STD_TARGETS: [&str; 2] = ["thumbv7em-none-eabihf", "thumbv6m-none-eabi"];

struct StepResult {
    name: String,
    ok: bool,
    seconds: f64,
    tests: Option<TestCount>,
    /// The last `N passed, M failed, K skipped` line a fixture runner printed.
    cases: Option<String>,
}

#[derive(Default, Clone, Copy)]
struct TestCount {
    passed: u64,
    failed: u64,
    ignored: u64,
}

fn cargo(args: &[&str]) -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(workspace_root()).args(args);
    cmd
}

/// `cargo test` of the host's package set (the workspace without
/// `zkevm-tests`), the test binaries given `filter`.
fn host_tests(filter: &[&str]) -> Command {
    let mut cmd = cargo(&["test", "--workspace", "--exclude", "zkevm-tests", "--"]);
    cmd.args(filter);
    cmd
}

/// Parse libtest's `test result: ok. 3 passed; 0 failed; 1 ignored; ...` line.
fn parse_result_line(line: &str, count: &mut TestCount) {
    let Some(rest) = line.trim().strip_prefix("test result: ") else {
        return;
    };
    for part in rest.split(';') {
        let words: Vec<&str> = part.split_whitespace().collect();
        let (number, label) = match words.as_slice() {
            [_, n, l] | [n, l] => (n, l),
            _ => continue,
        };
        let Ok(n) = number.parse::<u64>() else {
            continue;
        };
        match *label {
            "passed" => count.passed += n,
            "failed" => count.failed += n,
            "ignored" => count.ignored += n,
            _ => {}
        }
    }
}

/// A fixture runner's closing line: `N passed, M failed, K skipped…`.
fn is_cases_line(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    matches!(
        words.as_slice(),
        [n, "passed,", m, "failed,", k, "skipped", ..]
            if [n, m, k].iter().all(|w| w.parse::<u64>().is_ok())
    )
}

fn run_step(name: &str, mut cmd: Command, count_tests: bool) -> StepResult {
    println!("\n=== {name}");
    let started = Instant::now();
    let mut cases = None;
    let (ok, tests) = if count_tests {
        cmd.stdout(Stdio::piped());
        match cmd.spawn() {
            Ok(mut child) => {
                let mut count = TestCount::default();
                if let Some(out) = child.stdout.take() {
                    for line in BufReader::new(out).lines().map_while(Result::ok) {
                        println!("{line}");
                        parse_result_line(&line, &mut count);
                        if is_cases_line(&line) {
                            cases = Some(line.trim().to_owned());
                        }
                    }
                }
                (child.wait().is_ok_and(|s| s.success()), Some(count))
            }
            Err(e) => {
                println!("cannot start: {e}");
                (false, None)
            }
        }
    } else {
        (cmd.status().is_ok_and(|s| s.success()), None)
    };
    StepResult {
        name: name.to_owned(),
        ok,
        seconds: started.elapsed().as_secs_f64(),
        tests,
        cases,
    }
}

/// Crates whose tests also run on the 32-bit host: the no_std libraries and
/// the firmware's host-testable modules (the devices are 32-bit; a `usize`
/// that wraps there does not on x86-64).
const TESTED_32BIT: [&str; 6] = [
    "protocol",
    "evm-core",
    "evm-state",
    "evm-trace",
    "wallet",
    "firmware",
];

fn cargo_32bit_tests() -> Command {
    let mut cmd = cargo(&["test", "--target", crate::setup::HOST_32BIT_TARGET]);
    for krate in TESTED_32BIT {
        cmd.args(["--package", krate]);
    }
    // Unit, property and integration tests; no doctests (they need a
    // 32-bit rustdoc run of their own and test no arithmetic).
    cmd.args(["--lib", "--tests"]);
    cmd
}

/// Run every check and print the summary.
pub fn run() -> Result<(), String> {
    let mut steps = vec![
        run_step("format", cargo(&["fmt", "--all", "--", "--check"]), false),
        run_step(
            "clippy (host, all targets)",
            cargo(&[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]),
            false,
        ),
        run_step(
            "unit, property and fixture tests (host)",
            host_tests(&[
                "--skip",
                STATE_TESTS,
                "--skip",
                TX_TESTS,
                "--skip",
                EEST_STATE_TESTS,
            ]),
            true,
        ),
        run_step(
            "Ethereum transaction tests, newest fork of each (host)",
            // Same package set again: nothing is rebuilt.
            host_tests(&["--exact", TX_TESTS, "--nocapture"]),
            true,
        ),
        run_step(
            "Ethereum state tests, fork Cancun (host)",
            // Same package set as the step before, so nothing is rebuilt with
            // other features; the filter leaves only the state tests to run.
            host_tests(&["--exact", STATE_TESTS, "--nocapture"]),
            true,
        ),
        run_step(
            "Ethereum execution-spec state tests, fork Osaka (host)",
            host_tests(&["--exact", EEST_STATE_TESTS, "--nocapture"]),
            true,
        ),
        run_step(
            "unit and property tests, 32-bit host (i686)",
            cargo_32bit_tests(),
            true,
        ),
        run_step(
            "QEMU integration tests",
            cargo(&["test", "--package", "zkevm-tests"]),
            true,
        ),
    ];

    let mut clippy_device = cargo_for("thumbv7em-none-eabihf", "clippy");
    clippy_device.args(["--package", "firmware", "--target-dir", "target/thumb"]);
    clippy_device.args(["--", "-D", "warnings"]);
    steps.push(run_step(
        "clippy (firmware, device code)",
        clippy_device,
        false,
    ));

    for target in NO_STD_TARGETS {
        let mut build = cargo_for(target, "build");
        build.args(["--target-dir", "target/thumb"]);
        for krate in NO_STD_CRATES {
            build.args(["--package", krate]);
        }
        steps.push(run_step(
            &format!("no_std build for {target}"),
            build,
            false,
        ));
    }

    let mut board = cargo_for("thumbv7em-none-eabihf", "build");
    board.args([
        "--package",
        "firmware",
        "--profile",
        "board",
        "--no-default-features",
        "--features",
        "board-nrf52840",
    ]);
    // Same target dir as the QEMU firmware; the `board` profile (release at
    // opt-level "s", to fit the 1 MiB flash) compiles its own dependencies.
    board.args(["--target-dir", FIRMWARE_TARGET_DIR]);
    steps.push(run_step("firmware build for nRF52840", board, false));

    // Every fuzz target briefly (the regressions replayed first), through
    // this same binary's `fuzz` command.
    let mut fuzz = Command::new(std::env::current_exe().unwrap_or_else(|_| "xtask".into()));
    fuzz.current_dir(workspace_root()).args([
        "fuzz",
        "--seconds",
        &crate::fuzz::TEST_SECONDS.to_string(),
    ]);
    steps.push(run_step(
        &format!(
            "fuzz ({} targets, {} s each)",
            crate::fuzz::TARGETS.len(),
            crate::fuzz::TEST_SECONDS
        ),
        fuzz,
        false,
    ));

    println!("\n=== summary");
    let mut total = TestCount::default();
    for step in &steps {
        let tests = step.tests.map_or(String::new(), |t| {
            total.passed += t.passed;
            total.failed += t.failed;
            total.ignored += t.ignored;
            format!(
                " ({} passed, {} failed, {} ignored)",
                t.passed, t.failed, t.ignored
            )
        });
        let verdict = if step.ok { "ok  " } else { "FAIL" };
        println!("{verdict} {:>7.1}s  {}{tests}", step.seconds, step.name);
        if let Some(cases) = &step.cases {
            println!("               cases: {cases}");
        }
    }
    println!(
        "tests: {} passed, {} failed, {} skipped",
        total.passed, total.failed, total.ignored
    );
    let failed: Vec<&str> = steps
        .iter()
        .filter(|s| !s.ok)
        .map(|s| s.name.as_str())
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("failed: {}", failed.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_libtest_result_lines() {
        let mut count = TestCount::default();
        parse_result_line(
            "test result: ok. 11 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.01s",
            &mut count,
        );
        parse_result_line(
            "test result: FAILED. 1 passed; 3 failed; 0 ignored; 0 measured",
            &mut count,
        );
        parse_result_line("running 3 tests", &mut count);
        assert_eq!((count.passed, count.failed, count.ignored), (12, 3, 2));
    }

    #[test]
    fn recognises_fixture_runner_closing_lines() {
        assert!(is_cases_line("18690 passed, 0 failed, 2 skipped in 88.1 s"));
        assert!(is_cases_line("26 passed, 0 failed, 0 skipped"));
        assert!(!is_cases_line("test result: ok. 3 passed; 0 failed"));
        assert!(!is_cases_line("many passed, 0 failed, 0 skipped"));
    }
}
