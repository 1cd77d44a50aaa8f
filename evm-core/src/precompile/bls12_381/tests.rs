//! Known answers, every rejection, gas and device limits of the EIP-2537 precompiles.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::encoding::{encode_g1, encode_g2};
use super::*;
use crate::buf::SliceVec;
use ark_bls12_381::{Fq, Fq2, Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::{AffineRepr, CurveGroup, PrimeGroup};
use ark_ff::{BigInteger, Field, PrimeField};

pub(super) type Call = Precompile;

/// The seven precompiles by address.
pub(super) const ALL: [(u8, Call); 7] = [
    (0x0b, g1_add),
    (0x0c, g1_msm),
    (0x0d, g2_add),
    (0x0e, g2_msm),
    (0x0f, pairing_check),
    (0x10, map_fp_to_g1),
    (0x11, map_fp2_to_g2),
];

/// A fresh unbounded budget.
pub(super) fn unbounded() -> Budget {
    Budget::UNBOUNDED
}

pub(crate) fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Runs `f` with unbounded steps and a 1 KiB output buffer.
pub(super) fn call(f: Call, input: &[u8], gas: u64) -> Result<(u64, Vec<u8>), PrecompileError> {
    let mut b = vec![0u8; 1024];
    let mut out = SliceVec::new(&mut b);
    let used = f(input, gas, &mut out, &mut unbounded())?;
    Ok((used, out.as_slice().to_vec()))
}

const G1X: &str = "17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb";
const G1Y: &str = "08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1";
/// 2·G1 (go-ethereum's and the EIP's `bls_g1add_g1+p1`-style vector, computed independently).
const G1X2: &str = "0572cbea904d67468808c8eb50a9450c9721db309128012543902d0ac358a62ae28f75bb8f1c7c42c39a8c5529bf0f4e";
const G1Y2: &str = "166a9d8cabc673a322fda673779d8e3822ba3ecb8670e461f73bb9021d5fd76a4c56d9d4cd16bd1bba86881979749d28";
const G2X0: &str = "024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8";
const G2X1: &str = "13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e";
const G2Y0: &str = "0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801";
const G2Y1: &str = "0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be";
/// The base-field modulus p, big-endian.
pub(crate) const P: &str = "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab";

/// Adds p to the 48-byte value of the field element at `off` (non-canonical, same residue).
pub(crate) fn plus_p(input: &mut [u8], off: usize) {
    let p = hex(P);
    let mut carry = 0u16;
    for i in (0..48).rev() {
        let s = u16::from(input[off + 16 + i]) + u16::from(p[i]) + carry;
        input[off + 16 + i] = s as u8;
        carry = s >> 8;
    }
}

/// A 48-byte big-endian value as a 64-byte field element.
pub(super) fn fe(value: &str) -> Vec<u8> {
    let mut w = vec![0u8; 16];
    w.extend_from_slice(&hex(value));
    assert_eq!(w.len(), 64);
    w
}

fn g1_gen() -> Vec<u8> {
    [fe(G1X), fe(G1Y)].concat()
}

fn g2_gen() -> Vec<u8> {
    [fe(G2X0), fe(G2X1), fe(G2Y0), fe(G2Y1)].concat()
}

fn scalar_bytes(n: u64) -> Vec<u8> {
    let mut s = vec![0u8; 24];
    s.extend_from_slice(&n.to_be_bytes());
    s
}

/// A point on E(Fp) outside the prime-order subgroup (x = 1, 2, … until one fits).
pub(crate) fn g1_off_subgroup() -> G1Affine {
    (1u64..)
        .find_map(|x| {
            let x = Fq::from(x);
            let y = (x * x * x + Fq::from(4u64)).sqrt()?;
            let p = G1Affine::new_unchecked(x, y);
            (!p.is_in_correct_subgroup_assuming_on_curve()).then_some(p)
        })
        .unwrap()
}

/// A point on E'(Fp2) outside the prime-order subgroup.
pub(crate) fn g2_off_subgroup() -> G2Affine {
    let b = Fq2::new(Fq::from(4u64), Fq::from(4u64));
    (1u64..)
        .find_map(|x| {
            let x = Fq2::new(Fq::from(x), Fq::from(1u64));
            let y = (x * x * x + b).sqrt()?;
            let p = G2Affine::new_unchecked(x, y);
            (!p.is_in_correct_subgroup_assuming_on_curve()).then_some(p)
        })
        .unwrap()
}

#[test]
fn generators_decode_as_arkworks_generators() {
    assert_eq!(encode_g1(&G1Affine::generator()).to_vec(), g1_gen());
    assert_eq!(encode_g2(&G2Affine::generator()).to_vec(), g2_gen());
}

#[test]
fn g1_generator_doubles_to_the_known_point() {
    let g = g1_gen();
    let (used, out) = call(g1_add, &[g.clone(), g.clone()].concat(), 375).unwrap();
    assert_eq!(used, 375);
    assert_eq!(out, [fe(G1X2), fe(G1Y2)].concat());
    // The same through the MSM with scalar 2 (12000 gas for one point).
    let (used, out2) = call(g1_msm, &[g.clone(), scalar_bytes(2)].concat(), 12_000).unwrap();
    assert_eq!((used, &out2), (12_000, &out));
    // G + 0 = G, 0 + 0 = 0, G + (-G) = 0.
    let zero = vec![0u8; 128];
    assert_eq!(
        call(g1_add, &[g.clone(), zero.clone()].concat(), 375)
            .unwrap()
            .1,
        g
    );
    assert_eq!(
        call(g1_add, &[zero.clone(), zero.clone()].concat(), 375)
            .unwrap()
            .1,
        zero
    );
    let neg = encode_g1(&(-G1Affine::generator())).to_vec();
    assert_eq!(call(g1_add, &[g, neg].concat(), 375).unwrap().1, zero);
}

#[test]
fn g2_generator_doubles_and_adds() {
    let g = g2_gen();
    let two =
        encode_g2(&(G2Projective::generator() + G2Projective::generator()).into_affine()).to_vec();
    let (used, out) = call(g2_add, &[g.clone(), g.clone()].concat(), 600).unwrap();
    assert_eq!((used, &out), (600, &two));
    let (used, out) = call(g2_msm, &[g.clone(), scalar_bytes(2)].concat(), 22_500).unwrap();
    assert_eq!((used, &out), (22_500, &two));
    let zero = vec![0u8; 256];
    assert_eq!(
        call(g2_add, &[zero.clone(), g.clone()].concat(), 600)
            .unwrap()
            .1,
        g
    );
    let neg = encode_g2(&(-G2Affine::generator())).to_vec();
    assert_eq!(call(g2_add, &[g, neg].concat(), 600).unwrap().1, zero);
}

#[test]
fn additions_accept_points_outside_the_subgroup() {
    let p = g1_off_subgroup();
    let sum = encode_g1(&(p + p).into_affine()).to_vec();
    let e = encode_g1(&p).to_vec();
    assert_eq!(call(g1_add, &[e.clone(), e].concat(), 375).unwrap().1, sum);
    let q = g2_off_subgroup();
    let sum = encode_g2(&(q + q).into_affine()).to_vec();
    let e = encode_g2(&q).to_vec();
    assert_eq!(call(g2_add, &[e.clone(), e].concat(), 600).unwrap().1, sum);
}

#[test]
fn msm_of_many_points_is_the_sum_of_the_products() {
    // Deterministic "random" scalars: keccak256 of a counter.
    let mut n = 0u64;
    let mut rand = || {
        n += 1;
        Fr::from_be_bytes_mod_order(&crate::keccak256(&n.to_be_bytes()))
    };
    for k in [1usize, 2, 3, 8, 129, 130] {
        let mut input = vec![];
        let mut want = G1Projective::default();
        for i in 0..k {
            let p = (G1Projective::generator() * rand()).into_affine();
            // Scalars of every size, some above the group order, some zero.
            let s: [u8; 32] = match i % 4 {
                0 => [0xff; 32],
                1 => [0; 32],
                _ => rand().into_bigint().to_bytes_be().try_into().unwrap(),
            };
            want += p * Fr::from_be_bytes_mod_order(&s);
            input.extend_from_slice(&encode_g1(&p));
            input.extend_from_slice(&s);
        }
        let gas = msm_gas(k as u64, G1MUL_GAS, &G1_MSM_DISCOUNT).unwrap();
        let (used, out) = call(g1_msm, &input, gas).unwrap();
        assert_eq!(used, gas);
        assert_eq!(out, encode_g1(&want.into_affine()).to_vec(), "k = {k}");
    }
}

#[test]
fn g2_msm_with_infinity_and_zero_scalars() {
    let g = g2_gen();
    let zero = vec![0u8; 256];
    let input = [
        g.clone(),
        scalar_bytes(3),
        zero.clone(),
        scalar_bytes(5),
        g.clone(),
        scalar_bytes(0),
    ]
    .concat();
    let gas = msm_gas(3, G2MUL_GAS, &G2_MSM_DISCOUNT).unwrap();
    assert_eq!(gas, 3 * 22_500 * 923 / 1000);
    let three = encode_g2(&(G2Projective::generator() * Fr::from(3u64)).into_affine()).to_vec();
    assert_eq!(call(g2_msm, &input, gas).unwrap(), (gas, three));
    // All zero: the point at infinity.
    let input = [zero, scalar_bytes(7)].concat();
    assert_eq!(
        call(g2_msm, &input, 22_500).unwrap(),
        (22_500, vec![0u8; 256])
    );
}

fn word(b: u8) -> Vec<u8> {
    let mut w = vec![0u8; 32];
    w[31] = b;
    w
}

#[test]
fn pairing_identities() {
    let (p, q) = (g1_gen(), g2_gen());
    let neg_p = encode_g1(&(-G1Affine::generator())).to_vec();
    // e(P, Q) alone is not 1.
    assert_eq!(
        call(pairing_check, &[p.clone(), q.clone()].concat(), 70_300).unwrap(),
        (70_300, word(0))
    );
    // e(P, Q) · e(-P, Q) = 1.
    let input = [p.clone(), q.clone(), neg_p.clone(), q.clone()].concat();
    assert_eq!(
        call(pairing_check, &input, 102_900).unwrap(),
        (102_900, word(1))
    );
    // e(aP, Q) · e(-P, aQ) = 1 with a from the MSMs, over five pairs (two chunks).
    let a = scalar_bytes(0xdead_beef);
    let ap = call(g1_msm, &[p.clone(), a.clone()].concat(), 12_000)
        .unwrap()
        .1;
    let aq = call(g2_msm, &[q.clone(), a].concat(), 22_500).unwrap().1;
    let zero_q = vec![0u8; 256];
    let input = [
        ap.clone(),
        q.clone(),
        neg_p.clone(),
        aq.clone(),
        p.clone(),
        zero_q.clone(),
        vec![0u8; 128],
        q.clone(),
        p.clone(),
        zero_q,
    ]
    .concat();
    let gas = 32_600 * 5 + 37_700;
    assert_eq!(call(pairing_check, &input, gas).unwrap(), (gas, word(1)));
    // Swap one point: no longer 1.
    let input = [ap, q.clone(), p.clone(), aq].concat();
    assert_eq!(call(pairing_check, &input, 102_900).unwrap().1, word(0));
    // Only points at infinity: 1.
    assert_eq!(
        call(pairing_check, &[vec![0u8; 128], q].concat(), 70_300)
            .unwrap()
            .1,
        word(1)
    );
    // Nine pairs of e(P,Q)e(-P,Q) repeated (three chunks and a remainder): 1.
    let one = [p.clone(), g2_gen(), neg_p, g2_gen()].concat();
    let input: Vec<u8> = one.iter().copied().cycle().take(one.len() * 5).collect();
    let gas = 32_600 * 10 + 37_700;
    assert_eq!(call(pairing_check, &input, gas).unwrap().1, word(1));
}

#[test]
fn maps_land_in_the_subgroup_and_differ() {
    let mut seen = vec![];
    for u in [0u64, 1, 2, 0xffff_ffff] {
        let mut e = vec![0u8; 64];
        e[56..].copy_from_slice(&u.to_be_bytes());
        let (used, out) = call(map_fp_to_g1, &e, 5_500).unwrap();
        assert_eq!(used, 5_500);
        let p = super::encoding::g1_in_subgroup(&out).unwrap();
        assert!(!p.is_zero());
        seen.push(out);
        let e2 = [e.clone(), e].concat();
        let (used, out) = call(map_fp2_to_g2, &e2, 23_800).unwrap();
        assert_eq!(used, 23_800);
        assert!(!super::encoding::g2_in_subgroup(&out).unwrap().is_zero());
    }
    seen.dedup();
    assert_eq!(seen.len(), 4);
    // p - 1 is the largest valid element.
    let mut top = hex(P);
    top[47] -= 1;
    assert!(call(map_fp_to_g1, &fe_bytes(&top), 5_500).is_ok());
}

fn fe_bytes(v: &[u8]) -> Vec<u8> {
    [vec![0u8; 16], v.to_vec()].concat()
}

/// `input` with 64 bytes at `off` replaced.
fn with(input: &[u8], off: usize, word: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    v[off..off + word.len()].copy_from_slice(word);
    v
}

/// A valid input of each precompile, its gas, and the offsets of its field elements.
fn valid_inputs() -> Vec<(Call, Vec<u8>, u64, Vec<usize>)> {
    let (p, q) = (g1_gen(), g2_gen());
    vec![
        (
            g1_add as Call,
            [p.clone(), p.clone()].concat(),
            375,
            vec![0, 64, 128, 192],
        ),
        (
            g1_msm,
            [p.clone(), scalar_bytes(5)].concat(),
            12_000,
            vec![0, 64],
        ),
        (
            g2_add,
            [q.clone(), q.clone()].concat(),
            600,
            (0..8).map(|i| i * 64).collect(),
        ),
        (
            g2_msm,
            [q.clone(), scalar_bytes(5)].concat(),
            22_500,
            (0..4).map(|i| i * 64).collect(),
        ),
        (
            pairing_check,
            [p, q].concat(),
            70_300,
            (0..6).map(|i| i * 64).collect(),
        ),
        (map_fp_to_g1, fe(G1X), 5_500, vec![0]),
        (
            map_fp2_to_g2,
            [fe(G1X), fe(G1Y)].concat(),
            23_800,
            vec![0, 64],
        ),
    ]
}

#[test]
fn every_field_element_must_be_canonical_with_zero_top_bytes() {
    for (f, input, gas, offs) in valid_inputs() {
        assert!(call(f, &input, gas).is_ok());
        for off in offs {
            // A top byte set (any of the 16).
            for i in [0, 7, 15] {
                let mut bad = input.clone();
                bad[off + i] = 1;
                assert_eq!(
                    call(f, &bad, gas),
                    Err(PrecompileError::Failure),
                    "{off} {i}"
                );
            }
            // p itself and the largest 48-byte value.
            assert_eq!(
                call(f, &with(&input, off, &fe(P)), gas),
                Err(PrecompileError::Failure)
            );
            let ff = fe_bytes(&[0xff; 48]);
            assert_eq!(
                call(f, &with(&input, off, &ff), gas),
                Err(PrecompileError::Failure)
            );
        }
    }
}

#[test]
fn points_must_be_on_the_curve() {
    for (f, input, gas, offs) in valid_inputs().into_iter().take(5) {
        // Bump each y coordinate's last byte (G1 y at 64; G2 y.c0 at 128).
        let ys: Vec<usize> = if offs.len() == 2 || offs.len() == 4 && gas == 375 {
            offs.iter().copied().filter(|o| o % 128 == 64).collect()
        } else {
            offs.iter()
                .copied()
                .filter(|o| o % 256 == 128 || (gas == 70_300 && *o == 64))
                .collect()
        };
        assert!(!ys.is_empty());
        for y in ys {
            let mut bad = input.clone();
            bad[y + 63] ^= 1;
            assert_eq!(
                call(f, &bad, gas),
                Err(PrecompileError::Failure),
                "y at {y}"
            );
        }
        // (0, 1) is not the point at infinity and not on the curve.
        let mut bad = input.clone();
        bad[..64].fill(0);
        assert_eq!(call(f, &bad, gas), Err(PrecompileError::Failure));
    }
}

#[test]
fn msm_and_pairing_require_the_subgroup() {
    let p = encode_g1(&g1_off_subgroup()).to_vec();
    let q = encode_g2(&g2_off_subgroup()).to_vec();
    let fail = Err(PrecompileError::Failure);
    assert_eq!(
        call(g1_msm, &[p.clone(), scalar_bytes(1)].concat(), 12_000),
        fail
    );
    assert_eq!(
        call(g1_msm, &[p.clone(), scalar_bytes(0)].concat(), 12_000),
        fail
    );
    assert_eq!(
        call(g2_msm, &[q.clone(), scalar_bytes(1)].concat(), 22_500),
        fail
    );
    assert_eq!(
        call(pairing_check, &[p.clone(), g2_gen()].concat(), 70_300),
        fail
    );
    assert_eq!(
        call(pairing_check, &[g1_gen(), q.clone()].concat(), 70_300),
        fail
    );
    // Even next to a point at infinity, whose pair is otherwise left out.
    assert_eq!(
        call(pairing_check, &[p, vec![0u8; 256]].concat(), 70_300),
        fail
    );
    assert_eq!(
        call(pairing_check, &[vec![0u8; 128], q].concat(), 70_300),
        fail
    );
}

#[test]
fn lengths_are_exact_and_k_is_at_least_one() {
    let fail = Err(PrecompileError::Failure);
    for (f, input, gas, _) in valid_inputs() {
        // Length errors come before gas: even with no gas, a failure.
        for bad in [
            &input[..input.len() - 1],
            &[input.clone(), vec![0]].concat()[..],
            &[][..],
        ] {
            assert_eq!(call(f, bad, gas), fail);
            assert_eq!(call(f, bad, 0), fail);
        }
    }
    // Whole multiples are fine for the variable-length ones, others not.
    let (p, q) = (g1_gen(), g2_gen());
    let rec = [p.clone(), scalar_bytes(1)].concat();
    assert!(call(g1_msm, &rec.repeat(2), 1 << 20).is_ok());
    assert_eq!(call(g1_add, &p.repeat(4), 1 << 20), fail);
    assert_eq!(call(map_fp_to_g1, &fe(G1X).repeat(2), 1 << 20), fail);
    assert_eq!(
        call(pairing_check, &[p, q].concat().repeat(2)[..767], 1 << 20),
        fail
    );
}

#[test]
fn gas_is_paid_before_any_work() {
    for (f, input, gas, _) in valid_inputs() {
        assert_eq!(call(f, &input, gas - 1), Err(PrecompileError::OutOfGas));
        // The gas is what it costs whatever is left over.
        assert_eq!(call(f, &input, gas + 12_345).unwrap().0, gas);
        // Steps: exactly its gas is taken; fewer steps than gas is a device limit.
        let mut b = [0u8; 256];
        let mut out = SliceVec::new(&mut b);
        let mut budget = Budget {
            steps: gas,
            modexp_operand_bytes: 0,
        };
        assert_eq!(f(&input, gas, &mut out, &mut budget), Ok(gas));
        assert_eq!(budget.steps, 0);
        assert_eq!(
            f(&input, gas, &mut out, &mut budget),
            Err(PrecompileError::StepBudget)
        );
        assert!(out.as_slice().is_empty());
        // Out of gas takes no steps.
        let mut budget = Budget::UNBOUNDED;
        assert_eq!(
            f(&input, gas - 1, &mut out, &mut budget),
            Err(PrecompileError::OutOfGas)
        );
        assert_eq!(budget, Budget::UNBOUNDED);
        // An invalid input (a top byte set) still pays first: out of gas below its cost.
        let mut bad = input.clone();
        bad[0] = 1;
        assert_eq!(call(f, &bad, gas - 1), Err(PrecompileError::OutOfGas));
        // No room for the output.
        let mut small = [0u8; 31];
        let mut out = SliceVec::new(&mut small);
        assert_eq!(
            f(&input, gas, &mut out, &mut unbounded()),
            Err(PrecompileError::Capacity)
        );
    }
}

#[test]
fn msm_gas_follows_the_discount_tables() {
    let g1 = |k| msm_gas(k, G1MUL_GAS, &G1_MSM_DISCOUNT).unwrap();
    let g2 = |k| msm_gas(k, G2MUL_GAS, &G2_MSM_DISCOUNT).unwrap();
    assert_eq!(
        [g1(1), g1(2), g1(3), g1(128), g1(129), g1(1000)],
        [12_000, 22_776, 30_528, 797_184, 803_412, 6_228_000]
    );
    assert_eq!(
        [g2(1), g2(2), g2(3), g2(128), g2(129), g2(1000)],
        [22_500, 45_000, 62_302, 1_509_120, 1_520_910, 11_790_000]
    );
    assert_eq!(msm_gas(u64::MAX, G2MUL_GAS, &G2_MSM_DISCOUNT), None);
    assert_eq!(
        [pairing_gas(1), pairing_gas(2)],
        [Some(70_300), Some(102_900)]
    );
    assert_eq!(pairing_gas(u64::MAX), None);
    // Gas of k records, through the precompiles (points at infinity are valid).
    for k in [1usize, 2, 127, 128, 129] {
        let input = vec![0u8; k * G1_MSM_RECORD_LEN];
        assert_eq!(
            call(g1_msm, &input, u64::MAX).unwrap(),
            (g1(k as u64), vec![0u8; 128])
        );
        assert_eq!(
            call(g1_msm, &input, g1(k as u64) - 1),
            Err(PrecompileError::OutOfGas)
        );
        let input = vec![0u8; k * G2_MSM_RECORD_LEN];
        assert_eq!(call(g2_msm, &input, u64::MAX).unwrap().0, g2(k as u64));
        let input = vec![0u8; k * PAIRING_RECORD_LEN];
        assert_eq!(
            call(pairing_check, &input, u64::MAX).unwrap(),
            (pairing_gas(k as u64).unwrap(), word(1))
        );
    }
}

#[test]
fn caps_are_what_the_transaction_gas_cap_buys() {
    let cap = 1u64 << 24;
    let g1 = |k| msm_gas(k, G1MUL_GAS, &G1_MSM_DISCOUNT).unwrap();
    let g2 = |k| msm_gas(k, G2MUL_GAS, &G2_MSM_DISCOUNT).unwrap();
    let (m1, m2, mp) = (
        BLS12_G1MSM_MAX_POINTS as u64,
        BLS12_G2MSM_MAX_POINTS as u64,
        BLS12_PAIRING_MAX_PAIRS as u64,
    );
    assert!(g1(m1) <= cap && g1(m1 + 1) > cap);
    assert!(g2(m2) <= cap && g2(m2 + 1) > cap);
    assert!(pairing_gas(mp).unwrap() <= cap && pairing_gas(mp + 1).unwrap() > cap);
}

#[test]
fn beyond_the_caps_is_a_device_limit_after_the_gas() {
    for (f, rec, max) in [
        (g1_msm as Call, G1_MSM_RECORD_LEN, BLS12_G1MSM_MAX_POINTS),
        (g2_msm, G2_MSM_RECORD_LEN, BLS12_G2MSM_MAX_POINTS),
        (pairing_check, PAIRING_RECORD_LEN, BLS12_PAIRING_MAX_PAIRS),
    ] {
        let input = vec![0u8; (max + 1) * rec];
        assert_eq!(call(f, &input, u64::MAX), Err(PrecompileError::Unsupported));
        // Unpaid, it is out of gas (an EVM result) like any other call.
        assert_eq!(call(f, &input, 1 << 24), Err(PrecompileError::OutOfGas));
        // At the cap it runs.
        let mut b = vec![0u8; 256];
        let mut out = SliceVec::new(&mut b);
        assert!(f(&input[rec..], u64::MAX, &mut out, &mut unbounded()).is_ok());
    }
}

#[test]
fn every_precompile_clears_its_output_first() {
    for (_, f) in ALL {
        let mut b = [7u8; 256];
        let mut out = SliceVec::new(&mut b);
        out.extend_from_slice(&[1, 2, 3]).unwrap();
        assert_eq!(
            f(&[], 1 << 20, &mut out, &mut unbounded()),
            Err(PrecompileError::Failure)
        );
        assert!(out.as_slice().is_empty());
    }
}
