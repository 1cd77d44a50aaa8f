//! The STARK benchmark (`cargo xtask bench --stark` runs it): loop programs sized to 2^k trace rows, proved and verified on the host, verified and re-executed on the QEMU device; prints two markdown tables.
//!
//! `cargo run --profile bench -p zkevm-tests --example stark_bench -- [--sizes 10,12,14,16,18] [--device-max 16]`
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a benchmark: a failure ends it

use std::time::{Duration, Instant};

use protocol::{Reply, Request};
use zkevm_tests::stark::{countdown, countdown_steps, exec_query, prove, rounds_for_rows};
use zkevm_tests::Device;

/// One size's figures.
struct Row {
    log2: u32,
    rounds: u32,
    columns: usize,
    prove: Duration,
    verify: Duration,
    proof_bytes: usize,
    bits: u32,
    device: Option<DeviceFigures>,
}

struct DeviceFigures {
    verify_instructions: u64,
    heap_peak: u32,
    stack_peak: u32,
    execute_instructions: Option<u64>,
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn host_verify_time(file: &[u8]) -> Duration {
    let runs = 5u32;
    let start = Instant::now();
    for _ in 0..runs {
        let p = verifier::Proof::from_bytes(file).expect("parse");
        verifier::verify(&p).expect("an honest proof verifies");
    }
    start.elapsed() / runs
}

/// Re-execution on the device: `Execute` of the same call.
fn execute_instructions(device: &mut Device, code: &[u8]) -> Option<u64> {
    let query = exec_query(code, &[]).expect("query");
    match device.execute(&query) {
        Ok(Reply::Executed(summary)) => summary.instructions,
        other => {
            eprintln!("stark_bench: Execute: {other:?}");
            None
        }
    }
}

/// A fresh device per size, so its stack and heap peaks are this proof's.
fn on_device(file: &[u8], code: &[u8]) -> DeviceFigures {
    let mut device = Device::boot_default().expect("boot the device");
    let summary = match device.verify_stark(file).expect("VerifyStark") {
        Reply::StarkVerified(s) => s,
        other => panic!("the device did not accept an honest proof: {other:?}"),
    };
    let stack_peak = match device.call(&Request::Info).expect("Info") {
        Reply::Info { stack_peak, .. } => stack_peak,
        _ => 0,
    };
    let execute_instructions = execute_instructions(&mut device, code);
    DeviceFigures {
        verify_instructions: summary.instructions,
        heap_peak: summary.heap_peak.saturating_sub(summary.heap_base),
        stack_peak,
        execute_instructions,
    }
}

fn measure(log2: u32, device: bool) -> Row {
    let rounds = rounds_for_rows(log2);
    let code = countdown(rounds);
    eprintln!("stark_bench: 2^{log2} rows ({rounds} loop rounds): proving");
    let (proof, figures) = prove(&code, &[]).expect("prove");
    assert_eq!(figures.rows, 1usize << log2, "the loop fills 2^{log2} rows");
    let file = proof.to_bytes();
    let verify = host_verify_time(&file);
    let device = device.then(|| {
        eprintln!("stark_bench: 2^{log2} rows: on the device");
        on_device(&file, &code)
    });
    Row {
        log2,
        rounds,
        columns: figures.columns,
        prove: figures.prove_time,
        verify,
        proof_bytes: figures.proof_bytes,
        bits: figures.security_bits,
        device,
    }
}

fn kib(n: u64) -> String {
    format!("{:.1} KiB", n as f64 / 1024.0)
}

fn millions(n: u64) -> String {
    format!("{:.2} M", n as f64 / 1e6)
}

fn tables(rows: &[Row], threads: usize) -> String {
    let mut md = format!(
        "STARK of a count-down loop (`PUSH4 n; JUMPDEST PUSH1 1 SWAP1 SUB DUP1 PUSH1 5 JUMPI; POP STOP`, \
         7 instructions a round) sized to fill 2^k trace rows; {} columns (main + auxiliary); \
         `Options::STANDARD` (blowup 8, 27 queries, 20-bit grinding, FRI folding 8). Host prove on {threads} \
         threads, host verify the mean of 5 runs (parse + verify); device figures from a fresh QEMU device \
         per size (`VerifyStark` on the staged file: parse + verify; heap peak above the baseline; stack peak since boot).\n\n",
        rows.first().map_or(0, |r| r.columns)
    );
    md += "| rows | loop rounds | host prove | host verify | proof bytes | security bits | device verify instructions | device heap peak | device stack peak |\n";
    md += "|---|---|---|---|---|---|---|---|---|\n";
    for r in rows {
        let (instr, heap, stack) = r.device.as_ref().map_or(
            ("host only".to_owned(), "–".to_owned(), "–".to_owned()),
            |d| {
                (
                    millions(d.verify_instructions),
                    kib(u64::from(d.heap_peak)),
                    kib(u64::from(d.stack_peak)),
                )
            },
        );
        md += &format!(
            "| 2^{} | {} | {:.2} s | {:.2} ms | {} ({}) | {} | {} | {} | {} |\n",
            r.log2,
            r.rounds,
            r.prove.as_secs_f64(),
            r.verify.as_secs_f64() * 1e3,
            r.proof_bytes,
            kib(r.proof_bytes as u64),
            r.bits,
            instr,
            heap,
            stack
        );
    }
    md += "\n### Crossover: re-executing the loop on the device vs verifying its proof\n\n";
    md += "The same loop, `n` rounds: the device's EVM running it (`Execute`, evm-core, instructions of the \
           transaction) beside the device verifying its proof (`VerifyStark`).\n\n";
    md += "| n (rounds) | EVM steps | trace rows | device re-execution | device verification | ratio (execute / verify) |\n";
    md += "|---|---|---|---|---|---|\n";
    for r in rows {
        let Some(d) = &r.device else { continue };
        let exec = d.execute_instructions.map_or("–".to_owned(), millions);
        let ratio = d.execute_instructions.map_or("–".to_owned(), |e| {
            format!("{:.2}", e as f64 / d.verify_instructions as f64)
        });
        md += &format!(
            "| {} | {} | 2^{} | {} | {} | {} |\n",
            r.rounds,
            countdown_steps(r.rounds),
            r.log2,
            exec,
            millions(d.verify_instructions),
            ratio
        );
    }
    md
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sizes: Vec<u32> = arg(&args, "--sizes")
        .unwrap_or_else(|| "10,12,14,16,18".to_owned())
        .split(',')
        .map(|s| s.trim().parse().expect("--sizes: log2 values"))
        .collect();
    let device_max: u32 =
        arg(&args, "--device-max").map_or(16, |s| s.parse().expect("--device-max"));
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let rows: Vec<Row> = sizes
        .iter()
        .map(|&log2| measure(log2, log2 <= device_max))
        .collect();
    print!("{}", tables(&rows, threads));
}
