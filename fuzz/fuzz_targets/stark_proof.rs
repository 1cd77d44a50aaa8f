//! Fuzz target `stark_proof`: arbitrary bytes (seeded with real winterfell proofs of the verifier's test AIR) through the device path — `verifier::shape::check`, then `Proof::from_bytes`, then `winter_verifier::verify`; never a panic, and what passes the check deserialises to exactly its bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use verifier::shape::check;
use verifier::shape::test_air::{public_inputs, standard_start, verify_proof, EXPECTED};
use winter_air::proof::Proof;

fuzz_target!(|data: &[u8]| {
    let Ok(shape) = check(data, &EXPECTED) else {
        return;
    };
    let proof = Proof::from_bytes(data).expect("a proof of the right shape deserialises");
    assert_eq!(proof.to_bytes(), data, "a checked proof re-serialises to its bytes");
    let log2 = u32::from(shape.trace_length_log2);
    let inputs = public_inputs(log2, standard_start(log2));
    // Ok or Err, never a panic (libFuzzer reports a panic as a crash).
    let _ = verify_proof(proof, inputs, &EXPECTED.options);
});
