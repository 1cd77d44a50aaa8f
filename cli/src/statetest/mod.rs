//! Runner for Ethereum state tests (GeneralStateTests and execution-spec-tests fixtures): case execution and checks.
//!
//! `zkevm statetest [--fork F] <files|dirs>` runs every `post.<F>` case of
//! every file (default: per test, the newest of Cancun, Prague and Osaka it
//! has), prints one line per failure and skip and closes with
//! `N passed, M failed, K skipped`. Each case is run under that fork's rules
//! ([`Spec`]) with the file's `config.blobSchedule` and `config.chainid`, and
//! checks the post-state root, the logs hash and the kind of rejection. The
//! same functions back `cli/tests/statetests.rs`, which runs the shared
//! fixtures under `cargo test`.

mod decode;
mod exceptions;
mod fixture;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use evm_core::{BlobParams, BlockEnv, Error, Evm, HeapBuffers, Limits, Spec, State, TxEnv, B256};
use evm_state::memory::InMemoryState;

pub use decode::{decode_cases, DecodedAccount, DecodedCase};
pub use exceptions::exception_matches;
pub use fixture::hex_bytes;
use fixture::{build_pre, hex_fixed, hex_u64, to_hex, with_tx, PostCase, Test, TestFile};

/// Test-suite directories (relative to the fixtures directory) run by default (fork Cancun).
pub const SUITES: &[&str] = &[
    "ethereum-legacytests/Cancun/GeneralStateTests",
    "ethereum-tests/GeneralStateTests",
];

/// The execution-spec-tests state tests, filled for fork Osaka (relative to the fixtures directory).
pub const EEST_SUITES: &[&str] = &["eest/state_tests"];

/// Cases not run, each with its reason: `(file stem or test name, reason)`.
/// A pattern matches a test when it equals the test name or the file stem.
pub const SKIPS: &[(&str, &str)] = &[(
    "static_Call1MB1024Calldepth",
    "device limit: case d=1 keeps 1024 nested frames with 1 MB of EVM memory each \
     (about 1 GiB at once, 882 G gas); the host configuration caps the shared memory \
     arena at 256 MiB, so the transaction ends in a memory capacity error",
)];

/// keccak256(rlp([[address, [topics...], data], ...])) of the logs of the last transaction.
pub fn logs_hash<S: State, T: evm_core::Tracer>(evm: &Evm<'_, S, T>) -> B256 {
    use evm_state::rlp::{put_bytes, put_list_header};
    let mut items = Vec::new();
    for (a, topics, data) in evm.logs() {
        let mut t = Vec::new();
        for topic in topics {
            let _ = put_bytes(&mut t, topic);
        }
        let mut item = Vec::new();
        let _ = put_bytes(&mut item, a);
        let _ = put_list_header(&mut item, t.len());
        item.extend_from_slice(&t);
        let _ = put_bytes(&mut item, data);
        let _ = put_list_header(&mut items, item.len());
        items.extend_from_slice(&item);
    }
    let mut out = Vec::new();
    let _ = put_list_header(&mut out, items.len());
    out.extend_from_slice(&items);
    evm_core::evm::keccak256(&out)
}

/// Computes the post-state root of a state.
pub type RootFn = fn(&InMemoryState) -> Result<B256, String>;

/// Post-state root with evm-state's trie.
pub fn state_root(state: &InMemoryState) -> Result<B256, String> {
    state
        .try_state_root()
        .map_err(|e| format!("state root: {e:?}"))
}

/// Outcome counts of a run.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Cases that matched.
    pub passed: usize,
    /// Cases that did not match (one line each in `failures`).
    pub failed: usize,
    /// Cases skipped (see [`SKIPS`]).
    pub skipped: usize,
    /// One line per failure.
    pub failures: Vec<String>,
    /// One line per skipped test, with its reason.
    pub skips: Vec<String>,
}

/// The reason `test` of `file` is skipped, if it is.
pub fn skip_reason(file: &Path, test: &str) -> Option<&'static str> {
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    SKIPS
        .iter()
        .find(|(p, _)| *p == test || *p == stem)
        .map(|(_, r)| *r)
}

/// Collects `.json` files under `paths` (files or directories), sorted.
pub fn collect_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = paths.to_vec();
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            if let Ok(rd) = std::fs::read_dir(&p) {
                for e in rd.flatten() {
                    stack.push(e.path());
                }
            }
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The fork a test runs under and its cases: `fork` when given (none if the
/// test lacks it), else the newest of Cancun, Prague and Osaka the test has.
fn pick_fork(test: &Test, fork: Option<Spec>) -> Option<(Spec, &[PostCase])> {
    match fork {
        Some(f) => test.post.get(f.name()).map(|c| (f, c.as_slice())),
        None => Spec::ALL
            .iter()
            .rev()
            .find_map(|f| test.post.get(f.name()).map(|c| (*f, c.as_slice()))),
    }
}

/// The blob schedule of `spec` from the test's `config.blobSchedule`, else the spec's own.
fn blob_params(test: &Test, spec: Spec) -> Result<BlobParams, String> {
    let entry = test
        .config
        .as_ref()
        .and_then(|c| c.blob_schedule.as_ref())
        .and_then(|b| b.get(spec.name()));
    match entry {
        Some(e) => Ok(BlobParams {
            target: hex_u64(&e.target)?,
            max: hex_u64(&e.max)?,
            update_fraction: hex_u64(&e.base_fee_update_fraction)?,
        }),
        None => Ok(spec.blob_params()),
    }
}

/// Runs every case of `file` for `fork` (see [`pick_fork`]), adding to `summary`.
pub fn run_file(
    file: &Path,
    fork: Option<Spec>,
    root: Option<RootFn>,
    bufs: &mut HeapBuffers,
    summary: &mut Summary,
) {
    let name = file.display().to_string();
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            summary.failed += 1;
            summary.failures.push(format!("{name}: cannot read: {e}"));
            return;
        }
    };
    let parsed: TestFile = match serde_json::from_str(&text) {
        Ok(t) => t,
        Err(e) => {
            summary.failed += 1;
            summary.failures.push(format!("{name}: cannot parse: {e}"));
            return;
        }
    };
    for (test_name, test) in &parsed.0 {
        let Some((spec, cases)) = pick_fork(test, fork) else {
            continue;
        };
        if let Some(reason) = skip_reason(file, test_name) {
            summary.skipped += cases.len();
            summary.skips.push(format!(
                "skip {name} {test_name} ({} cases): {reason}",
                cases.len()
            ));
            continue;
        }
        let pre = match build_pre(test).and_then(|p| Ok((p, blob_params(test, spec)?))) {
            Ok(p) => p,
            Err(e) => {
                summary.failed += cases.len();
                summary
                    .failures
                    .push(format!("{name} {test_name}: bad pre-state: {e}"));
                continue;
            }
        };
        let (pre, blob) = pre;
        for case in cases {
            let ix = &case.indexes;
            let label = format!(
                "{name} {test_name} [d={} g={} v={}]",
                ix.data, ix.gas, ix.value
            );
            match run_case(test, &pre, case, (spec, blob), root, bufs) {
                Ok(()) => summary.passed += 1,
                Err(msg) => {
                    summary.failed += 1;
                    summary.failures.push(format!("{label}: {msg}"));
                }
            }
        }
    }
}

fn run_case(
    test: &Test,
    pre: &InMemoryState,
    case: &PostCase,
    rules: (Spec, BlobParams),
    root: Option<RootFn>,
    bufs: &mut HeapBuffers,
) -> Result<(), String> {
    let expect_exc = case.expect_exception.as_deref();
    let checked = with_tx(test, &case.indexes, |block, tx| {
        check_case(pre, case, rules, root, bufs, block, tx)
    })?;
    match checked {
        Ok(r) => r,
        Err(e) => match expect_exc {
            Some(_) => Ok(()),
            None => Err(format!("unparsable transaction: {e}")),
        },
    }
}

fn check_case(
    pre: &InMemoryState,
    case: &PostCase,
    (spec, blob): (Spec, BlobParams),
    root: Option<RootFn>,
    bufs: &mut HeapBuffers,
    block: &BlockEnv,
    tx: &TxEnv<'_>,
) -> Result<(), String> {
    let expect_exc = case.expect_exception.as_deref();
    let mut evm = Evm::new(pre, bufs.buffers());
    evm.set_spec(spec);
    evm.set_blob_params(blob);
    let start = std::time::Instant::now();
    let result = evm.transact(block, tx);
    if std::env::var_os("ZKEVM_TIME").is_some() {
        let ix = &case.indexes;
        println!(
            "time [d={} g={} v={}]: {:.3} ms",
            ix.data,
            ix.gas,
            ix.value,
            start.elapsed().as_secs_f64() * 1e3
        );
    }
    match (result, expect_exc) {
        (Err(Error::InvalidTx(e)), Some(exc)) => {
            return if exception_matches(exc, &e) {
                Ok(())
            } else {
                Err(format!("expected exception {exc}, rejected with: {e:?}"))
            };
        }
        (Err(Error::InvalidTx(e)), None) => return Err(format!("rejected: {e}")),
        (Err(e), _) => return Err(format!("error: {e}")),
        (Ok(out), Some(exc)) => {
            return Err(format!(
                "expected exception {exc}, got {:?} (gas {})",
                out.status, out.gas_used
            ))
        }
        (Ok(_), None) => {}
    }
    let got_logs = logs_hash(&evm);
    let want_logs = hex_fixed::<32>(&case.logs)?;
    let mut post = pre.clone();
    post.apply_changes(evm.changes(), evm.storage_changes());
    if got_logs != want_logs {
        return Err(format!(
            "logs hash: expected {}, got {}",
            case.logs,
            to_hex(&got_logs)
        ));
    }
    if let Some(root_fn) = root {
        let got = root_fn(&post)?;
        let want = hex_fixed::<32>(&case.hash)?;
        if got != want {
            return Err(format!(
                "state root: expected {}, got {}",
                case.hash,
                to_hex(&got)
            ));
        }
    }
    Ok(())
}

/// One case of a state-test file, as handed to [`for_each_case`].
#[derive(Debug, Clone, Copy)]
pub struct CaseInfo<'a> {
    /// Test name (the key in the file).
    pub test: &'a str,
    /// `[data, gas, value]` indexes.
    pub index: [usize; 3],
    /// The exception the fixture expects, if the transaction is invalid.
    pub expect_exception: Option<&'a str>,
    /// The expected post-state root (hex).
    pub post_hash: &'a str,
}

/// Calls `f` with the pre-state, block and transaction of every Cancun case
/// of `file` (only the cases with indexes `index` when given), skipping cases
/// listed in [`SKIPS`] and transactions whose fields do not fit their types.
/// Returns how many cases `f` saw.
pub fn for_each_case(
    file: &Path,
    index: Option<[usize; 3]>,
    f: impl FnMut(&CaseInfo<'_>, &InMemoryState, &BlockEnv, &TxEnv<'_>),
) -> Result<usize, String> {
    for_each_case_at(file, Spec::Cancun, index, f)
}

/// As [`for_each_case`], for the `post.<fork>` cases of `file`.
pub fn for_each_case_at(
    file: &Path,
    fork: Spec,
    index: Option<[usize; 3]>,
    mut f: impl FnMut(&CaseInfo<'_>, &InMemoryState, &BlockEnv, &TxEnv<'_>),
) -> Result<usize, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let parsed: TestFile =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut seen = 0;
    for (test_name, test) in &parsed.0 {
        let Some(cases) = test.post.get(fork.name()) else {
            continue;
        };
        if skip_reason(file, test_name).is_some() {
            continue;
        }
        let pre = build_pre(test)?;
        for case in cases {
            let ix = &case.indexes;
            let i = [ix.data, ix.gas, ix.value];
            if index.is_some_and(|want| want != i) {
                continue;
            }
            let info = CaseInfo {
                test: test_name,
                index: i,
                expect_exception: case.expect_exception.as_deref(),
                post_hash: &case.hash,
            };
            if with_tx(test, ix, |block, tx| f(&info, &pre, block, tx))?.is_ok() {
                seen += 1;
            }
        }
    }
    Ok(seen)
}

/// The post-state root function in use.
pub fn default_root() -> Option<RootFn> {
    Some(state_root)
}

/// Runs all files under `paths` on `threads` worker threads (files dealt
/// round-robin), each test under the newest fork it has.
pub fn run_paths(paths: &[PathBuf], threads: usize) -> Summary {
    run_paths_fork(paths, None, threads)
}

/// Runs all files under `paths` for `fork` (`None`: each test's newest) on `threads` threads.
pub fn run_paths_fork(paths: &[PathBuf], fork: Option<Spec>, threads: usize) -> Summary {
    let files = collect_files(paths);
    let threads = threads.clamp(1, 16);
    let root = default_root();
    let parts: Vec<Summary> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let files = &files;
                std::thread::Builder::new()
                    .stack_size(16 << 20)
                    .spawn_scoped(scope, move || {
                        let mut bufs = HeapBuffers::new(&Limits::HOST);
                        let mut summary = Summary::default();
                        for f in files.iter().skip(t).step_by(threads) {
                            run_file(f, fork, root, &mut bufs, &mut summary);
                        }
                        summary
                    })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| match h {
                Ok(h) => h.join().unwrap_or_else(|_| Summary {
                    failed: 1,
                    failures: vec!["a runner thread panicked".into()],
                    ..Summary::default()
                }),
                Err(e) => Summary {
                    failed: 1,
                    failures: vec![format!("cannot spawn a runner thread: {e}")],
                    ..Summary::default()
                },
            })
            .collect()
    });
    let mut total = Summary::default();
    for p in parts {
        total.passed += p.passed;
        total.failed += p.failed;
        total.skipped += p.skipped;
        total.failures.extend(p.failures);
        total.skips.extend(p.skips);
    }
    total.failures.sort();
    total.skips.sort();
    total
}

/// Worker threads: `$ZKEVM_THREADS`, else the available parallelism.
pub fn default_threads() -> usize {
    std::env::var("ZKEVM_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1)
}

/// `zkevm statetest` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The fork to run each test under: Cancun, Prague or Osaka
    /// (case-insensitive; default: each test's newest).
    #[arg(long, value_parser = parse_fork)]
    pub fork: Option<Spec>,
    /// State-test files or directories (default: the shared GeneralStateTests suites).
    #[arg(value_name = "files|dirs")]
    pub paths: Vec<PathBuf>,
}

fn parse_fork(v: &str) -> Result<Spec, String> {
    Spec::from_name(v).ok_or_else(|| format!("unknown fork {v:?} (known: Cancun, Prague, Osaka)"))
}

/// `zkevm statetest` on string arguments.
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    match crate::args::parse::<Args>("statetest", args)? {
        Ok(a) => run_args(a),
        Err(code) => Ok(code),
    }
}

/// `zkevm statetest [--fork F] <files|dirs>`: runs the state tests and prints
/// failures, skips and totals. Without paths, the GeneralStateTests suites
/// ([`SUITES`]) of the shared fixtures.
pub fn run_args(args: Args) -> Result<ExitCode, String> {
    let fork = args.fork;
    let rest = args.paths;
    let paths: Vec<PathBuf> = if rest.is_empty() {
        let dir = zkevm_fixtures::dir();
        if !dir.exists() {
            return Err(format!(
                "no paths given and fixtures not found at {} (set {} or run scripts/fetch-fixtures.sh)",
                dir.display(),
                zkevm_fixtures::ENV
            ));
        }
        SUITES.iter().map(|s| dir.join(s)).collect()
    } else {
        rest
    };
    let summary = run_paths_fork(&paths, fork, default_threads());
    print_summary(&summary);
    Ok(if summary.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Prints a run's failures, skips (each with its reason) and the closing
/// `N passed, M failed, K skipped` line.
pub fn print_summary(summary: &Summary) {
    for line in &summary.failures {
        println!("{line}");
    }
    for line in &summary.skips {
        println!("{line}");
    }
    println!(
        "{} passed, {} failed, {} skipped",
        summary.passed, summary.failed, summary.skipped
    );
}

#[cfg(test)]
mod tests {
    use super::fixture::hex_u256;
    use super::*;
    use evm_core::{InvalidTx, U256};

    #[test]
    fn hex_parsing() {
        assert_eq!(hex_bytes("0x").unwrap(), Vec::<u8>::new());
        assert_eq!(hex_bytes("0x1").unwrap(), vec![1]);
        assert_eq!(hex_u256("0x0100").unwrap(), U256::from(256));
        assert!(hex_u64("0x10000000000000000").is_err());
        assert_eq!(hex_fixed::<2>("0x01").unwrap(), [0, 1]);
    }

    #[test]
    fn exception_names() {
        assert!(exception_matches(
            "TransactionException.INTRINSIC_GAS_TOO_LOW",
            &InvalidTx::IntrinsicGasTooLow {
                got: 1,
                expected: 2
            }
        ));
        assert!(!exception_matches("TR_NoFunds", &InvalidTx::SenderHasCode));
        assert!(exception_matches(
            "TransactionException.TYPE_3_TX_PRE_FORK|TransactionException.TYPE_3_TX_ZERO_BLOBS",
            &InvalidTx::BlobCount
        ));
        assert!(exception_matches("SomethingNew", &InvalidTx::BlobCount));
        // Execution-spec-tests names are strict: unknown or other kinds do not match.
        assert!(!exception_matches(
            "TransactionException.SOMETHING_NEW",
            &InvalidTx::BlobCount
        ));
        assert!(!exception_matches(
            "TransactionException.INTRINSIC_GAS_TOO_LOW",
            &InvalidTx::FloorGasTooLow {
                got: 1,
                expected: 2
            }
        ));
        assert!(exception_matches(
            "TransactionException.INTRINSIC_GAS_BELOW_FLOOR_GAS_COST",
            &InvalidTx::FloorGasTooLow {
                got: 1,
                expected: 2
            }
        ));
        assert!(exception_matches(
            "TransactionException.GAS_LIMIT_EXCEEDS_MAXIMUM",
            &InvalidTx::GasLimitAboveCap
        ));
        assert!(exception_matches(
            "TransactionException.TYPE_4_EMPTY_AUTHORIZATION_LIST",
            &InvalidTx::EmptyAuthorizationList
        ));
    }

    #[test]
    fn fork_flag() {
        assert!(run(&["--fork".into(), "Shanghai".into()]).is_err());
        assert!(run(&["--fork".into()]).is_err());
    }

    #[test]
    fn empty_logs_hash() {
        assert_eq!(
            to_hex(&evm_core::evm::keccak256(&[0xc0])),
            "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347"
        );
    }
}
