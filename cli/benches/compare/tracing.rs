//! The cost of tracing on the host: evm-core untraced, with compact rows + commitment, with EIP-3155 lines.

use std::fmt::Write as _;

use evm_core::{HeapBuffers, Tracer};
use evm_trace::eip3155::Eip3155;
use evm_trace::{NullSink, TraceWriter};

use super::{compare_n, fmt_ms, median, ours_evm, transact, Bench, Plan, BENCH_LIMITS};

/// Run `b` with `tracer`, then read it with `after`; `Err` when the run failed.
fn run_with<T: Tracer, A>(
    b: &Bench,
    bufs: &mut HeapBuffers,
    tracer: T,
    after: impl FnOnce(&mut T) -> A,
) -> Result<A, String> {
    let mut evm = ours_evm(b, bufs, tracer);
    transact(&mut evm, b)?;
    Ok(after(evm.tracer_mut()))
}

/// The tracing section: for each benchmark, rows, bytes per row, and the
/// time untraced, with rows + commitment (into a `NullSink`, as a device
/// streaming them out) and with EIP-3155 lines (into `io::sink`).
pub fn section(plan: Plan, benches: &[Bench]) -> String {
    // Traced runs are long: a third of the interpreter table's repetitions.
    let plan = Plan {
        reps: (plan.reps / 3).max(3),
        ..plan
    };
    let mut md = String::from("## Tracing (host): evm-trace rows and EIP-3155 lines\n\n");
    let _ = writeln!(
        md,
        "Each benchmark run untraced (`NoTracer`: the hooks compile away), with \
         `TraceWriter<NullSink>` (rows encoded with postcard and absorbed into the keccak \
         commitment, as a device streaming them out) and with `Eip3155<io::Sink>` (JSON lines \
         formatted and discarded). Medians of {} repetitions, the three rotating. Overhead per \
         row = (traced − untraced) / rows. The main benchmarks; snailtracer (8.2 M rows) only \
         with `--tracing --filter snailtracer`.\n",
        plan.reps
    );
    md += "| benchmark | rows | bytes/row | untraced ms | rows + commit ms | rows/s | ns/row | EIP-3155 ms | ns/line |\n";
    md += "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    let mut bufs = HeapBuffers::new(&BENCH_LIMITS);
    let (mut all_rows, mut all_bytes, mut per_row) = (0u64, 0u64, Vec::new());
    for b in benches {
        let digest = match run_with(b, &mut bufs, TraceWriter::new(NullSink), |w| w.result()) {
            Ok(Ok(d)) => d,
            Ok(Err(e)) => {
                let _ = writeln!(md, "| {} | **trace error: {e}** |||||||", b.name);
                continue;
            }
            Err(e) => {
                let _ = writeln!(md, "| {} | **run failed: {e}** |||||||", b.name);
                continue;
            }
        };
        let t = {
            let mut bufs2 = HeapBuffers::new(&BENCH_LIMITS);
            let mut bufs3 = HeapBuffers::new(&BENCH_LIMITS);
            compare_n(
                plan,
                &mut [
                    &mut || {
                        let r = run_with(b, &mut bufs, evm_core::NoTracer, |_| ());
                        let _ = std::hint::black_box(r);
                    },
                    &mut || {
                        let w = TraceWriter::new(NullSink);
                        let _ = std::hint::black_box(run_with(b, &mut bufs2, w, |w| w.digest()));
                    },
                    &mut || {
                        let w = Eip3155::new(std::io::sink());
                        let _ = std::hint::black_box(run_with(b, &mut bufs3, w, |w| w.lines()));
                    },
                ],
            )
        };
        let rows = digest.rows.max(1);
        let ns_row = (t[1] - t[0]) / rows as f64 * 1e9;
        let ns_line = (t[2] - t[0]) / rows as f64 * 1e9;
        let line = format!(
            "| {} | {} | {:.1} | {} | {} | {:.1} M | {ns_row:.0} | {} | {ns_line:.0} |",
            b.name,
            digest.rows,
            digest.bytes as f64 / rows as f64,
            fmt_ms(t[0]),
            fmt_ms(t[1]),
            rows as f64 / t[1] / 1e6,
            fmt_ms(t[2]),
        );
        eprintln!("tracing {line}");
        md += &line;
        md.push('\n');
        all_rows += digest.rows;
        all_bytes += digest.bytes;
        per_row.push(ns_row);
    }
    let _ = writeln!(
        md,
        "\n- bytes per row over all {} rows: **{:.1}**; median overhead of rows + commitment: \
         **{:.0} ns/row**\n",
        all_rows,
        all_bytes as f64 / all_rows.max(1) as f64,
        median(per_row)
    );
    md
}
