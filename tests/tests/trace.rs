//! Execution traces on the device: rows encoded and committed in QEMU equal the host's.
#![allow(clippy::expect_used)] // test code: a failed check fails the test

use protocol::TraceMode;
use zkevm_tests::traces::{self, TraceFigures, KNOWN_ANSWER_COMMITMENT, KNOWN_ANSWER_SIZE};
use zkevm_tests::{build_firmware, erc20, Device, Reply};

fn report(what: &str, f: &TraceFigures) {
    println!(
        "{what}: {} rows, {} bytes ({:.1} B/row), {} instructions untraced, {} with rows + \
         commitment ({:.0} instructions/row)",
        f.digest.rows,
        f.digest.bytes,
        f.bytes_per_row(),
        f.untraced,
        f.committed,
        f.per_row()
    );
}

#[test]
fn the_device_commits_the_same_trace_as_the_host() {
    let firmware = build_firmware().expect("firmware");
    let mut device = Device::boot(&firmware).expect("boots");

    // The known answer, fixed independently by evm-trace's own test.
    let kat = traces::known_answer_case().query_bytes().expect("query");
    let f = traces::check_on_device(&mut device, &kat, "known answer").expect("same trace");
    assert_eq!(f.digest.hash, KNOWN_ANSWER_COMMITMENT);
    assert_eq!((f.digest.rows, f.digest.bytes), KNOWN_ANSWER_SIZE);
    report("known-answer program", &f);

    // A token transfer with storage reads, writes and a log; and an overdraft (REVERT).
    let code = erc20::token_code().expect("assembles");
    for amount in [250, 2_000_000] {
        let query = erc20::transfer_query(&code, amount).expect("query");
        let f = traces::check_on_device(&mut device, &query, "ERC-20").expect("same trace");
        report(&format!("ERC-20 transfer({amount})"), &f);
    }

    // Benchmarks with loops and memory growth; their host trace also comes
    // from the harness's own state set-up. (structarray_alloc, which used to
    // end in a memory-limit halt, is now refused as a device limit.)
    match zkevm_tests::benchmarks::ipsilon_cases() {
        Ok(cases) => {
            let wanted = [
                "swap_math/swap_math[London 2]",
                "jump_around/jump_around[London 0]",
            ];
            for case in cases.iter().filter(|c| wanted.contains(&c.name.as_str())) {
                let query = case.query_bytes().expect("query");
                let f =
                    traces::check_on_device(&mut device, &query, &case.name).expect("same trace");
                let (_, host_rows, host) = case.trace_on_host().expect("host trace");
                assert_eq!(
                    (host.hash, host.rows, host.bytes),
                    (f.digest.hash, f.digest.rows, f.digest.bytes)
                );
                assert_eq!(host_rows.len() as u64, f.digest.bytes);
                report(&case.name, &f);
            }
        }
        Err(e) => panic!("{e}: {}", zkevm_fixtures::HINT),
    }

    // A device that traced keeps serving, and a bad staged query is refused.
    let (reply, rows) = device
        .execute_traced(&[0xff; 3], TraceMode::Stream)
        .expect("device answers");
    assert!(rows.is_empty());
    assert!(matches!(reply, Reply::Error(_)), "{reply:?}");
    assert_eq!(device.exit(0).expect("exit").exit_code, Some(0));
}
