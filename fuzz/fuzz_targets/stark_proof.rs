//! Fuzz target `stark_proof`: bytes through the device path — `verifier::shape::check`, then `Proof::from_bytes`, then `winter_verifier::verify` of the verifier's test AIR; never a panic, what passes the check deserialises to exactly its bytes, and no tampered proof is accepted.
//!
//! An input of more than 48 bytes is a whole proof (the seeds are real
//! proofs). A shorter one is a list of edits `(u16 offset, u8 xor)` of a real
//! 2^3-row proof proved once at start-up, so most runs reach winterfell's
//! verifier with a proof of the right shape.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use verifier::shape::check;
use verifier::shape::test_air::{
    prove_standard, public_inputs, standard_start, verify_proof, PublicInputs, EXPECTED,
};
use winter_air::proof::Proof;

/// Most bytes of an edit list (16 edits).
const EDITS: usize = 48;

fn real_proof() -> &'static (Vec<u8>, PublicInputs) {
    static PROOF: OnceLock<(Vec<u8>, PublicInputs)> = OnceLock::new();
    PROOF.get_or_init(|| prove_standard(3))
}

fuzz_target!(|data: &[u8]| {
    if data.len() <= EDITS {
        let (proof, _) = real_proof();
        let mut bytes = proof.clone();
        for edit in data.chunks_exact(3) {
            let at = usize::from(u16::from_le_bytes([edit[0], edit[1]])) % bytes.len();
            bytes[at] ^= edit[2];
        }
        if let Some(log2) = device_path(&bytes) {
            assert!(
                bytes == *proof || log2 != 3,
                "a tampered proof was accepted"
            );
        }
    } else if let Some(log2) = device_path(data) {
        assert!(
            !differs_from_seeds(data, log2),
            "a tampered proof was accepted"
        );
    }
});

/// The shape check, `from_bytes` and `verify`; `Some(log2)` when the proof
/// of 2^`log2` rows was accepted.
fn device_path(bytes: &[u8]) -> Option<u32> {
    let shape = check(bytes, &EXPECTED).ok()?;
    let proof = Proof::from_bytes(bytes).expect("a proof of the right shape deserialises");
    assert_eq!(
        proof.to_bytes(),
        bytes,
        "a checked proof re-serialises to its bytes"
    );
    let log2 = u32::from(shape.trace_length_log2);
    let inputs = public_inputs(log2, standard_start(log2));
    // Ok or Err, never a panic (libFuzzer reports a panic as a crash).
    verify_proof(proof, inputs, &EXPECTED.options)
        .is_ok()
        .then_some(log2)
}

/// Whether `bytes` differs from the real proof of 2^`log2` rows (the seeds).
fn differs_from_seeds(bytes: &[u8], log2: u32) -> bool {
    static SEEDS: OnceLock<Vec<(u32, Vec<u8>)>> = OnceLock::new();
    let seeds = SEEDS.get_or_init(|| {
        [3u32, 5, 6]
            .into_iter()
            .map(|l| (l, prove_standard(l).0))
            .collect()
    });
    seeds
        .iter()
        .find(|(l, _)| *l == log2)
        .is_none_or(|(_, seed)| seed.as_slice() != bytes)
}
