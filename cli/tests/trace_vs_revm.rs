//! Differential test: our EIP-3155 trace against revm's `TracerEip3155`, line by line and
//! field by field, on a few cases from every state-test fixture directory (and,
//! behind `--ignored`, on every valid case of every file).
//!
//! Fields compared: `pc`, `op`, `gas`, `gasCost`, `memSize`, `stack`, `depth`,
//! `refund`, `opName`, `error` (presence always; the name where both sides
//! have one, see `ERROR_ALIASES`), and the summary's `pass` and `output`.
//! Not compared (legitimate differences, see evm-trace/README.md):
//! `returnData` (both print "0x" today), the summary's `stateRoot` (revm
//! prints zero) and `gasUsed` (revm: before refunds; ours: charged to the
//! sender, after refunds).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use evm_core::revm_bridge::{insert_account, revm_context, Db};
use evm_core::{BlockEnv, Evm, HeapBuffers, Limits, Spec, Step, Tracer, TxEnv};
use evm_state::InMemoryState;
use evm_trace::eip3155::Eip3155;
use evm_trace::{Commitment, RowReader, TraceWriter};
use revm::inspector::inspectors::TracerEip3155;
use revm::{InspectEvm, MainBuilder};
use serde_json::Value;
use zkevm_cli::statetest::{collect_files, for_each_case_at};

/// The suites compared and the fork both sides run them under (revm at the
/// matching `SpecId`, see `evm_core::revm_bridge::spec_id`): the Cancun
/// suites under Cancun, the execution-spec tests (Prague and Osaka features:
/// CLZ, type-4 transactions, delegations, the new precompiles) under Osaka.
/// The Cancun suites are not run at Osaka: their gas limits mostly exceed
/// EIP-7825's cap of 2^24, so most of them would end before the first step.
const SUITES: &[(&str, Spec)] = &[
    (
        "ethereum-legacytests/Cancun/GeneralStateTests",
        Spec::Cancun,
    ),
    ("ethereum-tests/GeneralStateTests", Spec::Cancun),
    ("eest/state_tests", Spec::Osaka),
];
/// Fixture files taken from each directory (the first ones, sorted by name).
const FILES_PER_DIR: usize = 2;
/// Tests taken from each file (Pyspecs files hold hundreds of near-identical ones).
const TESTS_PER_FILE: usize = 3;
/// Cases whose trace is longer are left out (keeps the test quick).
const MAX_STEPS: u64 = 20_000;
/// Error names that differ only in spelling: (ours, revm's).
const ERROR_ALIASES: &[(&str, &str)] = &[
    ("OutOfGas", "MemoryOOG"),
    ("OutOfGas", "MemoryLimitOOG"),
    ("OutOfGas", "InvalidOperandOOG"),
    ("OutOfGas", "PrecompileOOG"),
    // SSTORE with at most 2300 gas left (EIP-2200's sentry).
    ("OutOfGas", "ReentrancySentryOOG"),
    ("StateChangeDuringStaticCall", "CallNotAllowedInsideStatic"),
    // A byte revm knows as a later fork's opcode (CLZ, SLOTNUM, DUPN, SWAPN,
    // EXCHANGE): for a Cancun EVM it is undefined.
    ("OpcodeNotFound", "NotActivated"),
];

/// What revm 43 prints in `error` on the step that ends a frame successfully
/// (its `InstructionResult`): not an error, ours prints none.
const REVM_SUCCESS: &[&str] = &["Stop", "Return", "SelfDestruct"];

/// A step that fails two checks at once: which error is named depends on the
/// order of the checks. Ours pop operands before charging memory or checking
/// for a static call, and SELFDESTRUCT charges gas before its static-call
/// check (the execution specs' order); a CREATE whose size is both over the
/// initcode limit and beyond 64 bits is named by the limit here, by the
/// operand overflow in revm. Both halt the frame the same way (all gas
/// gone), so these pairs (ours, revm's) are accepted.
const ERROR_ORDER: &[(&str, &str)] = &[
    ("StackUnderflow", "StateChangeDuringStaticCall"),
    ("StackUnderflow", "MemoryOOG"),
    ("StackUnderflow", "InvalidOperandOOG"),
    ("OutOfGas", "StateChangeDuringStaticCall"),
    ("CreateInitCodeSizeLimit", "InvalidOperandOOG"),
];

/// Tests left out, with the reason.
const LEFT_OUT: &[(&str, &str)] = &[
    (
        "CALLBlake2f_MaxRounds",
        "one BLAKE2F call with 2^32-1 rounds: minutes in the test profile, 20 trace lines",
    ),
    (
        "FailedCreateRevertsDeletionParis",
        "EIP-7610 (CREATE onto an address with storage collides): evm-core applies it as the \
         fixture expects, revm 14 predates it and runs the init code",
    ),
    ("dynamicAccountOverwriteEmpty_Paris", "EIP-7610, as above"),
    ("InitCollisionParis", "EIP-7610, as above"),
    ("RevertInCreateInInit_Paris", "EIP-7610, as above"),
];

#[derive(Clone, Default)]
struct Shared(Rc<RefCell<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

struct Count(u64);
impl Tracer for Count {
    fn step(&mut self, _: &Step<'_>) {
        self.0 += 1;
    }
}

fn revm_trace(spec: Spec, pre: &InMemoryState, block: &BlockEnv, tx: &TxEnv<'_>) -> Vec<u8> {
    let mut db = Db::default();
    for (a, x) in pre.accounts() {
        let code = pre.code_by_hash(&x.info.code_hash).unwrap_or_default();
        insert_account(
            &mut db,
            spec,
            a,
            x.info.nonce,
            &x.info.balance,
            code,
            &x.storage,
        );
    }
    let out = Shared::default();
    let (ctx, rtx) = revm_context(spec, db, block, tx);
    let mut evm = ctx.build_mainnet_with_inspector(TracerEip3155::new(Box::new(out.clone())));
    let _ = evm.inspect_tx(rtx);
    drop(evm);
    let v = out.0.borrow().clone();
    v
}

fn num(v: &Value) -> Option<u128> {
    match v {
        Value::Number(n) => n
            .as_u64()
            .map(u128::from)
            .or_else(|| n.as_i64().map(|x| x as u64 as u128)),
        Value::String(s) => match s.strip_prefix("0x") {
            Some(h) => u128::from_str_radix(h, 16).ok(),
            None => s.parse().ok(),
        },
        _ => None,
    }
}

/// Compares one pair of step lines; `Err` describes the first differing field.
fn compare_step(ours: &Value, theirs: &Value) -> Result<(), String> {
    // On a step that halts the frame the gas it "cost" is implementation
    // defined (the frame's gas is gone either way): revm charges the static
    // cost before its stack checks, we check first.
    let revm_error = theirs
        .get("error")
        .and_then(Value::as_str)
        .filter(|e| !REVM_SUCCESS.contains(e));
    let halted = ours.get("error").is_some() || revm_error.is_some();
    for f in ["pc", "op", "gas", "gasCost", "memSize", "depth", "refund"] {
        if halted && f == "gasCost" {
            continue;
        }
        let (a, b) = (num(&ours[f]), num(&theirs[f]));
        if a.is_none() || a != b {
            return Err(format!("{f}: ours {} revm {}", ours[f], theirs[f]));
        }
    }
    if ours["stack"] != theirs["stack"] {
        return Err(format!(
            "stack: ours {} revm {}",
            ours["stack"], theirs["stack"]
        ));
    }
    // Names differ for 0x44 (revm 43: DIFFICULTY) and for bytes that revm
    // names whatever the fork (CLZ, SLOTNUM, DUPN, SWAPN, EXCHANGE) but that
    // are undefined for a Cancun EVM (we omit opName).
    let names = (
        ours.get("opName").and_then(Value::as_str),
        theirs.get("opName").and_then(Value::as_str),
    );
    match names {
        (Some(a), Some(b)) if a != b && (a, b) != ("PREVRANDAO", "DIFFICULTY") => {
            return Err(format!("opName: ours {a} revm {b}"));
        }
        (Some(a), None) => return Err(format!("opName: ours {a} revm none")),
        _ => {}
    }
    match (ours.get("error").and_then(Value::as_str), revm_error) {
        (None, None) => Ok(()),
        (Some(a), Some(b))
            if a == b || ERROR_ALIASES.contains(&(a, b)) || ERROR_ORDER.contains(&(a, b)) =>
        {
            Ok(())
        }
        // revm 43's DUP1-DUP16 name a stack underflow `StackOverflow` (one
        // check for both bounds).
        (Some("StackUnderflow"), Some("StackOverflow"))
            if num(&ours["op"]).is_some_and(|op| (0x80..=0x8f).contains(&op)) =>
        {
            Ok(())
        }
        (a, b) => Err(format!("error: ours {a:?} revm {b:?}")),
    }
}

/// Leaf directories holding state-test files.
fn fixture_dirs(root: &Path) -> BTreeMap<PathBuf, Vec<PathBuf>> {
    let mut dirs: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for f in collect_files(&[root.to_path_buf()]) {
        if let Some(d) = f.parent() {
            dirs.entry(d.to_path_buf()).or_default().push(f);
        }
    }
    dirs
}

/// The representative set run in CI: the first tests of the first files of
/// every fixture directory.
#[test]
fn eip3155_trace_matches_revm() {
    sweep(FILES_PER_DIR, TESTS_PER_FILE, MAX_STEPS);
}

/// Every valid case of every fixture file, up to a million steps each (run
/// with `cargo test -p zkevm-cli --release --test trace_vs_revm -- --ignored --nocapture`).
#[test]
#[ignore = "minutes long: the whole fixture set; run by hand"]
fn every_case_matches_revm() {
    sweep(usize::MAX, usize::MAX, 1_000_000);
}

/// Compare our traces with revm's on `tests_per_file` tests of the first
/// `files_per_dir` files of every directory, leaving out cases over `max_steps`.
#[allow(
    clippy::expect_used,
    clippy::panic,
    reason = "test body shared by two tests"
)]
fn sweep(files_per_dir: usize, tests_per_file: usize, max_steps: u64) {
    // Missing fixtures fail the test with how to get them.
    let roots: Vec<(PathBuf, Spec)> = SUITES
        .iter()
        .map(|&(r, spec)| {
            (
                zkevm_fixtures::require(r).unwrap_or_else(|e| panic!("{e}")),
                spec,
            )
        })
        .collect();
    let start = std::time::Instant::now();
    let mut bufs = HeapBuffers::new(&Limits::HOST);
    let (mut cases, mut lines, mut long, mut dirs_seen) = (0u64, 0u64, 0u64, 0usize);
    let mut row_bytes = 0u64;
    let mut ops = BTreeSet::new();
    let mut failures = Vec::new();
    for (root, spec) in &roots {
        let spec = *spec;
        for (dir, files) in fixture_dirs(root) {
            dirs_seen += 1;
            for file in files.iter().take(files_per_dir) {
                let mut done_tests = BTreeSet::new();
                for_each_case_at(file, spec, None, |info, pre, block, tx| {
                    // One case per test, valid transactions only.
                    if info.expect_exception.is_some()
                        || done_tests.len() >= tests_per_file
                        || !done_tests.insert(info.test.to_string())
                    {
                        return;
                    }
                    if LEFT_OUT.iter().any(|(t, _)| *t == info.test) {
                        return;
                    }
                    let t0 = std::time::Instant::now();
                    let mut evm = Evm::with_tracer(pre, bufs.buffers(), Count(0));
                    evm.set_spec(spec);
                    let _ = evm.transact(block, tx);
                    if evm.tracer_mut().0 > max_steps {
                        long += 1;
                        println!(
                            "long: {} {} ({} steps, {:?})",
                            file.display(),
                            info.test,
                            evm.tracer_mut().0,
                            t0.elapsed()
                        );
                        return;
                    }
                    // The compact rows: one per step, decodable, same commitment.
                    let mut evm =
                        Evm::with_tracer(pre, bufs.buffers(), TraceWriter::new(Vec::new()));
                    evm.set_spec(spec);
                    let _ = evm.transact(block, tx);
                    let w = evm.tracer_mut();
                    assert_eq!(w.error(), None, "{}", info.test);
                    let digest = w.digest();
                    let row_ops: Vec<u8> = RowReader::new(w.sink())
                        .map(|r| r.map(|row| row.op))
                        .collect::<Result<_, _>>()
                        .expect("rows decode");
                    assert_eq!(Commitment::of_stream(w.sink()), Ok(digest));
                    row_bytes += digest.bytes;
                    let mut evm = Evm::with_tracer(pre, bufs.buffers(), Eip3155::new(Vec::new()));
                    evm.set_spec(spec);
                    let status = evm.transact(block, tx).map(|o| o.status);
                    let output = evm.output().to_vec();
                    let ours_text = String::from_utf8(std::mem::take(evm.tracer_mut().writer()))
                        .expect("utf-8");
                    let theirs_text =
                        String::from_utf8(revm_trace(spec, pre, block, tx)).expect("utf-8");
                    cases += 1;
                    if t0.elapsed().as_secs_f64() > 0.5 {
                        println!("slow: {} {} {:?}", file.display(), info.test, t0.elapsed());
                    }
                    let label = format!(
                        "{} {} {:?}",
                        dir.join(file.file_name().unwrap_or_default()).display(),
                        info.test,
                        info.index
                    );
                    let ours: Vec<Value> = ours_text
                        .lines()
                        .map(|l| serde_json::from_str(l).expect("our JSON"))
                        .collect();
                    let mut theirs: Vec<Value> = theirs_text
                        .lines()
                        .map(|l| serde_json::from_str(l).expect("revm JSON"))
                        .collect();
                    let summary = match theirs.last() {
                        Some(v) if v.get("stateRoot").is_some() => theirs.pop(),
                        _ => None,
                    };
                    for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
                        if let Some(op) = num(&a["op"]) {
                            ops.insert(op as u8);
                        }
                        if let Err(e) = compare_step(a, b) {
                            failures
                                .push(format!("{label}: line {i}: {e}\n  ours {a}\n  revm {b}"));
                            return;
                        }
                    }
                    let json_ops: Vec<u8> = ours
                        .iter()
                        .filter_map(|v| num(&v["op"]))
                        .map(|o| o as u8)
                        .collect();
                    assert_eq!(row_ops, json_ops, "{label}: rows and JSON lines differ");
                    lines += ours.len() as u64;
                    if ours.len() != theirs.len() {
                        failures.push(format!(
                            "{label}: {} lines, revm {}",
                            ours.len(),
                            theirs.len()
                        ));
                        return;
                    }
                    if let (Some(s), Ok(st)) = (summary, status) {
                        let our_pass = st == evm_core::ExecStatus::Success;
                        let out_hex: String = output.iter().map(|b| format!("{b:02x}")).collect();
                        if s["pass"] != Value::Bool(our_pass) {
                            failures.push(format!(
                                "{label}: summary pass: ours {our_pass} revm {}",
                                s["pass"]
                            ));
                        } else if our_pass
                            && tx.to.is_some()
                            && s["output"] != Value::String(format!("0x{out_hex}"))
                        {
                            failures.push(format!(
                                "{label}: summary output: ours 0x{out_hex} revm {}",
                                s["output"]
                            ));
                        }
                    }
                })
                .expect("fixture");
            }
        }
    }
    println!("opcodes seen: {ops:02x?}");
    for f in failures.iter().take(20) {
        println!("{f}");
    }
    // The whole sweep: one line per further mismatch, to sort them by kind.
    for f in failures.iter().skip(20) {
        println!("{}", f.lines().next().unwrap_or_default());
    }
    println!(
        "{cases} cases from {dirs_seen} directories, {lines} lines ({:.1} row bytes/line), {} distinct opcodes, {long} cases over {max_steps} steps left out, {} mismatches, {:.1} s",
        row_bytes as f64 / lines.max(1) as f64,
        ops.len(),
        failures.len(),
        start.elapsed().as_secs_f64()
    );
    // Every opcode class appears at least once.
    let classes: &[(&str, &[u8])] = &[
        ("arithmetic", &[0x01, 0x02, 0x03, 0x04, 0x06, 0x0a]),
        (
            "comparison and bitwise",
            &[0x10, 0x14, 0x15, 0x16, 0x19, 0x1b, 0x1c],
        ),
        ("keccak", &[0x20]),
        ("environment", &[0x30, 0x33, 0x35, 0x36, 0x37, 0x3d]),
        ("block", &[0x41, 0x42, 0x43]),
        (
            "stack, memory, storage, flow",
            &[0x50, 0x51, 0x52, 0x54, 0x55, 0x56, 0x57, 0x5b],
        ),
        ("push, dup, swap", &[0x5f, 0x60, 0x7f, 0x80, 0x90]),
        ("log", &[0xa0, 0xa1]),
        ("system", &[0xf0, 0xf1, 0xf3]),
        ("Osaka", &[0x1e]),
    ];
    for (class, want) in classes {
        let missing: Vec<_> = want.iter().filter(|o| !ops.contains(o)).collect();
        assert!(
            missing.is_empty(),
            "{class}: opcodes {missing:x?} not exercised"
        );
    }
    assert!(cases > 50, "too few cases compared: {cases}");
    assert!(
        failures.is_empty(),
        "{} traces differ from revm (see above)",
        failures.len()
    );
}
