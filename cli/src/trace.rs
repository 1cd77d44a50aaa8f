//! `zkevm trace`: EIP-3155 trace of one state-test case, or trace-row statistics with `--stats`.
//!
//! `zkevm trace <statetest.json> [--index d:g:v] [--stats]` runs the first
//! Cancun case of the file (or the one with the given indexes) and prints one
//! EIP-3155 JSON object per step and the summary line. With `--stats` it
//! prints instead the compact-row figures: rows, bytes, bytes per row, the
//! commitment, and the time of the run untraced, with rows and with EIP-3155
//! (best of several runs; a measurement, never an assertion).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use evm_core::{BlockEnv, Error, Evm, ExecStatus, HeapBuffers, Limits, TxEnv};
use evm_trace::eip3155::{write_summary, Eip3155};
use evm_trace::{Commitment, NullSink, TraceWriter};

use crate::statetest::{for_each_case, state_root};
use evm_core::Spec;
use evm_state::InMemoryState;

/// `zkevm trace` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The state-test file.
    #[arg(value_name = "statetest.json")]
    pub file: String,
    /// The case's data, gas and value indexes, `d:g:v`.
    #[arg(long, value_parser = parse_index)]
    pub index: Option<[usize; 3]>,
    /// Print the compact trace-row figures instead.
    #[arg(long)]
    pub stats: bool,
}

/// Traces up to this size are also kept in memory once and re-decoded.
const CHECK_MAX_BYTES: u64 = 64 << 20;

/// Timing repetitions for `--stats` (the best run counts).
const RUNS: usize = 5;

/// Parses `--index d:g:v`.
pub fn parse_index(s: &str) -> Result<[usize; 3], String> {
    let parts: Vec<&str> = s.split(':').collect();
    let [d, g, v] = parts.as_slice() else {
        return Err(format!("--index wants d:g:v, got `{s}`"));
    };
    let n = |x: &str| {
        x.parse::<usize>()
            .map_err(|e| format!("--index `{s}`: {e}"))
    };
    Ok([n(d)?, n(g)?, n(v)?])
}

/// Statistics of one traced case.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    /// Rows (executed instructions).
    pub rows: u64,
    /// Encoded bytes.
    pub bytes: u64,
    /// Trace commitment.
    pub commitment: [u8; 32],
    /// Best time without a tracer.
    pub untraced: Duration,
    /// Best time encoding and committing rows (into a `NullSink`, as a device streaming them out).
    pub rows_time: Duration,
    /// Best time writing EIP-3155 lines (to a discarding writer).
    pub eip3155_time: Duration,
}

fn best<F: FnMut() -> Result<(), String>>(mut f: F) -> Result<Duration, String> {
    let mut best = Duration::MAX;
    for _ in 0..RUNS {
        let t = Instant::now();
        f()?;
        best = best.min(t.elapsed());
    }
    Ok(best)
}

/// Measures the row trace of one case: counts, commitment (checked against
/// a re-decode of the stream) and timings.
pub fn stats(pre: &InMemoryState, block: &BlockEnv, tx: &TxEnv<'_>) -> Result<Stats, String> {
    let mut bufs = HeapBuffers::new(&Limits::HOST);
    let untraced = best(|| {
        let mut evm = Evm::new(pre, bufs.buffers());
        evm.set_spec(Spec::Cancun);
        evm.transact(block, tx)
            .map(|_| ())
            .map_err(|e| e.to_string())
    })?;
    let mut last = None;
    let rows_time = best(|| {
        let mut evm = Evm::with_tracer(pre, bufs.buffers(), TraceWriter::new(NullSink));
        evm.set_spec(Spec::Cancun);
        evm.transact(block, tx).map_err(|e| e.to_string())?;
        let w = evm.tracer_mut();
        if let Some(e) = w.error() {
            return Err(format!("trace: {e}"));
        }
        last = Some(w.digest());
        Ok(())
    })?;
    let eip3155_time = best(|| {
        let mut evm = Evm::with_tracer(pre, bufs.buffers(), Eip3155::new(std::io::sink()));
        evm.set_spec(Spec::Cancun);
        evm.transact(block, tx)
            .map(|_| ())
            .map_err(|e| e.to_string())
    })?;
    let digest = last.ok_or("no run")?;
    // Keep the rows once (if they are not huge) and check they decode to the same commitment.
    if digest.bytes <= CHECK_MAX_BYTES {
        let mut evm = Evm::with_tracer(pre, bufs.buffers(), TraceWriter::new(Vec::new()));
        evm.set_spec(Spec::Cancun);
        evm.transact(block, tx).map_err(|e| e.to_string())?;
        let again = Commitment::of_stream(evm.tracer_mut().sink())
            .map_err(|e| format!("re-decode: {e}"))?;
        if again != digest {
            return Err("commitment of the decoded stream differs".into());
        }
    }
    Ok(Stats {
        rows: digest.rows,
        bytes: digest.bytes,
        commitment: digest.hash,
        untraced,
        rows_time,
        eip3155_time,
    })
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn print_stats(s: &Stats) {
    let per_row = s.bytes as f64 / (s.rows.max(1)) as f64;
    let rate = |d: Duration| s.rows as f64 / d.as_secs_f64().max(1e-9);
    println!("rows            {}", s.rows);
    println!("bytes           {} ({per_row:.1} bytes/row)", s.bytes);
    println!("commitment      0x{}", hex(&s.commitment));
    println!("untraced        {:?}", s.untraced);
    println!(
        "rows + commit   {:?} ({:.0} rows/s)",
        s.rows_time,
        rate(s.rows_time)
    );
    println!(
        "EIP-3155 lines  {:?} ({:.0} rows/s)",
        s.eip3155_time,
        rate(s.eip3155_time)
    );
    let per_row =
        |d: Duration| d.saturating_sub(s.untraced).as_secs_f64() * 1e9 / (s.rows.max(1)) as f64;
    println!(
        "overhead        rows {:.0} ns/row, EIP-3155 {:.0} ns/row (traced minus untraced)",
        per_row(s.rows_time),
        per_row(s.eip3155_time)
    );
}

fn trace_json(pre: &InMemoryState, block: &BlockEnv, tx: &TxEnv<'_>) -> Result<(), String> {
    let mut bufs = HeapBuffers::new(&Limits::HOST);
    let stdout = std::io::stdout();
    let out = std::io::BufWriter::new(stdout.lock());
    let mut evm = Evm::with_tracer(pre, bufs.buffers(), Eip3155::new(out));
    evm.set_spec(Spec::Cancun);
    let result = evm.transact(block, tx);
    let (root, output, gas_used, pass) = match &result {
        Ok(o) => {
            let mut post = pre.clone();
            post.apply_changes(evm.changes(), evm.storage_changes());
            (
                state_root(&post)?,
                evm.output().to_vec(),
                o.gas_used,
                o.status == ExecStatus::Success,
            )
        }
        Err(Error::InvalidTx(_)) => (state_root(pre)?, Vec::new(), 0, false),
        Err(e) => return Err(format!("error: {e}")),
    };
    let w = evm.tracer_mut().writer();
    write_summary(w, &root, &output, gas_used, pass, "Cancun").map_err(|e| e.to_string())?;
    w.flush().map_err(|e| e.to_string())?;
    if let Err(Error::InvalidTx(e)) = result {
        eprintln!("zkevm: transaction rejected: {e}");
    }
    Ok(())
}

/// Runs `zkevm trace` on string arguments.
pub fn run(args: &[String]) -> Result<ExitCode, String> {
    match crate::args::parse::<Args>("trace", args)? {
        Ok(a) => run_args(a),
        Err(code) => Ok(code),
    }
}

/// Runs `zkevm trace`.
pub fn run_args(args: Args) -> Result<ExitCode, String> {
    let Args {
        file,
        index,
        stats: want_stats,
    } = args;
    let mut outcome: Option<Result<(), String>> = None;
    for_each_case(Path::new(&file), index, |info, pre, block, tx| {
        if outcome.is_some() {
            return;
        }
        outcome = Some(if want_stats {
            println!(
                "case            {} [d={} g={} v={}]",
                info.test, info.index[0], info.index[1], info.index[2]
            );
            stats(pre, block, tx).map(|s| print_stats(&s))
        } else {
            trace_json(pre, block, tx)
        });
    })?;
    match outcome {
        Some(r) => r.map(|()| ExitCode::SUCCESS),
        None => Err(format!("{file}: no Cancun case with those indexes")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_parsing() {
        assert_eq!(parse_index("1:0:2"), Ok([1, 0, 2]));
        assert!(parse_index("1:0").is_err());
        assert!(parse_index("a:0:0").is_err());
    }
}
