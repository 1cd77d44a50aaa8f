//! BYTE, SLT, SGT, SHL, SHR and SAR: forged results, selections, ranges and signs fail the evaluators and do not verify.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use prover::trace::{self, MainTrace};
use verifier::cols::{self, LIMBS};
use verifier::opcodes::Class;
use winter_prover::math::fields::f64::BaseElement;

fn honest() -> (verifier::PublicInputs, MainTrace) {
    let (public, rec) = common::run(&common::mixed(), &[1, 0, 2], 5);
    prover::check_recording(&rec).unwrap();
    let t = trace::build(&public, &rec.steps, &rec.final_stack).unwrap();
    verifier::air::check_main(&t.columns).unwrap();
    prover::check_buses(&public, &t).unwrap();
    (public, t)
}

fn get(t: &MainTrace, col: usize, row: usize) -> u64 {
    t.columns[col][row].as_int()
}

fn set(t: &mut MainTrace, col: usize, row: usize, v: u64) {
    t.columns[col][row] = BaseElement::new(v);
}

/// Sets the result of row `r` (limb 0) and of the POP that consumes it on
/// the next row, so that the stack bus still balances.
fn set_result(t: &mut MainTrace, r: usize, v: u64) {
    assert_eq!(get(t, cols::SEL + Class::Pop.index(), r + 1), 1, "row {r}");
    set(t, cols::C, r, v);
    set(t, cols::A, r + 1, v);
}

fn rows(t: &MainTrace, class: Class) -> Vec<usize> {
    (0..t.steps)
        .filter(|r| get(t, cols::SEL + class.index(), *r) == 1)
        .collect()
}

/// `t`, with its byte multiplicities recounted (every forged value here is
/// a byte, so the byte bus balances), breaks a main constraint whose label
/// contains `label`; its buses balance; its unchecked proof is rejected.
fn caught_by(public: &verifier::PublicInputs, mut t: MainTrace, label: &str, what: &str) {
    trace::recount_bytes(&mut t).expect("forged values are bytes");
    prover::check_buses(public, &t).unwrap_or_else(|e| panic!("{what}: buses {e:?}"));
    let v = verifier::air::check_main(&t.columns).expect_err(what);
    assert!(v.label.contains(label), "{what}: {v:?}");
    let (proof, _) = prover::prove_trace(public.clone(), t, prover::Checks::SkipForTests)
        .expect("the unchecked path proves anything");
    assert!(verifier::verify(&proof).is_err(), "{what}: proof accepted");
}

/// The selector column of little-endian byte position `p`.
fn selector(p: usize) -> usize {
    if p.is_multiple_of(2) {
        cols::CARRY + p / 2
    } else {
        cols::A_HI + p / 2
    }
}

/// Byte `p` (little-endian) of word `B` of row `r`.
fn byte_of_b(t: &MainTrace, r: usize, p: usize) -> u64 {
    (get(t, cols::B + p / 2, r) >> (8 * (p % 2))) & 0xff
}

#[test]
fn forged_byte_results_are_rejected() {
    let (public, base) = honest();
    let byte_rows = rows(&base, Class::Byte);
    assert_eq!(byte_rows.len(), 4, "BYTE 5, 31, 32 and a huge index");
    let index = |r: usize| get(&base, cols::A, r);
    let in_range: Vec<usize> = byte_rows
        .iter()
        .copied()
        .filter(|r| index(*r) < 32 && get(&base, cols::ZF, *r) == 1)
        .collect();
    assert_eq!(in_range.len(), 2);
    for &r in &in_range {
        let p = 31 - index(r) as usize;
        assert_eq!(get(&base, selector(p), r), 1);
        assert_eq!(get(&base, cols::C, r), byte_of_b(&base, r, p));
        // another result byte
        let mut t = base.clone();
        let c = get(&t, cols::C, r);
        set_result(&mut t, r, (c + 1) & 0xff);
        caught_by(&public, t, "BYTE: C", "BYTE wrong result");
        // the neighbouring byte, selected and returned consistently
        let q = p ^ 1;
        let mut t = base.clone();
        set(&mut t, selector(p), r, 0);
        set(&mut t, selector(q), r, 1);
        let forged = byte_of_b(&t, r, q);
        set_result(&mut t, r, forged);
        caught_by(&public, t, "BYTE: i = 31 - p", "BYTE another byte selected");
        // two bytes selected
        let mut t = base.clone();
        set(&mut t, selector(q), r, 1);
        caught_by(&public, t, "BYTE", "BYTE two selectors");
        // an in-range index claimed out of range (result 0)
        let mut t = base.clone();
        set(&mut t, selector(p), r, 0);
        set_result(&mut t, r, 0);
        caught_by(
            &public,
            t,
            "BYTE: none selected",
            "BYTE in range claimed out",
        );
        // the word the bytes are read from is not B
        let mut t = base.clone();
        let l = p / 2;
        let v = get(&t, cols::R + l, r) ^ 0x0101;
        set(&mut t, cols::R + l, r, v);
        set(&mut t, cols::R_HI + l, r, v >> 8);
        set_result(&mut t, r, (v >> (8 * (p % 2))) & 0xff);
        caught_by(&public, t, "BYTE: R = B", "BYTE bytes of another word");
    }
    // index 32: the upper limbs are zero, and 32 - 32 = 0 is in range
    let r32 = *byte_rows.iter().find(|r| index(**r) == 32).unwrap();
    assert_eq!(get(&base, cols::C, r32), 0);
    for p in [0, 31] {
        let mut t = base.clone();
        set(&mut t, selector(p), r32, 1);
        let forged = byte_of_b(&t, r32, p);
        set_result(&mut t, r32, forged);
        caught_by(&public, t, "BYTE: i = 31 - p", "BYTE 32 claimed in range");
    }
    let mut t = base.clone();
    set_result(&mut t, r32, 1);
    caught_by(&public, t, "BYTE: C", "BYTE 32 with a non-zero result");
    // a huge index: its upper limbs are not all zero
    let rbig = *byte_rows
        .iter()
        .find(|r| get(&base, cols::ZF, **r) == 0)
        .unwrap();
    let mut t = base.clone();
    let p = (31 - (index(rbig) % 32)) as usize;
    set(&mut t, selector(p), rbig, 1);
    set_result(&mut t, rbig, byte_of_b(&base, rbig, p));
    caught_by(&public, t, "BYTE", "BYTE huge index claimed in range");
    // ... nor may its zero flag claim they are (the zero test)
    let mut t = base;
    set(&mut t, cols::ZF, rbig, 1);
    set(&mut t, cols::INV, rbig, 0);
    caught_by(&public, t, "zf", "BYTE huge index with zf = 1");
}

#[test]
fn forged_signed_comparisons_are_rejected() {
    let (public, base) = honest();
    let mut differing = 0;
    for class in [Class::Slt, Class::Sgt] {
        let class_rows = rows(&base, class);
        assert!(class_rows.len() >= 3, "{class:?}");
        for r in class_rows {
            let (sa, sb) = (get(&base, cols::A_HI, r), get(&base, cols::A_HI + 1, r));
            assert_eq!(sa, get(&base, cols::A + LIMBS - 1, r) >> 15);
            assert_eq!(sb, get(&base, cols::B + LIMBS - 1, r) >> 15);
            // the other boolean result
            let label = if class == Class::Slt {
                "SLT: C"
            } else {
                "SGT: C"
            };
            let mut t = base.clone();
            let c = get(&t, cols::C, r);
            set_result(&mut t, r, 1 - c);
            caught_by(&public, t, label, &format!("{class:?} wrong result"));
            if sa != sb {
                differing += 1;
                // the unsigned answer (which differs), with both signs
                // claimed 0 (or 1): a top limb then does not fit under its sign
                let borrow = get(&base, cols::CARRY + LIMBS - 1, r);
                assert_ne!(borrow, c, "{class:?}: signs differ, so do the answers");
                for s in [0, 1] {
                    let mut t = base.clone();
                    set(&mut t, cols::A_HI, r, s);
                    set(&mut t, cols::A_HI + 1, r, s);
                    set_result(&mut t, r, borrow);
                    caught_by(&public, t, "15 bits", &format!("{class:?} signs {s}"));
                }
                // or the signs swapped, with the answer that would follow
                let mut t = base.clone();
                set(&mut t, cols::A_HI, r, sb);
                set(&mut t, cols::A_HI + 1, r, sa);
                set_result(&mut t, r, 1 - c);
                caught_by(&public, t, "15 bits", &format!("{class:?} signs swapped"));
            }
        }
    }
    assert!(differing >= 3, "{differing}");
}

/// `x` (16 limbs) shifted by `s < 256` bits as `class` does.
fn shifted(class: Class, s: u64, x: &[u64; LIMBS]) -> [u64; LIMBS] {
    let mut bits = [0u8; 256];
    for (i, b) in bits.iter_mut().enumerate() {
        *b = ((x[i / 16] >> (i % 16)) & 1) as u8;
    }
    let s = s as usize;
    let sign = bits[255];
    let mut out = [0u64; LIMBS];
    for i in 0..256usize {
        let bit = match class {
            Class::Shl => i.checked_sub(s).map_or(0, |j| bits[j]),
            Class::Shr => bits.get(i + s).copied().unwrap_or(0),
            _ => bits.get(i + s).copied().unwrap_or(sign),
        };
        out[i / 16] |= u64::from(bit) << (i % 16);
    }
    out
}

fn word_of(t: &MainTrace, at: usize, r: usize) -> [u64; LIMBS] {
    core::array::from_fn(|i| get(t, at + i, r))
}

/// Sets R (and its high bytes) of row `r`.
fn set_r(t: &mut MainTrace, r: usize, w: &[u64; LIMBS]) {
    for (i, v) in w.iter().enumerate() {
        set(t, cols::R + i, r, *v);
        set(t, cols::R_HI + i, r, v >> 8);
    }
}

/// Sets the whole result word of row `r` and of the POP after it.
fn set_result_word(t: &mut MainTrace, r: usize, w: &[u64; LIMBS]) {
    assert_eq!(get(t, cols::SEL + Class::Pop.index(), r + 1), 1, "row {r}");
    for (i, v) in w.iter().enumerate() {
        set(t, cols::C + i, r, *v);
        set(t, cols::A + i, r + 1, *v);
    }
}

/// Sets the one-hot of `q` (or none) and the bits of `r` of a shift row.
fn set_q_r(t: &mut MainTrace, row: usize, q: Option<usize>, r: u64) {
    for j in 0..12 {
        set(t, cols::SHIFT_U + j, row, 0);
    }
    if let Some(q) = q {
        set(t, cols::SHIFT_U + q / 4, row, 1);
        set(t, cols::SHIFT_V + q % 4, row, 1);
    }
    for j in 0..3 {
        set(t, cols::SHIFT_R + j, row, (r >> j) & 1);
    }
}

#[test]
fn forged_shifts_are_rejected() {
    let (public, base) = honest();
    let mut checked = 0;
    for class in [Class::Shl, Class::Shr, Class::Sar] {
        for row in rows(&base, class) {
            let x = word_of(&base, cols::B, row);
            let s = word_of(&base, cols::A, row);
            let c = word_of(&base, cols::C, row);
            let pop_next = get(&base, cols::SEL + Class::Pop.index(), row + 1) == 1;
            let in_range = s[1..].iter().all(|l| *l == 0) && s[0] < 256;
            if in_range {
                assert_eq!(c, shifted(class, s[0], &x), "{class:?} by {}", s[0]);
            }
            if !pop_next {
                continue;
            }
            // another result
            let mut t = base.clone();
            let mut w = c;
            w[0] ^= 1;
            set_result_word(&mut t, row, &w);
            caught_by(
                &public,
                t,
                "C = the shifted bytes",
                &format!("{class:?} result"),
            );
            checked += 1;
            if in_range {
                let (q, r) = ((s[0] / 8) as usize, s[0] % 8);
                // another byte count, the result consistent with it
                let q2 = if q > 0 { q - 1 } else { q + 1 };
                let mut t = base.clone();
                set_q_r(&mut t, row, Some(q2), r);
                set_result_word(&mut t, row, &shifted(class, 8 * q2 as u64 + r, &x));
                caught_by(&public, t, "s = 8q + r", &format!("{class:?} byte count"));
                // another bit count: R from the shift table for it, C consistent
                let r2 = r ^ 1;
                let mut t = base.clone();
                set_q_r(&mut t, row, Some(q), r2);
                set_r(&mut t, row, &shifted(class, r2, &x));
                set_result_word(&mut t, row, &shifted(class, 8 * q as u64 + r2, &x));
                caught_by(&public, t, "s = 8q + r", &format!("{class:?} bit count"));
                // in range claimed out of range
                let mut t = base.clone();
                set_q_r(&mut t, row, None, r);
                let fill = shifted(class, 255, &x)[LIMBS - 1] & 0xff00;
                let out = if class == Class::Sar && fill != 0 {
                    [0xffff; LIMBS]
                } else {
                    [0; LIMBS]
                };
                set_result_word(&mut t, row, &out);
                caught_by(
                    &public,
                    t,
                    "none selected",
                    &format!("{class:?} claimed >= 256"),
                );
                // a byte of R that is not the table's
                let mut t = base.clone();
                let mut rw = word_of(&t, cols::R, row);
                rw[3] ^= 0x0100;
                set_r(&mut t, row, &rw);
                trace::recount_bytes(&mut t).unwrap();
                assert!(
                    prover::check_buses(&public, &t).is_err(),
                    "{class:?}: a forged R byte balances the bus"
                );
                let (proof, _) =
                    prover::prove_trace(public.clone(), t, prover::Checks::SkipForTests).unwrap();
                assert!(verifier::verify(&proof).is_err(), "{class:?} R byte");
                checked += 4;
            } else if s[1..].iter().all(|l| *l == 0) {
                // s = 256 claimed to be 0 bits
                let mut t = base.clone();
                set_q_r(&mut t, row, Some(0), 0);
                set_r(&mut t, row, &x);
                set_result_word(&mut t, row, &x);
                caught_by(&public, t, "s = 8q + r", &format!("{class:?} 256 as 0"));
                checked += 1;
                if class == Class::Sar && get(&base, cols::SHIFT_SIGN, row) == 1 {
                    // a negative word claimed positive: fill 0
                    let mut t = base.clone();
                    set(&mut t, cols::SHIFT_SIGN, row, 0);
                    set_result_word(&mut t, row, &[0; LIMBS]);
                    caught_by(&public, t, "15 bits", "SAR sign");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 25, "{checked}");
}

/// Deterministic xorshift64*.
fn next(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_f491_4f6c_dd1d)
}

/// A 32-byte operand: random, small, or at an edge of the shift/BYTE/sign ranges.
fn operand(state: &mut u64) -> [u8; 32] {
    let mut w = [0u8; 32];
    let kind = next(state) % 6;
    let small = |v: u64| {
        let mut w = [0u8; 32];
        w[24..].copy_from_slice(&v.to_be_bytes());
        w
    };
    match kind {
        0 => small(next(state) % 40),
        1 => small(next(state) % 300),
        2 => small([31, 32, 255, 256, 257, 65535, 65536 + 3][(next(state) % 7) as usize]),
        _ => {
            for chunk in w.chunks_mut(8) {
                chunk.copy_from_slice(&next(state).to_be_bytes());
            }
            if kind == 3 {
                w[0] &= 0x7f; // positive
            } else if kind == 4 {
                w[0] |= 0x80; // negative
            }
            w
        }
    }
}

#[test]
fn random_operands_pass_both_evaluators() {
    // Each case runs BYTE, SLT, SGT, SHL, SHR, SAR on (s, x) and on (x, s):
    // evm-core's results must satisfy the AIR (completeness at the edges).
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for case in 0..120 {
        let (s, x) = (operand(&mut state), operand(&mut state));
        let mut code = Vec::new();
        for (top, below) in [(s, x), (x, s)] {
            for op in [0x1a, 0x12, 0x13, 0x1b, 0x1c, 0x1d] {
                code.push(0x7f);
                code.extend(below);
                code.push(0x7f);
                code.extend(top);
                code.extend([op, 0x50]);
            }
        }
        code.push(0x00);
        let (public, rec) = common::run(&code, &[], 0);
        prover::check_recording(&rec).unwrap();
        let t = trace::build(&public, &rec.steps, &rec.final_stack).unwrap();
        if let Err(v) = verifier::air::check_main(&t.columns) {
            panic!("case {case}: s {s:02x?} x {x:02x?}: {v:?}");
        }
        prover::check_buses(&public, &t).unwrap_or_else(|e| panic!("case {case}: {e:?}"));
    }
}
