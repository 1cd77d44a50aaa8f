//! Fuzz target `stark_file`: bytes as a whole proof file of EVM execution, through the device path — `verifier::ProofFile::parse`, then `verifier::verify_parts` against the real `EvmAir`; never a panic, and no file but an honest seed is accepted.
//!
//! An input of more than 48 bytes is a whole file (the seeds in
//! `fuzz/corpus/stark_file` are real proof files made with `zkevm prove`).
//! A shorter one is a list of edits `(u16 offset, u8 xor)` of the committed
//! seed `countdown-5` (offset scaled over the file), so most runs reach
//! winterfell with a file of the right shape.
#![no_main]

use libfuzzer_sys::fuzz_target;
use verifier::{Proof, ProofFile};

/// Most bytes of an edit list (16 edits).
const EDITS: usize = 48;

/// The committed honest seeds: the only files the verifier may accept.
const SEEDS: [&[u8]; 2] = [
    include_bytes!("../corpus/stark_file/countdown-5"),
    include_bytes!("../corpus/stark_file/countdown-40-calldata"),
];

fuzz_target!(|data: &[u8]| {
    if data.len() <= EDITS {
        let seed = SEEDS[0];
        let mut bytes = seed.to_vec();
        for edit in data.chunks_exact(3) {
            let at = usize::from(u16::from_le_bytes([edit[0], edit[1]])) * bytes.len() / 65536;
            bytes[at] ^= edit[2];
        }
        if accepted(&bytes) {
            assert!(bytes == seed, "a tampered proof file was accepted");
        }
    } else if accepted(data) {
        assert!(
            SEEDS.contains(&data),
            "a proof file that is no seed was accepted"
        );
    }
});

/// Parse and verify as the device does (`firmware::stark`); a file that
/// parses also round-trips through the owned `Proof`.
fn accepted(bytes: &[u8]) -> bool {
    let Ok(file) = ProofFile::parse(bytes) else {
        assert!(
            Proof::from_bytes(bytes).is_err(),
            "the two parsers disagree"
        );
        return false;
    };
    let owned = Proof::from_bytes(bytes).expect("the two parsers agree");
    assert_eq!(
        owned.to_bytes(),
        bytes,
        "a parsed file re-serialises to its bytes"
    );
    verifier::verify_parts(&file.public, &file.counts, file.stark).is_ok()
}
