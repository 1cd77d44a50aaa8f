//! QEMU: STARK proof files verified on the device (`VerifyStark`): honest accepted, tampered rejected with a type.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test code: a failure fails the test

use std::time::Duration;

use protocol::{Rejection, Reply, StarkSummary};
use verifier::{Proof, Status};
use zkevm_tests::stark::{countdown, prove};
use zkevm_tests::{build_firmware, Device};

/// Heap bytes in use now.
fn heap_used(device: &mut Device) -> u32 {
    match device.call(&protocol::Request::Info).unwrap() {
        Reply::Info { heap_used, .. } => heap_used,
        other => panic!("expected Info, got {other:?}"),
    }
}

fn accepted(device: &mut Device, file: &[u8]) -> StarkSummary {
    match device.verify_stark(file).unwrap() {
        Reply::StarkVerified(summary) => *summary,
        other => panic!("honest proof not accepted: {other:?}"),
    }
}

/// `file` is rejected with a STARK fault and a reason, and the device then
/// answers the next request.
fn rejected(device: &mut Device, file: &[u8], what: &str) -> protocol::StarkFault {
    let reply = device
        .verify_stark(file)
        .unwrap_or_else(|e| panic!("{what}: the device stopped answering: {e}"));
    let fault = match reply {
        Reply::Rejected {
            kind: Rejection::InvalidStark(fault),
            reason,
        } => {
            assert!(!reason.is_empty(), "{what}: empty reason");
            fault
        }
        other => panic!("{what}: expected a STARK rejection, got {other:?}"),
    };
    assert!(
        matches!(
            device.call(&protocol::Request::Ping).unwrap(),
            Reply::Pong { .. }
        ),
        "{what}: the device stopped serving"
    );
    fault
}

/// Offsets spread over the whole file: every part (header, statement,
/// counts, STARK) is hit.
fn spread_offsets(len: usize, count: usize) -> Vec<usize> {
    let mut offsets: Vec<usize> = (0..count).map(|i| i * len / count + (i * 7) % 13).collect();
    offsets.extend([0, 9, 12, len / 2, len - 1]);
    offsets.retain(|&o| o < len);
    offsets.sort_unstable();
    offsets.dedup();
    offsets
}

/// Each public input (and each table of counts) changed.
fn changed_statements(proof: &Proof) -> Vec<(&'static str, Proof)> {
    let mut cases: Vec<(&'static str, Proof)> = Vec::new();
    let mut change = |what, f: &dyn Fn(&mut Proof)| {
        let mut p = proof.clone();
        f(&mut p);
        cases.push((what, p));
    };
    change("code", &|p| p.public.code[1] ^= 1);
    change("calldata", &|p| p.public.calldata[0] ^= 1);
    change("caller", &|p| p.public.caller[19] ^= 1);
    change("address", &|p| p.public.address[0] ^= 1);
    change("value", &|p| p.public.value[31] ^= 1);
    change("gas limit", &|p| p.public.gas_limit += 1);
    change("gas used", &|p| p.public.gas_used -= 1);
    change("status", &|p| p.public.status = Status::Revert);
    change("return data", &|p| p.public.return_data = vec![0]);
    change("code counts", &|p| p.counts.code[0] += 1);
    change("byte counts", &|p| p.counts.bytes[0] += 1);
    change("calldata counts", &|p| p.counts.calldata[0] += 1);
    cases
}

#[test]
fn stark_proofs_on_the_device() {
    let (proof, figures) = prove(&countdown(20), &[1, 2, 3]).expect("prove");
    let file = proof.to_bytes();
    // Each verification is up to ~11 M instructions: give QEMU time on a busy machine.
    let mut device =
        Device::boot_with_limit(&build_firmware().unwrap(), Duration::from_secs(900)).unwrap();
    let baseline = heap_used(&mut device);

    let summary = accepted(&mut device, &file);
    println!(
        "honest proof ({} rows, {} B): accepted in {} instructions, heap peak {} B (baseline {} B)",
        summary.trace_rows,
        file.len(),
        summary.instructions,
        summary.heap_peak,
        summary.heap_base
    );
    assert_eq!(summary.trace_rows as usize, figures.rows);
    assert_eq!(summary.gas_used, proof.public.gas_used);
    assert_eq!(summary.gas_limit, proof.public.gas_limit);
    assert_eq!(summary.code_hash, evm_core::keccak256(&proof.public.code));
    assert_eq!(summary.calldata_len, 3);
    assert_eq!(summary.caller, proof.public.caller);
    assert_eq!(summary.stark_bytes as usize, proof.stark.len());
    assert_eq!(summary.heap_base, baseline);
    assert!(summary.instructions > 1_000_000, "{summary:?}");
    assert!(summary.heap_peak > baseline, "{summary:?}");
    assert_eq!(
        heap_used(&mut device),
        baseline,
        "heap after an accepted proof"
    );

    let offsets = spread_offsets(file.len(), 24);
    let mut faults = std::collections::BTreeMap::new();
    for (i, &offset) in offsets.iter().enumerate() {
        let flip = [0x01u8, 0x80, 0x10][i % 3];
        let mut bad = file.clone();
        bad[offset] ^= flip;
        let fault = rejected(&mut device, &bad, &format!("byte {offset} ^ {flip:#04x}"));
        *faults.entry(format!("{fault:?}")).or_insert(0) += 1;
    }
    println!(
        "{} byte changes at spread offsets rejected: {faults:?}",
        offsets.len()
    );
    for (what, p) in changed_statements(&proof) {
        let fault = rejected(&mut device, &p.to_bytes(), what);
        println!("{what} changed: rejected ({fault})");
    }
    rejected(&mut device, &file[..file.len() - 1], "truncated");
    assert_eq!(
        heap_used(&mut device),
        baseline,
        "heap after the rejections"
    );

    // Still serving, and still accepting.
    let again = accepted(&mut device, &file);
    assert_eq!(again.instructions, summary.instructions);
    assert_eq!(heap_used(&mut device), baseline);
    device.exit(0).unwrap();
}

/// Writes the `stark_file` fuzz seeds (honest proof files of two loop
/// programs) into `fuzz/corpus/stark_file/`. Run after an AIR change:
/// `cargo test -p zkevm-tests --test stark -- --ignored write_fuzz_seeds`.
#[test]
#[ignore = "writes the committed fuzz seeds"]
fn write_fuzz_seeds() {
    let dir = zkevm_tests::workspace_root().join("fuzz/corpus/stark_file");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, rounds, data) in [
        ("countdown-5", 5, &[][..]),
        ("countdown-40-calldata", 40, &[0, 7, 0xff][..]),
    ] {
        let (proof, _) = prove(&countdown(rounds), data).expect("prove");
        let bytes = proof.to_bytes();
        verifier::verify(&verifier::Proof::from_bytes(&bytes).unwrap()).unwrap();
        std::fs::write(dir.join(name), &bytes).unwrap();
        println!("{name}: {} bytes", bytes.len());
    }
}
