//! Honest proofs of hand-written programs verify; the prover refuses what the AIR does not constrain.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use verifier::Error;

#[test]
fn countdown_loop_proves_and_verifies() {
    let (public, rec) = common::run(&common::countdown(20), &[], 0);
    let (proof, figures) = prover::prove(public, &rec).expect("prove");
    assert_eq!(figures.steps, 1 + 20 * 7 + 2);
    assert!(figures.security_bits >= 90, "{figures:?}");
    let bytes = proof.to_bytes();
    let back = verifier::Proof::from_bytes(&bytes).expect("parse");
    assert_eq!(back, proof);
    verifier::verify(&back).expect("verify");
}

#[test]
fn mixed_program_proves_and_verifies() {
    let (public, rec) = common::run(&common::mixed(), &[1, 0, 2], 5);
    let (proof, _) = prover::prove(public, &rec).expect("prove");
    verifier::verify(&proof).expect("verify");
}

#[test]
fn prover_refuses_an_unconstrained_opcode_by_name() {
    // PUSH1 2, PUSH1 3, MUL, STOP
    let (public, rec) = common::run(&[0x60, 2, 0x60, 3, 0x02, 0x00], &[], 0);
    let err = prover::prove(public, &rec).expect_err("MUL is not constrained");
    assert_eq!(err, prover::Error::Unconstrained { op: 0x02, pc: 4 });
    assert!(err.to_string().contains("0x02"), "{err}");
}

#[test]
fn each_public_input_changed_is_rejected() {
    let (public, rec) = common::run(&common::mixed(), &[1, 0, 2], 5);
    let (proof, _) = prover::prove(public, &rec).expect("prove");
    let mut cases: Vec<(&str, verifier::Proof)> = Vec::new();
    let mut p = proof.clone();
    p.public.code[1] ^= 1;
    cases.push(("code", p));
    let mut p = proof.clone();
    p.public.calldata[0] ^= 1;
    cases.push(("calldata", p));
    let mut p = proof.clone();
    p.public.caller[19] ^= 1;
    cases.push(("caller", p));
    let mut p = proof.clone();
    p.public.address[0] ^= 1;
    cases.push(("address", p));
    let mut p = proof.clone();
    p.public.value[31] ^= 1;
    cases.push(("value", p));
    let mut p = proof.clone();
    p.public.gas_limit += 1;
    cases.push(("gas limit", p));
    let mut p = proof.clone();
    p.public.gas_used -= 1;
    cases.push(("gas used", p));
    let mut p = proof.clone();
    p.public.status = verifier::Status::Revert;
    cases.push(("status", p));
    let mut p = proof.clone();
    p.public.return_data = vec![0];
    cases.push(("return data", p));
    let mut p = proof.clone();
    p.counts.bytes[0] += 1;
    cases.push(("byte counts", p));
    let mut p = proof.clone();
    p.counts.code[0] += 1;
    cases.push(("code counts", p));
    let mut p = proof.clone();
    p.public.calldata[1] ^= 1;
    cases.push(("calldata byte CALLDATALOAD read", p));
    for (what, p) in cases {
        let r = verifier::verify(&p);
        assert!(r.is_err(), "{what} changed but accepted");
        let r2 = verifier::verify(&verifier::Proof::from_bytes(&p.to_bytes()).expect("parse"));
        assert_eq!(r, r2, "{what}");
        if what == "return data" {
            assert_eq!(r, Err(Error::NotProvable));
        }
    }
}

#[test]
fn truncated_push_then_implicit_stop_proves() {
    // PUSH2 with one byte of data: the interpreter stops at pc 3, past the end.
    let (public, rec) = common::run(&[0x61, 0x01], &[], 0);
    assert_eq!(rec.steps.last().map(|s| s.pc), Some(3));
    let (proof, _) = prover::prove(public, &rec).expect("prove");
    verifier::verify(&proof).expect("verify");
}

/// PUSH1 0x2a, PUSH1 0x20, MSTORE, PUSH1 0x20, PUSH1 0x20, RETURN: returns the word 0x2a.
const RETURNS_A_WORD: [u8; 11] = [
    0x60, 0x2a, 0x60, 0x20, 0x52, 0x60, 0x20, 0x60, 0x20, 0xf3, 0x00,
];

#[test]
fn return_of_a_word_proves_and_binds_the_return_data() {
    let (public, rec) = common::run(&RETURNS_A_WORD, &[], 0);
    assert_eq!(public.return_data.len(), 32);
    assert_eq!(public.return_data[31], 0x2a);
    let (proof, _) = prover::prove(public, &rec).expect("prove");
    verifier::verify(&proof).expect("verify");
    let mut p = proof.clone();
    p.public.return_data[31] ^= 1;
    assert!(verifier::verify(&p).is_err(), "other return data accepted");
    let mut p = proof.clone();
    p.public.return_data.clear();
    assert!(verifier::verify(&p).is_err(), "empty return data accepted");
    let mut p = proof;
    p.public.status = verifier::Status::Revert;
    assert!(verifier::verify(&p).is_err(), "revert status accepted");
}

#[test]
fn revert_proves_with_its_status() {
    // PUSH1 7, PUSH0, MSTORE, PUSH0, PUSH0, REVERT (no data), then the same with 32 bytes
    for (code, len) in [
        (vec![0x60, 7, 0x5f, 0x52, 0x5f, 0x5f, 0xfd], 0),
        (vec![0x60, 7, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xfd], 32),
    ] {
        let (public, rec) = common::run(&code, &[], 0);
        assert_eq!(public.status, verifier::Status::Revert);
        assert_eq!(public.return_data.len(), len);
        let (proof, _) = prover::prove(public, &rec).expect("prove");
        verifier::verify(&proof).expect("verify");
        let mut p = proof;
        p.public.status = verifier::Status::Success;
        assert!(verifier::verify(&p).is_err(), "success status accepted");
    }
}

#[test]
fn return_of_other_sizes_is_refused() {
    // PUSH1 1, PUSH0, RETURN
    let (public, rec) = common::run(&[0x60, 1, 0x5f, 0xf3], &[], 0);
    assert_eq!(
        prover::prove(public, &rec).unwrap_err(),
        prover::Error::ReturnData
    );
}
