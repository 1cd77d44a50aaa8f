//! Tampered real proofs: single-byte changes at 256 sampled offsets, truncations, extensions, insertions, deletions and random mutations are refused (by the shape check or winterfell's `Err`), never accepted and never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{checked, proof, raw, Fixture, Outcome};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use verifier::limits;
use verifier::shape::test_air::{Refusal, EXPECTED};
use verifier::shape::{check, ShapeError};
use winter_air::proof::Proof;

/// 256 offsets: every structural field of the layout, then evenly spread
/// offsets (with a deterministic jitter) over the rest of the proof.
fn sampled_offsets(f: &Fixture) -> Vec<usize> {
    let l = &f.layout;
    let mut offsets: Vec<usize> = (0..l.num_constraints + 2).collect();
    offsets.extend([l.unique_queries, l.commitments, l.commitments + 1]);
    for &(values, depth, vectors) in &l.queries {
        offsets.extend([values, values + 1, depth, vectors]);
    }
    offsets.extend([
        l.ood_trace,
        l.ood_trace + 2,
        l.ood_quotient,
        l.ood_quotient + 2,
    ]);
    offsets.push(l.fri_layers);
    for &(start, _) in &l.fri_layer_spans {
        offsets.extend([start, start + 1, start + 3]);
    }
    offsets.extend([
        l.remainder,
        l.remainder + 1,
        l.partitions,
        l.nonce,
        l.nonce + 7,
    ]);
    offsets.sort_unstable();
    offsets.dedup();
    let fixed = offsets.len();
    let mut seed = 0x9e37_79b9u32;
    let mut i = 0;
    while offsets.len() < 256 {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let span = (f.bytes.len() / (256 - fixed)).max(1);
        // Modulo the length, so the walk wraps instead of running off the
        // end (which looped forever when the fixed offsets left too few).
        let at = (i * span + (seed as usize % span)) % f.bytes.len();
        i += 1;
        assert!(i < 1 << 20, "could not sample 256 distinct offsets");
        if at < f.bytes.len() && !offsets.contains(&at) {
            offsets.push(at);
        }
    }
    offsets
}

#[derive(Debug, Default)]
struct Tally {
    shape: usize,
    verify: usize,
    raw_run: usize,
    raw_panics: usize,
    raw_refused: usize,
    /// Tampered proofs winterfell alone accepted (the shape check refuses them).
    raw_accepted: Vec<String>,
}

/// Runs `mutated` through the device path; panics (failing the test) if it
/// panicked or was accepted.
fn refused(f: &Fixture, mutated: &[u8], what: &str, tally: &mut Tally) {
    match checked(mutated, f.inputs) {
        Outcome::Refused(Refusal::Shape(_)) => tally.shape += 1,
        Outcome::Refused(Refusal::Verify(_)) => {
            // What passes the check deserialises to exactly these bytes.
            let parsed = Proof::from_bytes(mutated).unwrap();
            assert_eq!(parsed.to_bytes(), mutated, "{what}");
            tally.verify += 1;
        }
        Outcome::Refused(Refusal::Deserialize) => {
            panic!("{what}: passed the check, failed from_bytes")
        }
        Outcome::Accepted => panic!("{what}: a tampered proof was accepted"),
        Outcome::Panicked(message) => panic!("{what}: panicked: {message}"),
    }
}

/// Whether winterfell parses a proof with this shape-check verdict at the
/// same offsets as the original (a value, not a length, was changed).
fn aligned(verdict: Result<verifier::shape::ProofShape, ShapeError>) -> bool {
    use verifier::shape::Item::*;
    match verdict {
        Ok(_) => true,
        Err(ShapeError::WrongField | ShapeError::NonCanonicalElement { .. }) => true,
        Err(ShapeError::Mismatch { item, .. } | ShapeError::OutOfRange { item, .. }) => matches!(
            item,
            NumQueries
                | Blowup
                | Grinding
                | FieldExtension
                | FriFolding
                | FriRemainderDegree
                | ConstraintBatching
                | DeepBatching
                | Partitions
                | HashRate
                | NumConstraints
                | UniqueQueries
                | TraceLengthLog2
                | AuxRands
                | MerkleDepth
                | OodFrameRows
                | FriPartitions
        ),
        Err(_) => false,
    }
}

fn every_byte_change(log2: u32, values_per_offset: usize, with_raw: bool) -> Tally {
    let f = proof(log2);
    let offsets = sampled_offsets(f);
    assert_eq!(offsets.len(), 256);
    let mut tally = Tally::default();
    let mut mutated = f.bytes.clone();
    for &at in &offsets {
        let original = f.bytes[at];
        for k in 1..=values_per_offset {
            // All 255 other values, or a spread of them.
            let delta = if values_per_offset >= 255 {
                k
            } else {
                (k * 255) / values_per_offset
            };
            let value = original.wrapping_add(delta as u8);
            mutated[at] = value;
            let what = format!("2^{log2} byte {at}: {original:#04x} -> {value:#04x}");
            let verdict = check(&mutated, &EXPECTED);
            refused(f, &mutated, &what, &mut tally);
            // winterfell alone, only where its parse stays aligned: a length
            // it misreads can make it reserve terabytes, which aborts the
            // process (not a catchable panic).
            if with_raw && aligned(verdict) {
                tally.raw_run += 1;
                match raw(&mutated, f.inputs) {
                    Err(_) => tally.raw_panics += 1,
                    Ok(false) => tally.raw_refused += 1,
                    Ok(true) => tally.raw_accepted.push(what),
                }
            }
        }
        mutated[at] = original;
    }
    tally
}

/// Byte values tried at each offset in the default run (spread over 1..=255);
/// the `--ignored` sweeps try all 255 (130,560 verifications, minutes in a
/// debug build, so not part of `cargo xtask test`).
const QUICK_VALUES: usize = 8;

fn byte_changes_of_a_2_6_proof(values: usize) {
    let t = every_byte_change(6, values, true);
    println!(
        "2^6 proof, 256 offsets × {values} values = {}: shape check refused {}, verify refused {}; \
         winterfell alone on the {} that keep its parse aligned: {} panics, {} Err, {} accepted {:?}",
        t.shape + t.verify,
        t.shape,
        t.verify,
        t.raw_run,
        t.raw_panics,
        t.raw_refused,
        t.raw_accepted.len(),
        t.raw_accepted
    );
    assert_eq!(t.shape + t.verify, 256 * values);
    assert!(t.raw_panics > 0, "the sample reaches winterfell's panics");
}

fn byte_changes_of_a_2_10_proof(values: usize) {
    let t = every_byte_change(10, values, false);
    println!(
        "2^10 proof, 256 offsets × {values} values: shape check refused {}, verify refused {}",
        t.shape, t.verify
    );
    assert_eq!(t.shape + t.verify, 256 * values);
}

#[test]
fn byte_changes_at_256_offsets_of_a_2_6_proof_are_refused() {
    byte_changes_of_a_2_6_proof(QUICK_VALUES);
}

#[test]
fn byte_changes_at_256_offsets_of_a_2_10_proof_are_refused() {
    byte_changes_of_a_2_10_proof(QUICK_VALUES);
}

#[test]
#[ignore = "all 255 values at each offset: minutes in a debug build"]
fn every_single_byte_change_at_256_offsets_of_a_2_6_proof_is_refused() {
    byte_changes_of_a_2_6_proof(255);
}

#[test]
#[ignore = "all 255 values at each offset: minutes in a debug build"]
fn every_single_byte_change_at_256_offsets_of_a_2_10_proof_is_refused() {
    byte_changes_of_a_2_10_proof(255);
}

#[test]
fn every_truncation_is_refused_by_the_shape_check() {
    for log2 in [3, 6] {
        let f = proof(log2);
        for len in 0..f.bytes.len() {
            match check(&f.bytes[..len], &EXPECTED) {
                Err(ShapeError::Truncated { .. }) => {}
                other => panic!("2^{log2} cut to {len}: {other:?}"),
            }
        }
        // A sample through the whole path.
        let mut tally = Tally::default();
        for len in (0..f.bytes.len()).step_by(61) {
            refused(f, &f.bytes[..len], &format!("cut to {len}"), &mut tally);
        }
        assert_eq!(tally.verify, 0);
    }
}

#[test]
fn every_extension_is_refused() {
    let f = proof(6);
    let room = limits::MAX_PROOF_BYTES - f.bytes.len();
    for extra in [1usize, 2, 7, 8, 9, 64, 1000, room] {
        for fill in [0x00u8, 0xff] {
            let mut extended = f.bytes.clone();
            extended.resize(f.bytes.len() + extra, fill);
            assert_eq!(
                check(&extended, &EXPECTED),
                Err(ShapeError::TrailingBytes { got: extra as u64 })
            );
        }
    }
    let mut over = f.bytes.clone();
    over.resize(limits::MAX_PROOF_BYTES + 1, 0);
    assert_eq!(
        check(&over, &EXPECTED),
        Err(ShapeError::TooLarge {
            got: limits::MAX_PROOF_BYTES as u64 + 1,
            max: limits::MAX_PROOF_BYTES as u64
        })
    );
}

#[test]
fn a_byte_inserted_or_deleted_at_256_offsets_is_refused() {
    let f = proof(6);
    let mut tally = Tally::default();
    for at in sampled_offsets(f) {
        let mut deleted = f.bytes.clone();
        deleted.remove(at);
        refused(f, &deleted, &format!("byte {at} deleted"), &mut tally);
        for value in [0x00u8, 0x01, 0xff, f.bytes[at]] {
            let mut inserted = f.bytes.clone();
            inserted.insert(at, value);
            refused(
                f,
                &inserted,
                &format!("{value:#04x} inserted at {at}"),
                &mut tally,
            );
        }
    }
    println!(
        "insertions/deletions: shape {}, verify {}",
        tally.shape, tally.verify
    );
    assert_eq!(tally.shape + tally.verify, 256 * 5);
}

#[derive(Debug, Clone)]
enum Edit {
    Set(usize, u8),
    Xor(usize, u8),
    Delete(usize),
    Insert(usize, u8),
    Truncate(usize),
    Duplicate(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(a, v)| Edit::Set(a, v)),
        (any::<usize>(), 1u8..).prop_map(|(a, v)| Edit::Xor(a, v)),
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), any::<u8>()).prop_map(|(a, v)| Edit::Insert(a, v)),
        any::<usize>().prop_map(Edit::Truncate),
        (any::<usize>(), 1usize..64).prop_map(|(a, n)| Edit::Duplicate(a, n)),
    ]
}

fn apply(bytes: &mut Vec<u8>, edit: &Edit) {
    if bytes.is_empty() {
        return;
    }
    let at = |a: usize, bytes: &Vec<u8>| a % bytes.len();
    match *edit {
        Edit::Set(a, v) => {
            let i = at(a, bytes);
            bytes[i] = v;
        }
        Edit::Xor(a, v) => {
            let i = at(a, bytes);
            bytes[i] ^= v;
        }
        Edit::Delete(a) => {
            let i = at(a, bytes);
            bytes.remove(i);
        }
        Edit::Insert(a, v) => {
            let i = at(a, bytes);
            bytes.insert(i, v);
        }
        Edit::Truncate(a) => {
            let i = at(a, bytes);
            bytes.truncate(i);
        }
        Edit::Duplicate(a, n) => {
            let i = at(a, bytes);
            let end = (i + n).min(bytes.len());
            let copy: Vec<u8> = bytes[i..end].to_vec();
            bytes.splice(i..i, copy);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/mutations.txt",
        ))),
        ..ProptestConfig::default()
    })]

    /// Random edits of a real proof: never a panic, never accepted unless
    /// the bytes are unchanged; what passes the check deserialises to itself.
    #[test]
    fn random_mutations_are_refused(small in any::<bool>(), edits in proptest::collection::vec(edit(), 1..6)) {
        let f = proof(if small { 3 } else { 6 });
        let mut bytes = f.bytes.clone();
        for e in &edits {
            apply(&mut bytes, e);
        }
        match checked(&bytes, f.inputs) {
            Outcome::Panicked(message) => prop_assert!(false, "panicked: {message}"),
            Outcome::Accepted => prop_assert_eq!(&bytes, &f.bytes, "a tampered proof was accepted"),
            Outcome::Refused(Refusal::Deserialize) => prop_assert!(false, "passed the check, failed from_bytes"),
            Outcome::Refused(Refusal::Verify(_)) => {
                prop_assert_eq!(Proof::from_bytes(&bytes).unwrap().to_bytes(), bytes);
            }
            Outcome::Refused(Refusal::Shape(_)) => {}
        }
    }
}
