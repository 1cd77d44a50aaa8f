//! Execution traces on the device: rows encoded and committed in QEMU equal the host's.
#![allow(clippy::expect_used, clippy::panic)] // test code: a failed check fails the test

use protocol::{ExecSummary, TraceDigest, TraceMode};
use zkevm_tests::traces::{self, KNOWN_ANSWER_COMMITMENT, KNOWN_ANSWER_SIZE};
use zkevm_tests::{build_firmware, erc20, Device, Reply};

fn executed(reply: Reply, what: &str) -> Box<ExecSummary> {
    match reply {
        Reply::Executed(summary) => summary,
        other => panic!("{what}: {other:?}"),
    }
}

fn digest_of(summary: &ExecSummary, what: &str) -> TraceDigest {
    summary
        .trace
        .unwrap_or_else(|| panic!("{what}: no trace digest"))
}

/// Run `query` on the device untraced, committed and streamed, and on the
/// host through the firmware's own code path; every result must agree.
/// Returns (untraced instructions, committed instructions, digest).
fn check_query(device: &mut Device, query: &[u8], what: &str) -> (u64, u64, TraceDigest) {
    let off = executed(device.execute(query).expect("device answers"), what);
    let (commit, none) = device
        .execute_traced(query, TraceMode::Commit)
        .expect("device answers");
    assert!(none.is_empty(), "{what}: rows sent in commit mode");
    let commit = executed(commit, what);
    let (stream, rows) = device
        .execute_traced(query, TraceMode::Stream)
        .expect("device answers");
    let stream = executed(stream, what);
    let digest = digest_of(&commit, what);
    assert_eq!(digest_of(&stream, what), digest, "{what}: commit vs stream");
    traces::check_rows(&rows, &digest).expect(what);
    assert!(off.trace.is_none() && stream.instructions.is_none());
    for traced in [&commit, &stream] {
        assert_eq!(
            (traced.status, traced.gas_used, traced.output_hash),
            (off.status, off.gas_used, off.output_hash),
            "{what}: tracing changed the result"
        );
    }

    let (host, host_rows) = traces::execute_on_host(query, TraceMode::Stream).expect("host runs");
    let host = executed(host, what);
    assert_eq!(
        host.trace,
        Some(digest),
        "{what}: host and device commitments"
    );
    assert_eq!(host_rows, rows, "{what}: host and device rows");
    let off_instructions = off.instructions.expect("untraced run is measured");
    let commit_instructions = commit.instructions.expect("committed run is measured");
    (off_instructions, commit_instructions, digest)
}

fn report(what: &str, off: u64, committed: u64, d: &TraceDigest) {
    let per_row = committed.saturating_sub(off) as f64 / d.rows.max(1) as f64;
    println!(
        "{what}: {} rows, {} bytes ({:.1} B/row), {off} instructions untraced, \
         {committed} with rows + commitment ({per_row:.0} instructions/row)",
        d.rows,
        d.bytes,
        d.bytes as f64 / d.rows.max(1) as f64
    );
}

#[test]
fn the_device_commits_the_same_trace_as_the_host() {
    let firmware = build_firmware().expect("firmware");
    let mut device = Device::boot(&firmware).expect("boots");

    // The known answer, fixed independently by evm-trace's own test.
    let kat = traces::known_answer_case().query_bytes().expect("query");
    let (off, committed, digest) = check_query(&mut device, &kat, "known answer");
    assert_eq!(digest.hash, KNOWN_ANSWER_COMMITMENT);
    assert_eq!((digest.rows, digest.bytes), KNOWN_ANSWER_SIZE);
    report("known-answer program", off, committed, &digest);

    // A token transfer with storage reads, writes and a log; and an overdraft (REVERT).
    let code = erc20::token_code().expect("assembles");
    for amount in [250, 2_000_000] {
        let query = erc20::transfer_query(&code, amount).expect("query");
        let (off, committed, digest) = check_query(&mut device, &query, "ERC-20 transfer");
        report(
            &format!("ERC-20 transfer({amount})"),
            off,
            committed,
            &digest,
        );
    }

    // Benchmarks with loops, memory growth and a memory-limit halt.
    match zkevm_tests::benchmarks::ipsilon_cases() {
        Ok(cases) => {
            let wanted = [
                "swap_math/swap_math[London 2]",
                "jump_around/jump_around[London 0]",
                "structarray_alloc/structarray_alloc[London 0]",
            ];
            for case in cases.iter().filter(|c| wanted.contains(&c.name.as_str())) {
                let query = case.query_bytes().expect("query");
                let (off, committed, digest) = check_query(&mut device, &query, &case.name);
                let (_, host_rows, host_digest) = case.trace_on_host().expect("host trace");
                assert_eq!(
                    (host_digest.hash, host_digest.rows, host_digest.bytes),
                    (digest.hash, digest.rows, digest.bytes),
                    "{}: evm-trace on the host",
                    case.name
                );
                assert_eq!(host_rows.len() as u64, digest.bytes);
                report(&case.name, off, committed, &digest);
            }
        }
        Err(e) => println!("SKIPPED the benchmark traces: no fixtures ({e})"),
    }

    // A device that traced keeps serving, and a bad staged query is refused.
    let (reply, rows) = device
        .execute_traced(&[0xff; 3], TraceMode::Stream)
        .expect("device answers");
    assert!(rows.is_empty());
    assert!(matches!(reply, Reply::Error(_)), "{reply:?}");
    assert_eq!(device.exit(0).expect("exit").exit_code, Some(0));
}
