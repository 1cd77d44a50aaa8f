//! Wrong traces fail the evaluators and their proofs fail to verify; flipped proof bytes are rejected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use prover::trace::{self, MainTrace};
use verifier::cols;
use verifier::opcodes::{Class, CLASSES};
use winter_prover::math::fields::f64::BaseElement;

fn honest() -> (verifier::PublicInputs, MainTrace) {
    let (public, rec) = common::run(&common::mixed(), &[1, 0, 2], 5);
    prover::check_recording(&rec).unwrap();
    let t = trace::build(&public, &rec.steps, &rec.final_stack).unwrap();
    (public, t)
}

/// Every class but RETURN/REVERT (which end their own programs: see
/// `wrong_returned_word_size_or_status_is_rejected`).
fn mixed_classes() -> impl Iterator<Item = Class> {
    CLASSES
        .into_iter()
        .filter(|c| !matches!(c, Class::Return | Class::Revert))
}

fn get(t: &MainTrace, col: usize, row: usize) -> u64 {
    t.columns[col][row].as_int()
}

fn set(t: &mut MainTrace, col: usize, row: usize, v: u64) {
    t.columns[col][row] = BaseElement::new(v);
}

fn set_gas(t: &mut MainTrace, row: usize, g: u64) {
    set(t, cols::GAS, row, g);
    for j in 0..4 {
        set(t, cols::GAS_BYTES + j, row, (g >> (8 * j)) & 0xff);
    }
}

fn row_of(t: &MainTrace, class: Class) -> Option<usize> {
    (0..t.steps).find(|r| get(t, cols::SEL + class.index(), *r) == 1)
}

/// The evaluators (main constraints, then buses) reject `t`, and so does the verifier.
fn rejected(public: &verifier::PublicInputs, t: MainTrace, what: &str) {
    let main = verifier::air::check_main(&t.columns);
    let buses = prover::check_buses(public, &t);
    assert!(main.is_err() || buses.is_err(), "{what}: evaluators accept");
    let (proof, _) = prover::prove_trace(public.clone(), t, prover::Checks::SkipForTests)
        .expect("the unchecked path proves anything");
    assert!(verifier::verify(&proof).is_err(), "{what}: proof accepted");
}

#[test]
fn honest_trace_passes_both_evaluators() {
    let (public, t) = honest();
    verifier::air::check_main(&t.columns).unwrap();
    prover::check_buses(&public, &t).unwrap();
    for class in mixed_classes() {
        assert!(row_of(&t, class).is_some(), "{class:?} not exercised");
    }
}

#[test]
fn wrong_result_gas_pc_or_stack_value_is_rejected_for_every_class() {
    let (public, base) = honest();
    let mut checked = 0;
    for class in mixed_classes() {
        let r = row_of(&base, class).unwrap();
        // wrong result (the word the row writes)
        let res_col = match class {
            Class::Dup => Some(cols::A),
            Class::Swap => Some(cols::B),
            Class::Stop
            | Class::Jumpdest
            | Class::Pop
            | Class::Jump
            | Class::Jumpi
            | Class::MStore => None,
            _ => Some(cols::C),
        };
        if let Some(c) = res_col {
            let mut t = base.clone();
            let v = get(&t, c, r);
            set(&mut t, c, r, v ^ 1);
            if c == cols::C
                && matches!(
                    class,
                    Class::Add | Class::Sub | Class::Gas | Class::MSize | Class::Bitwise
                )
            {
                // keep C = R so only the arithmetic is wrong
                set(&mut t, cols::R, r, v ^ 1);
            }
            rejected(&public, t, &format!("{class:?} wrong result"));
            checked += 1;
        }
        // wrong gas: the instruction charges one more
        if class != Class::Stop {
            let mut t = base.clone();
            for row in r + 1..t.columns[0].len() {
                let g = get(&t, cols::GAS, row);
                set_gas(&mut t, row, g - 1);
            }
            rejected(&public, t, &format!("{class:?} wrong gas"));
            checked += 1;
        }
        // wrong pc of the next row
        if class != Class::Stop {
            let mut t = base.clone();
            let pc = get(&t, cols::PC, r + 1);
            set(&mut t, cols::PC, r + 1, pc + 1);
            rejected(&public, t, &format!("{class:?} wrong pc"));
            checked += 1;
        }
        // wrong stack value read
        if !matches!(
            class,
            Class::Stop | Class::Jumpdest | Class::Gas | Class::Env | Class::Push | Class::MSize
        ) {
            let mut t = base.clone();
            let v = get(&t, cols::A, r);
            set(&mut t, cols::A, r, v ^ 1);
            rejected(&public, t, &format!("{class:?} wrong stack value"));
            checked += 1;
        }
    }
    assert!(checked >= 50, "{checked}");
}

#[test]
fn wrong_memory_value_index_or_size_is_rejected() {
    let (public, base) = honest();
    let rows = |class: Class| -> Vec<usize> {
        (0..base.steps)
            .filter(|r| get(&base, cols::SEL + class.index(), *r) == 1)
            .collect()
    };
    // MLOAD returns a word other than the one stored (the memory consume is wrong)
    for r in rows(Class::MLoad) {
        let mut t = base.clone();
        let v = get(&t, cols::C, r);
        set(&mut t, cols::C, r, v ^ 1);
        rejected(&public, t, "MLOAD wrong word");
    }
    // MSTORE claims the word held another value before (its consume is wrong)
    for r in rows(Class::MStore) {
        let mut t = base.clone();
        let v = get(&t, cols::R, r);
        set(&mut t, cols::R, r, v ^ 1);
        rejected(&public, t, "MSTORE wrong old word");
        // ... or writes another word index
        let mut t = base.clone();
        let k = get(&t, cols::WIDX, r);
        set(&mut t, cols::WIDX, r, k + 1);
        rejected(&public, t, "MSTORE wrong word index");
        // ... or claims no expansion
        let mut t = base.clone();
        let e = get(&t, cols::EXP, r);
        set(&mut t, cols::EXP, r, 1 - e);
        rejected(&public, t, "MSTORE wrong expansion flag");
    }
    // a final memory row with a different value, or one left out
    let fin = (0..base.columns[0].len())
        .find(|r| get(&base, cols::FINM, *r) == 1)
        .unwrap();
    let mut t = base.clone();
    let v = get(&t, cols::A, fin);
    set(&mut t, cols::A, fin, v ^ 1);
    rejected(&public, t, "final memory word");
    let mut t = base.clone();
    set(&mut t, cols::FINM, fin, 0);
    rejected(&public, t, "final memory row left out");
    // a claimed memory size off by one word
    let mut t = base;
    t.counts.memory_words += 1;
    rejected(&public, t, "memory words");
}

#[test]
fn skipping_the_final_stack_rows_is_rejected() {
    let (public, mut t) = honest();
    let fin = (0..t.columns[0].len())
        .find(|r| get(&t, cols::FIN, *r) == 1)
        .unwrap();
    set(&mut t, cols::FIN, fin, 0);
    rejected(&public, t, "final stack token left");
}

#[test]
fn single_byte_changes_are_rejected_without_panic() {
    let (public, rec) = common::run(&common::countdown(3), &[], 0);
    let (proof, _) = prover::prove(public, &rec).unwrap();
    let bytes = proof.to_bytes();
    let mut panics = 0;
    let mut rejected = 0;
    let samples = 256usize;
    for k in 0..samples {
        let off = (k * 7919 + k * k) % bytes.len();
        let mut b = bytes.clone();
        b[off] ^= 1 << (k % 8);
        let r = std::panic::catch_unwind(|| {
            verifier::Proof::from_bytes(&b).and_then(|p| verifier::verify(&p))
        });
        match r {
            Ok(Ok(())) => panic!("byte {off} flipped and accepted"),
            Ok(Err(_)) => rejected += 1,
            Err(_) => panics += 1,
        }
    }
    eprintln!("flipped {samples} bytes: {rejected} rejected with Err, {panics} panicked");
    assert_eq!(rejected + panics, samples);
}

#[test]
fn wrong_returned_word_size_or_status_is_rejected() {
    // PUSH1 0x2a, PUSH0, MSTORE, PUSH1 0x20, PUSH0, RETURN
    let (public, rec) = common::run(&[0x60, 0x2a, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3], &[], 0);
    prover::check_recording(&rec).unwrap();
    let base = trace::build(&public, &rec.steps, &rec.final_stack).unwrap();
    verifier::air::check_main(&base.columns).unwrap();
    prover::check_buses(&public, &base).unwrap();
    let r = row_of(&base, Class::Return).unwrap();
    let mut t = base.clone();
    let v = get(&t, cols::C, r);
    set(&mut t, cols::C, r, v ^ 1);
    rejected(&public, t, "RETURN wrong word");
    let mut t = base.clone();
    set(&mut t, cols::RSZ, r, 0);
    set(&mut t, cols::MEMOP, r, 0);
    rejected(&public, t, "RETURN size 0 claimed");
    let mut t = base.clone();
    for row in 0..t.columns[0].len() {
        set(&mut t, cols::STATUS, row, 2);
    }
    rejected(&public, t, "RETURN with revert status");
    let mut t = base;
    let g = get(&t, cols::GAS, r + 1);
    for row in r + 1..t.columns[0].len() {
        set_gas(&mut t, row, g + 3);
    }
    rejected(&public, t, "RETURN wrong gas");
}

#[test]
fn forged_bitwise_bytes_are_rejected() {
    let (public, base) = honest();
    let rows: Vec<usize> = (0..base.steps)
        .filter(|r| get(&base, cols::SEL + Class::Bitwise.index(), *r) == 1)
        .collect();
    assert_eq!(rows.len(), 3, "AND, OR and XOR");
    for r in rows {
        let op = get(&base, cols::N, r);
        // a result whose bytes are range-checked but are not op(a, b): limb 3
        // gets another value, with R = C and R's high byte kept consistent
        let mut t = base.clone();
        let v = get(&t, cols::R + 3, r) ^ 0x0101;
        for at in [cols::R + 3, cols::C + 3] {
            set(&mut t, at, r, v);
        }
        set(&mut t, cols::R_HI + 3, r, v >> 8);
        rejected(
            &public,
            t,
            &format!("bitwise {op}: consistent wrong result"),
        );
        // the bytes of A split differently (same limb, high byte one more)
        let mut t = base.clone();
        let h = get(&t, cols::A_HI + 5, r);
        set(&mut t, cols::A_HI + 5, r, h + 1);
        rejected(&public, t, &format!("bitwise {op}: wrong split of A"));
        // the bytes of B likewise (held in CARRY on this row)
        let mut t = base.clone();
        let h = get(&t, cols::CARRY + 5, r);
        set(&mut t, cols::CARRY + 5, r, h + 1);
        rejected(&public, t, &format!("bitwise {op}: wrong split of B"));
    }
}

#[test]
fn bitwise_counts_of_another_operation_are_refused() {
    let (public, t) = honest();
    let mut counts = t.counts.clone();
    assert!(!counts.bitwise.is_empty());
    counts.bitwise[0].op = 4;
    let ch = verifier::bus::Challenges::<BaseElement>::new(&[BaseElement::new(7)]);
    assert_eq!(
        verifier::public::table_sum(&public, &public.code_table(), &counts, &ch),
        Err(verifier::Error::CountsShape)
    );
}
