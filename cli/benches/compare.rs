//! Host benchmarks: evm-core vs revm on the ipsilon benchmarks, evm-state vs alloy-trie on state roots and proofs.
//!
//! `cargo bench -p zkevm-cli --bench compare -- [--quick] [--out FILE] [--svg FILE] [--filter TEXT] [--tracing] [--state-only] [--cpu-time]`
//! prints markdown tables and writes them to `--out` (the host sections of
//! `BENCHMARKS.md`, assembled by `cargo xtask bench`) and the interpreter chart
//! to `--svg`. Every pair of runs is checked equal before it is timed; runs of
//! the two implementations alternate within each repetition and the figures
//! are medians.
#![allow(
    clippy::expect_used,
    reason = "benchmark program: a broken setup ends the run with its message"
)]
#![allow(
    clippy::panic,
    reason = "benchmark program: missing or unreadable fixtures end the run with their message"
)]
#![allow(missing_docs, reason = "benchmark binary")]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use evm_core::{
    AccountInfo, BlockEnv, Evm, ExecStatus, HeapBuffers, Limits, Outcome, Spec, Tracer, TxEnv, U256,
};
use evm_state::memory::InMemoryState;
use zkevm_cli::statetest::{decode_cases, DecodedCase};

#[path = "compare/tracing.rs"]
mod tracing;

use revm::context::result::ExecutionResult;
use revm::context::{BlockEnv as RBlockEnv, CfgEnv, TxEnv as RTxEnv};
use revm::context_interface::block::BlobExcessGasAndPrice;
use revm::database::{CacheDB, EmptyDB};
use revm::database_interface::WrapDatabaseRef;
use revm::handler::{MainnetContext, MainnetEvm};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address as RAddress, Bytes, TxKind, B256 as RB256, U256 as RU256};
use revm::state::{AccountInfo as RAccountInfo, Bytecode};
use revm::{Context, ExecuteEvm, MainBuilder, MainContext};

/// The revm release compared against (the workspace's `revm` dependency).
const REVM_VERSION: &str = "43.0.3";
/// The fork revm runs; [`SPEC`] is evm-core's: switch both together.
const REVM_SPEC: SpecId = SpecId::OSAKA;
/// The fork evm-core runs, [`REVM_SPEC`]'s.
const SPEC: Spec = Spec::Osaka;

/// A proof to verify: hashed key, expected value, encoded nodes.
type ProofCase = ([u8; 32], Vec<u8>, Vec<Vec<u8>>);

/// How much to measure.
#[derive(Clone, Copy)]
struct Plan {
    /// Repetitions (each: one sample of ours and one of the reference).
    reps: usize,
    /// Minimum length of one sample; short runs are repeated inside it.
    sample: Duration,
    /// Also the micro benchmarks.
    micro: bool,
    /// Account counts for the state-root benchmark.
    accounts: &'static [usize],
    /// Proofs verified per sample.
    proofs: usize,
}

const FULL: Plan = Plan {
    reps: 21,
    sample: Duration::from_millis(100),
    micro: true,
    accounts: &[10_000, 100_000],
    proofs: 2_000,
};

const QUICK: Plan = Plan {
    reps: 9,
    sample: Duration::from_millis(30),
    micro: false,
    accounts: &[10_000],
    proofs: 500,
};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let value_of = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .map(PathBuf::from)
    };
    let out = value_of("--out");
    let svg = value_of("--svg");
    // `--filter TEXT`: only the interpreter benchmarks whose name contains TEXT, no
    // state section (for profiling one benchmark).
    let filter = args
        .iter()
        .position(|a| a == "--filter")
        .and_then(|i| args.get(i + 1))
        .cloned();
    // `--tracing`: only the tracing section (with `--filter`, of those benchmarks);
    // `--state-only`: only the state section (evm-state vs alloy-trie).
    let tracing_only = args.iter().any(|a| a == "--tracing");
    let state_only = args.iter().any(|a| a == "--state-only");
    let mut plan = if quick { QUICK } else { FULL };
    // `--cpu-time`: the thread's CPU time, in samples of at least 100 ms (a
    // sample may be off by a scheduler tick).
    if args.iter().any(|a| a == "--cpu-time") && thread_cpu_ns().is_some() {
        CPU_TIME.store(true, std::sync::atomic::Ordering::Relaxed);
        plan.sample = plan.sample.max(Duration::from_millis(100));
    }

    let mut md = String::new();
    let mut rows = Vec::new();
    if !tracing_only && !state_only {
        rows = interpreter(plan, filter.as_deref());
        md += &interpreter_markdown(&rows, plan, svg.as_deref());
    }
    if tracing_only || (filter.is_none() && !state_only) {
        let mut benches = load_benches(Plan {
            micro: false,
            ..plan
        });
        benches.retain(|b| filter.as_deref().is_none_or(|f| b.name.contains(f)));
        // Left out unless asked for by name: snailtracer (8.2 M rows, about 44 s
        // per EIP-3155 run); the quick run also leaves out every trace over 100 k rows.
        let long: &[&str] = if quick {
            &["snailtracer", "blake2b_shifts", "structarray_alloc", "/1"]
        } else {
            &["snailtracer"]
        };
        if filter.is_none() {
            benches.retain(|b| !long.iter().any(|l| b.name.contains(l)));
        }
        md += &tracing::section(plan, &benches);
    }
    if state_only || (filter.is_none() && !tracing_only) {
        md += &state_markdown(plan);
    }
    println!("{md}");
    if let Some(path) = out {
        std::fs::write(&path, &md).expect("write --out file");
        eprintln!("wrote {}", path.display());
    }
    if let Some(path) = svg {
        std::fs::write(&path, interpreter_svg(&rows)).expect("write --svg file");
        eprintln!("wrote {}", path.display());
    }
}

// ---------------------------------------------------------------- timing

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// `--cpu-time`: samples are the thread's time on a CPU, not wall time.
static CPU_TIME: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Nanoseconds this thread has run on a CPU (Linux `/proc/thread-self/schedstat`,
/// updated at scheduler ticks: a sample is off by up to a tick), if readable.
fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Seconds per call of `f`, timed over `iters` calls (wall time, or the
/// thread's CPU time with `--cpu-time`, for a machine busy with other work).
fn time_per_call(iters: u32, f: &mut dyn FnMut()) -> f64 {
    let cpu = CPU_TIME.load(std::sync::atomic::Ordering::Relaxed);
    let cpu_start = if cpu { thread_cpu_ns() } else { None };
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    let wall = start.elapsed().as_secs_f64();
    let cpu_end = if cpu { thread_cpu_ns() } else { None };
    let seconds = match (cpu_start, cpu_end) {
        (Some(a), Some(b)) if b > a => (b - a) as f64 * 1e-9,
        _ => wall,
    };
    seconds / f64::from(iters)
}

/// Median seconds per call of each of `fs`: warmed up once, then `plan.reps`
/// repetitions, the order rotating, each sample at least `plan.sample` long.
fn compare_n(plan: Plan, fs: &mut [&mut dyn FnMut()]) -> Vec<f64> {
    let once = fs
        .iter_mut()
        .map(|f| time_per_call(1, *f))
        .fold(1e-9, f64::max);
    let iters = ((plan.sample.as_secs_f64() / once).ceil() as u32).clamp(1, 1_000_000);
    let n = fs.len();
    let mut times = vec![Vec::with_capacity(plan.reps); n];
    for rep in 0..plan.reps {
        for k in 0..n {
            let i = (rep + k) % n;
            times[i].push(time_per_call(iters, fs[i]));
        }
    }
    times.into_iter().map(median).collect()
}

/// [`compare_n`] for two.
fn compare(plan: Plan, a: &mut dyn FnMut(), b: &mut dyn FnMut()) -> (f64, f64) {
    let t = compare_n(plan, &mut [a, b]);
    (t[0], t[1])
}

fn geomean(v: &[f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    (v.iter().map(|x| x.ln()).sum::<f64>() / v.len() as f64).exp()
}

fn fmt_ms(s: f64) -> String {
    let ms = s * 1e3;
    if ms >= 100.0 {
        format!("{ms:.0}")
    } else if ms >= 1.0 {
        format!("{ms:.2}")
    } else {
        format!("{ms:.4}")
    }
}

// ---------------------------------------------------------------- interpreter

/// What one run produced, in a form both implementations map to.
#[derive(Debug, PartialEq, Eq)]
struct RunResult {
    /// "success", "revert" or "halt".
    status: &'static str,
    gas_used: u64,
    output: Vec<u8>,
    /// Storage slots whose value changed (address, slot, new value), sorted;
    /// filled only for the correctness check, not in timed runs.
    storage: Vec<([u8; 20], [u8; 32], [u8; 32])>,
}

/// One benchmark case, set up for both implementations.
struct Bench {
    set: &'static str,
    name: String,
    case: DecodedCase,
    ours_state: InMemoryState,
    revm_db: CacheDB<EmptyDB>,
}

/// The measured (or refused) figures of one case.
struct Row {
    set: &'static str,
    name: String,
    gas: u64,
    /// `Err(why)` when the outputs differ or a run failed: not timed.
    times: Result<Times, String>,
}

/// Median seconds per run.
struct Times {
    /// evm-core with [`BENCH_LIMITS`].
    ours: f64,
    /// revm.
    revm: f64,
    /// evm-core with [`Limits::HOST`].
    ours_host: f64,
}

fn ru(x: U256) -> RU256 {
    RU256::from_be_bytes(x.to_be_bytes::<32>())
}

fn setup(set: &'static str, name: String, case: DecodedCase) -> Bench {
    let mut ours_state = InMemoryState::new();
    let mut revm_db = CacheDB::new(EmptyDB::default());
    for a in &case.pre {
        let code_hash = ours_state.add_code(a.code.clone());
        ours_state.insert_account(
            a.address,
            AccountInfo {
                nonce: a.nonce,
                balance: a.balance,
                code_hash,
            },
        );
        // revm at its fastest: code analysed (jump table built) once, here, not per run.
        let code = revm_code(&a.code);
        let address = RAddress::from(a.address);
        revm_db.insert_account_info(
            address,
            RAccountInfo::new(ru(a.balance), a.nonce, RB256::from(code_hash), code),
        );
        for (k, v) in &a.storage {
            ours_state.set_storage(a.address, *k, *v);
            revm_db
                .insert_account_storage(address, ru(*k), ru(*v))
                .expect("in-memory database");
        }
    }
    Bench {
        set,
        name,
        case,
        ours_state,
        revm_db,
    }
}

/// Run the benchmark's transaction on `evm` (any tracer).
fn transact<T: Tracer>(evm: &mut Evm<'_, &InMemoryState, T>, b: &Bench) -> Result<Outcome, String> {
    let c = &b.case;
    let tx = TxEnv {
        caller: c.caller,
        to: c.to,
        value: c.value,
        data: &c.data,
        gas_limit: c.gas_limit,
        nonce: c.nonce,
        max_fee_per_gas: c.max_fee_per_gas,
        max_priority_fee_per_gas: c.max_priority_fee_per_gas,
        access_list: &[],
        blob_hashes: &[],
        max_fee_per_blob_gas: None,
        authorization_list: None,
    };
    let block: BlockEnv = c.block;
    evm.transact(&block, &tx).map_err(|e| format!("{e}"))
}

/// evm-core for `b` at [`SPEC`], with `tracer`. Some benchmarks need more gas
/// than EIP-7825's 2^24 cap (snailtracer: 10^9), so the cap is lifted, as on
/// revm's side ([`revm_evm`]).
fn ours_evm<'b, 's, T: Tracer>(
    b: &'s Bench,
    bufs: &'b mut HeapBuffers,
    tracer: T,
) -> Evm<'b, &'s InMemoryState, T> {
    let mut evm = Evm::with_tracer(&b.ours_state, bufs.buffers(), tracer);
    evm.set_spec(SPEC);
    evm.set_tx_gas_limit_cap(None);
    evm
}

/// One run on a fresh `Evm` (the check before timing).
fn run_ours(b: &Bench, bufs: &mut HeapBuffers, check: bool) -> Result<RunResult, String> {
    let mut evm = ours_evm(b, bufs, evm_core::NoTracer);
    run_ours_on(&mut evm, b, check)
}

/// One run on `evm`, reused across runs: code read from the state is analysed
/// on its first run and kept in its code arena.
fn run_ours_on<'s>(
    evm: &mut Evm<'_, &'s InMemoryState>,
    b: &'s Bench,
    check: bool,
) -> Result<RunResult, String> {
    let out = transact(evm, b)?;
    let status = match out.status {
        ExecStatus::Success => "success",
        ExecStatus::Revert => "revert",
        ExecStatus::Halt(_) => "halt",
    };
    let mut storage: Vec<_> = if check {
        evm.storage_changes()
            .map(|(a, k, v)| (a, k.to_be_bytes::<32>(), v.to_be_bytes::<32>()))
            .collect()
    } else {
        Vec::new()
    };
    storage.sort_unstable();
    Ok(RunResult {
        status,
        gas_used: out.gas_used,
        output: evm.output().to_vec(),
        storage,
    })
}

/// revm's code object for `code` at [`REVM_SPEC`], analysed (legacy bytecode
/// before Prague; from Prague on, a `0xef0100 ‖ address` designator is a delegation).
fn revm_code(code: &[u8]) -> Bytecode {
    let raw = Bytes::from(code.to_vec());
    if REVM_SPEC.is_enabled_in(SpecId::PRAGUE) {
        Bytecode::new_raw_checked(raw.clone()).unwrap_or_else(|_| Bytecode::new_legacy(raw))
    } else {
        Bytecode::new_legacy(raw)
    }
}

type RevmEvm<'a> = MainnetEvm<MainnetContext<WrapDatabaseRef<&'a CacheDB<EmptyDB>>>>;

/// revm at its fastest: one `Evm` per benchmark, built once with its
/// transaction, `replay` (transact without commit) per run.
fn revm_evm(b: &Bench) -> RevmEvm<'_> {
    let c = &b.case;
    let mut cfg = CfgEnv::new_with_spec(REVM_SPEC).with_chain_id(c.block.chain_id);
    // Some benchmarks need more gas than EIP-7825's 2^24 cap (Osaka on;
    // snailtracer: 10^9): no cap here, as on evm-core's side ([`ours_evm`]).
    cfg.tx_gas_limit_cap = Some(u64::MAX);
    let block = RBlockEnv {
        number: RU256::from(c.block.number),
        beneficiary: RAddress::from(c.block.coinbase),
        timestamp: RU256::from(c.block.timestamp),
        gas_limit: c.block.gas_limit,
        basefee: c.block.base_fee.saturating_to(),
        difficulty: RU256::ZERO,
        prevrandao: Some(RB256::from(c.block.prev_randao)),
        blob_excess_gas_and_price: Some(BlobExcessGasAndPrice::new_with_spec(
            c.block.excess_blob_gas,
            REVM_SPEC,
        )),
        slot_num: 0,
    };
    let tx = RTxEnv::builder()
        .caller(RAddress::from(c.caller))
        .gas_limit(c.gas_limit)
        .gas_price(c.max_fee_per_gas.saturating_to())
        .gas_priority_fee(c.max_priority_fee_per_gas.map(|p| p.saturating_to()))
        .kind(match c.to {
            Some(to) => TxKind::Call(RAddress::from(to)),
            None => TxKind::Create,
        })
        .value(ru(c.value))
        .data(Bytes::from(c.data.clone()))
        .nonce(c.nonce)
        .chain_id(Some(c.block.chain_id))
        .build_fill();
    Context::mainnet()
        .with_db(WrapDatabaseRef(&b.revm_db))
        .with_cfg(cfg)
        .with_block(block)
        .with_tx(tx)
        .build_mainnet()
}

fn run_revm(evm: &mut RevmEvm<'_>, check: bool) -> Result<RunResult, String> {
    let r = evm.replay().map_err(|e| format!("{e:?}"))?;
    let mut storage = Vec::new();
    if check {
        for (address, account) in &r.state {
            if account.is_selfdestructed() {
                continue;
            }
            for (slot, value) in &account.storage {
                if value.is_changed() {
                    storage.push((
                        address.0 .0,
                        slot.to_be_bytes::<32>(),
                        value.present_value.to_be_bytes::<32>(),
                    ));
                }
            }
        }
        storage.sort_unstable();
    }
    let gas_used = r.result.tx_gas_used();
    Ok(match r.result {
        ExecutionResult::Success { output, .. } => RunResult {
            status: "success",
            gas_used,
            output: output.data().to_vec(),
            storage,
        },
        ExecutionResult::Revert { output, .. } => RunResult {
            status: "revert",
            gas_used,
            output: output.to_vec(),
            storage,
        },
        ExecutionResult::Halt { .. } => RunResult {
            status: "halt",
            gas_used,
            output: Vec::new(),
            storage,
        },
    })
}

fn load_benches(plan: Plan) -> Vec<Bench> {
    let root = zkevm_fixtures::dir().join("ipsilon-evm-benchmarks/benchmarks");
    let mut sets: Vec<&'static str> = vec!["main"];
    if plan.micro {
        sets.push("micro");
    }
    let mut out = Vec::new();
    for set in sets {
        let dir = root.join(set);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| {
                panic!(
                    "benchmarks at {}: {e}: {}",
                    dir.display(),
                    zkevm_fixtures::HINT
                )
            })
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        for f in files {
            let stem = f
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("?")
                .to_owned();
            let cases = decode_cases(&f, "London")
                .unwrap_or_else(|e| panic!("decode {}: {e}", f.display()));
            let many = cases.len() > 1;
            for (i, case) in cases.into_iter().enumerate() {
                let name = if many {
                    format!("{stem}/{i}")
                } else {
                    stem.clone()
                };
                out.push(setup(set, name, case));
            }
        }
    }
    out
}

/// evm-core's buffers for the benchmarks: [`Limits::HOST`] with the storage and
/// transient-storage index tables sized for them. The slot index tables are
/// cleared for every transaction, so `Limits::HOST` (2 × 2^21 buckets, 16 MiB)
/// costs a fixed ~0.3 ms per transaction that these small tables do not.
const BENCH_LIMITS: Limits = Limits {
    slots: 1 << 12,
    transient_slots: 1 << 8,
    ..Limits::HOST
};

fn interpreter(plan: Plan, filter: Option<&str>) -> Vec<Row> {
    let mut benches = load_benches(plan);
    benches.retain(|b| filter.is_none_or(|f| b.name.contains(f)));
    let mut bufs = HeapBuffers::new(&BENCH_LIMITS);
    let mut host_bufs = HeapBuffers::new(&Limits::HOST);
    let mut rows = Vec::new();
    for b in &benches {
        let mut revm = revm_evm(b);
        let ours = run_ours(b, &mut bufs, true);
        let ours_host = run_ours(b, &mut host_bufs, true);
        let theirs = run_revm(&mut revm, true);
        let gas = theirs.as_ref().map_or(0, |r| r.gas_used);
        let times = match (ours, ours_host, theirs) {
            (Ok(o), Ok(h), Ok(t)) if o == t && h == t => {
                // Like revm's side: one `Evm` per benchmark, built once and reused.
                let mut evm = ours_evm(b, &mut bufs, evm_core::NoTracer);
                let mut host_evm = ours_evm(b, &mut host_bufs, evm_core::NoTracer);
                let t = compare_n(
                    plan,
                    &mut [
                        &mut || {
                            let _ = std::hint::black_box(run_ours_on(&mut evm, b, false));
                        },
                        &mut || {
                            let _ = std::hint::black_box(run_revm(&mut revm, false));
                        },
                        &mut || {
                            let _ = std::hint::black_box(run_ours_on(&mut host_evm, b, false));
                        },
                    ],
                );
                Ok(Times {
                    ours: t[0],
                    revm: t[1],
                    ours_host: t[2],
                })
            }
            (Ok(o), Ok(h), Ok(t)) => {
                let o = if o == t { h } else { o };
                Err(format!(
                    "mismatch: evm-core {} gas {} output {} B {} slots changed, \
                     revm {} gas {} output {} B {} slots changed",
                    o.status,
                    o.gas_used,
                    o.output.len(),
                    o.storage.len(),
                    t.status,
                    t.gas_used,
                    t.output.len(),
                    t.storage.len()
                ))
            }
            (o, h, t) => Err(format!(
                "run failed: evm-core {o:?} (HOST limits: {h:?}), revm {t:?}"
            )),
        };
        match &times {
            Ok(t) => eprintln!(
                "{:<32} {:>10} ms {:>10} ms  {:.2}  (Limits::HOST {:.2})",
                b.name,
                fmt_ms(t.ours),
                fmt_ms(t.revm),
                t.ours / t.revm,
                t.ours_host / t.revm
            ),
            Err(e) => eprintln!("{:<32} {e}", b.name),
        }
        rows.push(Row {
            set: b.set,
            name: b.name.clone(),
            gas,
            times,
        });
    }
    rows
}

fn ratios(rows: &[Row], set: Option<&str>) -> Vec<f64> {
    rows.iter()
        .filter(|r| set.is_none_or(|s| r.set == s))
        .filter_map(|r| r.times.as_ref().ok().map(|t| t.ours / t.revm))
        .collect()
}

fn interpreter_markdown(rows: &[Row], plan: Plan, svg: Option<&Path>) -> String {
    let mut md = String::from("## Interpreter (host): evm-core vs revm\n\n");
    let _ = writeln!(
        md,
        "The [ipsilon EVM benchmarks](../shared/fixtures/ipsilon-evm-benchmarks) (state tests, \
         each `post.London` case), run in one process by evm-core (state in \
         `evm_state::memory::InMemoryState`, one `Evm` per benchmark built once and reused, \
         `transact` per run, code analysed on its first run and kept in the `Evm`'s code \
         arena) and by revm \
         {} (`CacheDB<EmptyDB>`, code analysed once beforehand, one `Evm` built once and \
         reused, `replay` (transact without commit) per run: its fastest setup). Both run \
         the {} rules (`SpecId::{:?}`, `Spec::{:?}`; EIP-7825's transaction gas limit cap \
         lifted on both sides, as some benchmarks need more than 2^24 gas). Before timing, status, gas used, output and the \
         changed storage slots of both are compared; a difference is reported and not timed. Times are medians of {} \
         repetitions, the contenders' order rotating, each sample at least {} ms{}; ratio = \
         evm-core time / revm time (below 1: evm-core faster).\n\n\
         evm-core runs with `Limits::HOST` except for the storage index tables: {} slots and \
         {} transient slots (`Limits::HOST` has 2^20 of each, 16 MiB of index tables; the \
         last column shows evm-core with them, also one `Evm` built once and reused).\n",
        REVM_VERSION,
        SPEC,
        REVM_SPEC,
        SPEC,
        plan.reps,
        plan.sample.as_millis(),
        if CPU_TIME.load(std::sync::atomic::Ordering::Relaxed) {
            " of the thread's CPU time (`--cpu-time`: the machine was shared)"
        } else {
            ""
        },
        BENCH_LIMITS.slots,
        BENCH_LIMITS.transient_slots
    );
    md += "| set | benchmark | gas | evm-core ms | revm ms | evm-core Mgas/s | revm Mgas/s | evm-core / revm | same, `Limits::HOST` |\n";
    md += "|---|---|---:|---:|---:|---:|---:|---:|---:|\n";
    for r in rows {
        match &r.times {
            Ok(t) => {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {} | {:.0} | {:.0} | {:.2} | {:.2} |",
                    r.set,
                    r.name,
                    r.gas,
                    fmt_ms(t.ours),
                    fmt_ms(t.revm),
                    r.gas as f64 / t.ours / 1e6,
                    r.gas as f64 / t.revm / 1e6,
                    t.ours / t.revm,
                    t.ours_host / t.revm
                );
            }
            Err(e) => {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | — | — | — | — | **not timed: {e}** | — |",
                    r.set, r.name, r.gas
                );
            }
        }
    }
    md += "\n";
    for (label, set) in [
        ("main", Some("main")),
        ("micro", Some("micro")),
        ("all", None),
    ] {
        let v = ratios(rows, set);
        if v.is_empty() {
            continue;
        }
        let worst = v.iter().copied().fold(f64::NAN, f64::max);
        let _ = writeln!(
            md,
            "- geometric mean evm-core / revm, {label} ({} benchmarks): **{:.2}** (worst {:.2})",
            v.len(),
            geomean(&v),
            worst
        );
    }
    let untimed = rows.iter().filter(|r| r.times.is_err()).count();
    if untimed > 0 {
        let _ = writeln!(
            md,
            "- not timed (outputs differ or a run failed): {untimed}"
        );
    }
    if let Some(p) = svg {
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("chart.svg");
        let _ = writeln!(md, "\n![evm-core / revm per benchmark]({name})");
    }
    md += "\n";
    md
}

fn interpreter_svg(rows: &[Row]) -> String {
    let timed: Vec<(&str, f64)> = rows
        .iter()
        .filter_map(|r| {
            r.times
                .as_ref()
                .ok()
                .map(|t| (r.name.as_str(), t.ours / t.revm))
        })
        .collect();
    let (label_w, bar_w, row_h, top) = (230.0, 520.0, 20.0, 40.0);
    let max = timed.iter().map(|(_, r)| *r).fold(2.0_f64, f64::max).ceil();
    let width = label_w + bar_w + 70.0;
    let height = top + row_h * timed.len() as f64 + 30.0;
    let x = |v: f64| label_w + bar_w * v / max;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         font-family=\"sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">evm-core time / revm time \
         per benchmark (median; below 1 = evm-core faster)</text>\n"
    );
    for (i, (name, r)) in timed.iter().enumerate() {
        let y = top + row_h * i as f64;
        let color = if *r <= 1.0 {
            "#2e7d32"
        } else if *r <= 1.5 {
            "#f9a825"
        } else {
            "#c62828"
        };
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{name}</text>\
             <rect x=\"{label_w}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{color}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{r:.2}</text>",
            label_w - 6.0,
            y + 14.0,
            y + 3.0,
            x(*r) - label_w,
            row_h - 6.0,
            x(*r) + 4.0,
            y + 14.0
        );
    }
    let bottom = top + row_h * timed.len() as f64;
    for tick in 0..=(max as u32) {
        let tx = x(f64::from(tick));
        let _ = writeln!(
            s,
            "<line x1=\"{tx:.1}\" y1=\"{top}\" x2=\"{tx:.1}\" y2=\"{bottom:.1}\" stroke=\"{}\" \
             stroke-dasharray=\"{}\"/><text x=\"{tx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{tick}</text>",
            if tick == 1 { "black" } else { "#bbb" },
            if tick == 1 { "none" } else { "3,3" },
            bottom + 16.0
        );
    }
    s += "</svg>\n";
    s
}

// ---------------------------------------------------------------- state

/// Deterministic pseudo-random bytes (xorshift64*), so every run builds the same trie.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn fill(&mut self, out: &mut [u8]) {
        for chunk in out.chunks_mut(8) {
            let v = self.next().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
}

/// `n` accounts: (address, RLP of [nonce, balance, empty storage root, empty code hash]).
fn accounts(n: usize) -> Vec<([u8; 20], Vec<u8>)> {
    use evm_state::rlp::{put_list_header, Encodable};
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ n as u64);
    (0..n)
        .map(|_| {
            let mut address = [0u8; 20];
            rng.fill(&mut address);
            let nonce = rng.next() % 1000;
            let balance = U256::from(rng.next()) * U256::from(1_000_000_000u64);
            let storage_root: [u8; 32] = evm_state::types::EMPTY_ROOT;
            let code_hash: [u8; 32] = evm_core::KECCAK_EMPTY;
            let payload = nonce.encoded_len()
                + balance.encoded_len()
                + storage_root.encoded_len()
                + code_hash.encoded_len();
            let mut rlp = Vec::with_capacity(payload + 3);
            let _ = put_list_header(&mut rlp, payload);
            let _ = nonce.encode(&mut rlp);
            let _ = balance.encode(&mut rlp);
            let _ = storage_root.encode(&mut rlp);
            let _ = code_hash.encode(&mut rlp);
            (address, rlp)
        })
        .collect()
}

fn ours_root(accts: &[([u8; 20], Vec<u8>)]) -> [u8; 32] {
    evm_state::trie::secure_root(accts.iter().map(|(a, r)| (a, r))).expect("evm-state root")
}

fn alloy_root(accts: &[([u8; 20], Vec<u8>)]) -> [u8; 32] {
    use alloy_trie::{HashBuilder, Nibbles};
    let mut leaves: Vec<(alloy_primitives::B256, &[u8])> = accts
        .iter()
        .map(|(a, r)| (alloy_primitives::keccak256(a), r.as_slice()))
        .collect();
    leaves.sort_unstable_by_key(|x| x.0);
    let mut hb = HashBuilder::default();
    for (k, v) in &leaves {
        hb.add_leaf(Nibbles::unpack(k), v);
    }
    hb.root().0
}

fn state_markdown(plan: Plan) -> String {
    let mut md = String::from("## State (host): evm-state vs alloy-trie\n\n");
    let _ = writeln!(
        md,
        "State root of `n` accounts (random addresses; the input is the list of (address, \
         account RLP) pairs, so both sides hash the keys, order them and build and hash the \
         trie: evm-state `trie::secure_root`, alloy-trie `HashBuilder` after sorting the \
         hashed keys), and verification of account proofs taken from that trie (evm-state \
         `proof::verify`, alloy-trie `proof::verify_proof`; {} proofs per sample). Roots and \
         proven values are checked equal first. Medians of {} repetitions, alternating; ratio \
         = evm-state time / alloy-trie time.\n",
        plan.proofs, plan.reps
    );
    md += "| task | accounts | evm-state | alloy-trie | evm-state / alloy-trie |\n";
    md += "|---|---:|---:|---:|---:|\n";
    let mut all = Vec::new();
    for &n in plan.accounts {
        let accts = accounts(n);
        let (a, b) = (ours_root(&accts), alloy_root(&accts));
        if a != b {
            let _ = writeln!(md, "| state root | {n} | — | — | **roots differ** |");
            continue;
        }
        let (ta, tb) = compare(
            plan,
            &mut || {
                std::hint::black_box(ours_root(std::hint::black_box(&accts)));
            },
            &mut || {
                std::hint::black_box(alloy_root(std::hint::black_box(&accts)));
            },
        );
        all.push(ta / tb);
        eprintln!("state root {n}: {} ms vs {} ms", fmt_ms(ta), fmt_ms(tb));
        let _ = writeln!(
            md,
            "| state root | {n} | {} ms | {} ms | {:.2} |",
            fmt_ms(ta),
            fmt_ms(tb),
            ta / tb
        );

        // Proofs: taken from evm-state's trie of the same accounts.
        let mut trie = evm_state::trie::MemTrie::new();
        for (addr, rlp) in &accts {
            trie.insert(&evm_core::evm::keccak256(addr), rlp)
                .expect("insert");
        }
        let root = trie.root_hash().expect("root");
        let step = (accts.len() / plan.proofs).max(1);
        let picked: Vec<&([u8; 20], Vec<u8>)> = accts.iter().step_by(step).collect();
        let proofs: Vec<ProofCase> = picked
            .iter()
            .map(|(addr, rlp)| {
                let key = evm_core::evm::keccak256(addr);
                (key, rlp.clone(), trie.proof(&key).expect("proof"))
            })
            .collect();
        let alloy_proofs: Vec<(alloy_trie::Nibbles, Vec<alloy_primitives::Bytes>)> = proofs
            .iter()
            .map(|(k, _, p)| {
                (
                    alloy_trie::Nibbles::unpack(k),
                    p.iter()
                        .map(|n| alloy_primitives::Bytes::from(n.clone()))
                        .collect(),
                )
            })
            .collect();
        let node_refs: Vec<Vec<&[u8]>> = proofs
            .iter()
            .map(|(_, _, p)| p.iter().map(Vec::as_slice).collect())
            .collect();
        let alloy_root_b = alloy_primitives::B256::from(root);
        let ours_verify = || {
            proofs.iter().zip(&node_refs).all(|((k, v, _), nodes)| {
                evm_state::proof::verify(&root, k, nodes).ok() == Some(Some(v.as_slice()))
            })
        };
        let alloy_verify = || {
            proofs
                .iter()
                .zip(&alloy_proofs)
                .all(|((_, v, _), (key, nodes))| {
                    alloy_trie::proof::verify_proof(alloy_root_b, *key, Some(v.clone()), nodes)
                        .is_ok()
                })
        };
        if !(ours_verify() && alloy_verify()) {
            let _ = writeln!(
                md,
                "| proof verification | {n} | — | — | **a proof was rejected** |"
            );
            continue;
        }
        let (ta, tb) = compare(
            plan,
            &mut || {
                std::hint::black_box(ours_verify());
            },
            &mut || {
                std::hint::black_box(alloy_verify());
            },
        );
        all.push(ta / tb);
        let avg_nodes =
            proofs.iter().map(|p| p.2.len()).sum::<usize>() as f64 / proofs.len() as f64;
        let per = proofs.len() as f64;
        eprintln!("proofs {n}: {:.0}/s vs {:.0}/s", per / ta, per / tb);
        let _ = writeln!(
            md,
            "| account proof verification ({avg_nodes:.1} nodes avg) | {n} | {:.0} proofs/s | {:.0} proofs/s | {:.2} |",
            per / ta,
            per / tb,
            ta / tb
        );
    }
    if !all.is_empty() {
        let _ = writeln!(
            md,
            "\n- geometric mean evm-state / alloy-trie: **{:.2}**",
            geomean(&all)
        );
    }
    md += "\n";
    md
}
