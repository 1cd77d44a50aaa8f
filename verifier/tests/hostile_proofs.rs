//! Real proofs pass the shape check and verify; each known winterfell 0.13 panic path (DESIGN.md §5) panics without the check and is a typed `ShapeError` with it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{
    checked, metered, proof, proofs, quietly, raw, splice, varint, varint_len, with_byte, Meter,
    Outcome,
};
use verifier::limits;
use verifier::shape::test_air::{self, Refusal, EXPECTED};
use verifier::shape::{check, ExpectedOptions, ExpectedShape, Item, ShapeError};
use winter_air::proof::Proof;
use winter_math::{fields::f64::BaseElement, FieldElement, StarkField};

#[global_allocator]
static METER: Meter = Meter;

#[test]
fn valid_proofs_of_several_lengths_pass_and_verify() {
    // FRI layers: lde 2^6 → none (≤ 32·8), 2^9 → 1, 2^13 → 2, 2^15 → 3.
    let layers = [(3, 0u8, 8u64), (6, 1, 8), (10, 2, 16), (12, 3, 8)];
    for f in proofs() {
        let shape = check(&f.bytes, &EXPECTED).unwrap();
        let (_, want_layers, want_remainder) = layers.iter().find(|(l, ..)| *l == f.log2).unwrap();
        assert_eq!(u32::from(shape.trace_length_log2), f.log2);
        assert_eq!(u32::from(shape.lde_domain_log2), f.log2 + 3);
        assert_eq!(shape.fri_layers, *want_layers, "2^{}", f.log2);
        assert_eq!(shape.fri_remainder_len, *want_remainder, "2^{}", f.log2);
        assert_eq!(shape.num_constraints, 8);
        assert_eq!(shape.bytes, f.bytes.len() as u64);
        assert!(shape.unique_queries >= 1 && shape.unique_queries <= 27);
        // What passes deserialises and re-serialises to the same bytes.
        let parsed = Proof::from_bytes(&f.bytes).unwrap();
        assert_eq!(parsed.to_bytes(), f.bytes);
        assert_eq!(
            usize::from(shape.unique_queries),
            usize::from(parsed.num_unique_queries)
        );
        assert!(
            matches!(checked(&f.bytes, f.inputs), Outcome::Accepted),
            "2^{}",
            f.log2
        );
        // Wrong public inputs: refused by winterfell, not by the shape.
        let mut wrong = f.inputs;
        wrong.result += BaseElement::ONE;
        assert!(matches!(
            checked(&f.bytes, wrong),
            Outcome::Refused(Refusal::Verify(_))
        ));
        println!("2^{} rows: {} bytes, {shape:?}", f.log2, f.bytes.len());
    }
}

#[test]
fn the_goldilocks_modulus_is_what_winterfell_writes() {
    assert_eq!(
        BaseElement::get_modulus_le_bytes(),
        verifier::shape::GOLDILOCKS_MODULUS_LE.to_vec()
    );
    let options = ExpectedOptions::REFERENCE.to_proof_options().unwrap();
    assert_eq!(
        winter_utils::Serializable::to_bytes(&options),
        ExpectedOptions::REFERENCE.to_bytes().to_vec()
    );
}

#[test]
fn a_shape_outside_the_limits_is_a_configuration_error() {
    let f = proof(6);
    type Edit = fn(&mut ExpectedShape);
    let cases: [(Edit, Item); 8] = [
        (|e| e.options.num_queries = 0, Item::NumQueries),
        (|e| e.options.blowup = 6, Item::Blowup),
        (|e| e.options.fri_folding = 32, Item::FriFolding),
        (|e| e.options.num_partitions = 0, Item::Partitions),
        (|e| e.max_trace_length_log2 = 40, Item::TraceLengthLog2),
        (|e| e.aux_rands = 0, Item::AuxRands),
        (|e| e.field_modulus_le = &[], Item::ModulusBytes),
        // 27 queries need an LDE domain of more than 27 points.
        (
            |e| {
                e.options.blowup = 2;
                e.min_trace_length_log2 = 3;
            },
            Item::NumQueries,
        ),
    ];
    for (edit, item) in cases {
        let mut e = EXPECTED;
        edit(&mut e);
        assert_eq!(
            check(&f.bytes, &e),
            Err(ShapeError::BadExpectation { item })
        );
        assert!(e.options.to_proof_options().is_err() || e.validate().is_err());
    }
    // The size cap comes before everything else, the expectation included.
    let mut bad = EXPECTED;
    bad.main_width = 0;
    let huge = vec![0u8; limits::MAX_PROOF_BYTES + 1];
    assert!(matches!(
        check(&huge, &bad),
        Err(ShapeError::TooLarge { .. })
    ));
}

/// `mutated` panics in winterfell alone and is refused by the shape check
/// with `expected`.
fn panics_without_check(name: &str, mutated: &[u8], expected: ShapeError) {
    let f = proof(6);
    let message = raw(mutated, f.inputs).expect_err(name);
    println!("{name}: winterfell panics: {message}");
    assert_eq!(check(mutated, &EXPECTED), Err(expected), "{name}");
    match checked(mutated, f.inputs) {
        Outcome::Refused(Refusal::Shape(e)) => assert_eq!(e, expected, "{name}"),
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn proof_options_new_asserts() {
    let f = proof(6);
    let o = f.layout.options;
    // (offset in the options, bad value, item)
    for (i, value, item) in [
        (0, 0u8, Item::NumQueries),
        (1, 3, Item::Blowup),
        (1, 0, Item::Blowup),
        (2, 33, Item::Grinding),
        (4, 0, Item::FriFolding),
        (4, 32, Item::FriFolding),
        (5, 30, Item::FriRemainderDegree),
        (8, 0, Item::Partitions),
        (8, 17, Item::Partitions),
        (9, 0, Item::HashRate),
    ] {
        let want = ExpectedOptions::REFERENCE.to_bytes()[i];
        panics_without_check(
            &format!("ProofOptions {item:?} = {value}"),
            &with_byte(&f.bytes, o + i, value),
            ShapeError::Mismatch {
                item,
                got: value.into(),
                expected: want.into(),
            },
        );
    }
}

#[test]
fn trace_info_asserts() {
    let f = proof(6);
    let l = &f.layout;
    // An empty auxiliary segment with a random element: new_multi_segment asserts.
    panics_without_check(
        "aux width 0 with 1 random element",
        &with_byte(&f.bytes, l.aux_width, 0),
        ShapeError::Mismatch {
            item: Item::AuxWidth,
            got: 0,
            expected: 1,
        },
    );
    // 2^64 rows: `2_usize.pow(64)` overflows.
    panics_without_check(
        "trace length 2^64",
        &with_byte(&f.bytes, l.trace_log2, 64),
        ShapeError::OutOfRange {
            item: Item::TraceLengthLog2,
            got: 64,
            min: 3,
            max: 14,
        },
    );
}

#[test]
fn a_single_segment_claim_makes_the_air_assert() {
    // aux width 0 and no random elements is a valid TraceInfo, but the AIR
    // (like any AIR with an auxiliary segment) asserts in `AirContext::new`.
    let f = proof(6);
    let l = &f.layout;
    // Without the auxiliary segment's queries, so that `from_bytes` succeeds.
    let (aux_queries, constraint_queries) = (l.queries[1].0, l.queries[2].0);
    let mut mutated = splice(&f.bytes, aux_queries..constraint_queries, &[]);
    mutated[l.aux_width] = 0;
    mutated[l.aux_rands] = 0;
    assert!(Proof::from_bytes(&mutated).is_ok());
    panics_without_check(
        "aux width 0, 0 random elements",
        &mutated,
        ShapeError::Mismatch {
            item: Item::AuxWidth,
            got: 0,
            expected: 1,
        },
    );
}

#[test]
fn read_many_with_an_attacker_chosen_count() {
    let f = proof(6);
    let (values, _, _) = f.layout.queries[0];
    let old = varint_len(&f.bytes, values);
    // 2^63 elements: `Vec::with_capacity` overflows.
    let mutated = splice(&f.bytes, values..values + old, &varint(1 << 63));
    let unique = u64::from(check(&f.bytes, &EXPECTED).unwrap().unique_queries);
    panics_without_check(
        "Queries values of 2^63 bytes",
        &mutated,
        ShapeError::Mismatch {
            item: Item::MainQueryValues,
            got: 1 << 63,
            expected: unique * 3 * 8,
        },
    );
}

#[test]
fn read_many_allocates_what_the_proof_claims_and_the_check_nothing() {
    let f = proof(6);
    let (values, _, _) = f.layout.queries[0];
    let old = varint_len(&f.bytes, values);
    let claim = 1u64 << 28; // 256 MiB
    let mutated = splice(&f.bytes, values..values + old, &varint(claim));
    let (parsed, _, largest) = metered(|| Proof::from_bytes(&mutated).is_ok());
    assert!(!parsed);
    println!("Proof::from_bytes allocated {largest} bytes at once for a claim of {claim}");
    assert!(
        largest as u64 >= claim,
        "winterfell reserved the claimed length"
    );
    let (result, peak, largest) = metered(|| check(&mutated, &EXPECTED));
    assert!(matches!(
        result,
        Err(ShapeError::Mismatch { item: Item::MainQueryValues, got, .. }) if got == claim
    ));
    assert_eq!((peak, largest), (0, 0), "the shape check allocates nothing");
}

#[test]
fn a_proof_for_another_field_trips_from_bytes_with_padding() {
    let f = proof(6);
    let l = &f.layout;
    // A 16-byte modulus: `from_bytes_with_padding` asserts on its 8-byte halves.
    let mut mutated = splice(&f.bytes, l.modulus_len..l.modulus_len + 1, &[16]);
    let at = l.modulus_len + 1 + 8;
    mutated.splice(at..at, [0xaa; 8]);
    panics_without_check(
        "16-byte field modulus",
        &mutated,
        ShapeError::Mismatch {
            item: Item::ModulusBytes,
            got: 16,
            expected: 8,
        },
    );
    // Same length, another modulus: winterfell returns Err; so does the check.
    let other = with_byte(&f.bytes, l.modulus_len + 1, 0x02);
    assert_eq!(check(&other, &EXPECTED), Err(ShapeError::WrongField));
    assert_eq!(raw(&other, f.inputs), Ok(false));
}

#[test]
fn a_merkle_batch_whose_depth_is_a_lie() {
    // facebook/winterfell#200: the depth byte sizes `1 << depth`.
    let f = proof(6);
    for (segment, item_depth) in [(0, 9u8), (1, 9), (2, 9)] {
        let (_, depth, _) = f.layout.queries[segment];
        assert_eq!(f.bytes[depth], item_depth);
        let name = format!("Merkle depth 70 in segment {segment}");
        let mutated = with_byte(&f.bytes, depth, 70);
        // winterfell's `1 << depth` panics on overflow in a debug build and
        // wraps (to a wrong depth: the proof is refused) in a release build;
        // either way it never accepts, and the shape check refuses it by name
        // in both profiles.
        let raw_outcome = raw(&mutated, f.inputs);
        if cfg!(debug_assertions) {
            assert!(raw_outcome.is_err(), "{name}: {raw_outcome:?}");
        } else {
            assert_eq!(raw_outcome, Ok(false), "{name}");
        }
        let expected = ShapeError::Mismatch {
            item: Item::MerkleDepth,
            got: 70,
            expected: item_depth.into(),
        };
        assert_eq!(check(&mutated, &EXPECTED), Err(expected), "{name}");
        match checked(&mutated, f.inputs) {
            Outcome::Refused(Refusal::Shape(e)) => assert_eq!(e, expected, "{name}"),
            other => panic!("{name}: {other:?}"),
        }
    }
    // A smaller lie is an Err in winterfell and a typed error here.
    let (_, depth, _) = f.layout.queries[0];
    let small = with_byte(&f.bytes, depth, 8);
    assert_eq!(raw(&small, f.inputs), Ok(false));
    assert!(matches!(
        check(&small, &EXPECTED),
        Err(ShapeError::Mismatch {
            item: Item::MerkleDepth,
            got: 8,
            expected: 9
        })
    ));
}

#[test]
fn fri_partitions_divide_by_zero() {
    // The byte is log2(partitions); 64 makes `2usize.pow(64)` overflow (and
    // wrap to a zero divisor in a release build).
    let f = proof(6);
    panics_without_check(
        "FRI partitions 2^64",
        &with_byte(&f.bytes, f.layout.partitions, 64),
        ShapeError::Mismatch {
            item: Item::FriPartitions,
            got: 64,
            expected: 0,
        },
    );
}

#[test]
fn fewer_fri_layers_than_the_domain_needs() {
    // The verifier pops one layer per fold it expects: `Vec::remove` on an
    // empty list.
    let f = proof(6);
    let l = &f.layout;
    let (start, end) = l.fri_layer_spans[0];
    let mut mutated = splice(&f.bytes, start..end, &[]);
    mutated[l.fri_layers] = 0;
    panics_without_check(
        "0 FRI layers for a 2^9 domain",
        &mutated,
        ShapeError::Mismatch {
            item: Item::FriLayers,
            got: 0,
            expected: 1,
        },
    );
}

#[test]
fn zero_unique_queries() {
    let f = proof(6);
    panics_without_check(
        "0 unique queries",
        &with_byte(&f.bytes, f.layout.unique_queries, 0),
        ShapeError::OutOfRange {
            item: Item::UniqueQueries,
            got: 0,
            min: 1,
            max: 27,
        },
    );
}

#[test]
fn an_ood_frame_of_other_than_two_rows() {
    let f = proof(6);
    for at in [f.layout.ood_trace + 2, f.layout.ood_quotient + 2] {
        assert_eq!(f.bytes[at], 2);
        panics_without_check(
            "OOD frame of 3 rows",
            &with_byte(&f.bytes, at, 3),
            ShapeError::Mismatch {
                item: Item::OodFrameRows,
                got: 3,
                expected: 2,
            },
        );
    }
}

#[test]
fn trailing_bytes_are_ignored_by_winterfell_and_refused_here() {
    let f = proof(6);
    let mut extended = f.bytes.clone();
    extended.extend_from_slice(b"trailing");
    // winterfell's `from_bytes` stops at the proof's end: the extension verifies.
    assert_eq!(raw(&extended, f.inputs), Ok(true));
    assert_eq!(
        check(&extended, &EXPECTED),
        Err(ShapeError::TrailingBytes { got: 8 })
    );
}

#[test]
fn heap_of_an_accepted_or_refused_proof_stays_bounded() {
    // The whole device path (check, parse, verify) for the valid proofs and
    // for each panic-path mutation: peak live heap at most 4 × the proof
    // plus 256 KiB, and the check itself allocates nothing.
    for f in proofs() {
        let ((), check_peak, _) = metered(|| {
            check(&f.bytes, &EXPECTED).unwrap();
        });
        assert_eq!(check_peak, 0);
        let (outcome, peak, _) = metered(|| test_air::verify_bytes(&f.bytes, f.inputs));
        assert!(outcome.is_ok());
        let bound = 4 * f.bytes.len() + 256 * 1024;
        println!(
            "2^{} rows: proof {} bytes, verify heap peak {peak} bytes",
            f.log2,
            f.bytes.len()
        );
        assert!(peak <= bound, "peak {peak} > {bound}");
    }
    let _ = quietly(|| ());
}
