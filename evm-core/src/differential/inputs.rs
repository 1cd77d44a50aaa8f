//! Precompile inputs for the differential test (P256VERIFY, BLS12-381, modexp; valid and broken) and the code that calls them.

use ark_bls12_381::{Fr, G1Projective, G2Projective};
use ark_ec::{CurveGroup, PrimeGroup};
use ark_ff::PrimeField;
use p256::ecdsa::signature::hazmat::PrehashSigner;
use proptest::prelude::*;

use crate::keccak::keccak256;
use crate::precompile::bls12_381::encoding::{encode_g1, encode_g2};
use crate::precompile::bls12_381::tests::{g1_off_subgroup, g2_off_subgroup, hex, plus_p, P};
use crate::precompile::P256VERIFY;

/// `n` bytes drawn from `seed` (a keccak chain).
pub fn bytes(seed: &[u8; 32], n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n + 32);
    let mut h = *seed;
    while out.len() < n {
        h = keccak256(&h);
        out.extend_from_slice(&h);
    }
    out.truncate(n);
    out
}

/// The shortest `PUSHn v` (PUSH0 for zero).
pub fn push(v: u64) -> Vec<u8> {
    let be = v.to_be_bytes();
    let skip = be.iter().take_while(|b| **b == 0).count();
    let mut c = vec![0x5f + (8 - skip) as u8];
    c.extend_from_slice(&be[skip..]);
    c
}

/// How a snippet calls: the opcode (CALL, CALLCODE, DELEGATECALL or
/// STATICCALL), the gas it passes (`None`: all, with GAS) and the return
/// buffer's length.
#[derive(Debug, Clone, Copy)]
pub struct How {
    pub op: u8,
    pub gas: Option<u32>,
    pub ret_len: u16,
}

pub fn how() -> impl Strategy<Value = How> {
    (
        prop_oneof![4 => Just(0xf1u8), 1 => Just(0xf2), 1 => Just(0xf4), 2 => Just(0xfa)],
        prop_oneof![3 => Just(None), 1 => (0u32..200_000).prop_map(Some)],
        prop_oneof![Just(0u16), Just(32), Just(64), Just(256)],
    )
        .prop_map(|(op, gas, ret_len)| How { op, gas, ret_len })
}

/// Code that puts `input` in memory at 0 (CODECOPY of bytes it jumps over,
/// position-independent through PC), calls `to` with it as `how` says, and
/// records the result: `SSTORE(keccak(returndata), success + 1)`.
pub fn call_with(to: &[u8], input: &[u8], how: How) -> Vec<u8> {
    let mut c = Vec::new();
    if !input.is_empty() {
        let len = input.len() as u16;
        // PUSH2 len, PC, PUSH1 12, ADD, PUSH0, CODECOPY: input from pc + 12 to memory 0.
        c.extend_from_slice(&[
            0x61,
            (len >> 8) as u8,
            len as u8,
            0x58,
            0x60,
            12,
            0x01,
            0x5f,
            0x39,
        ]);
        // PC, PUSH2 len + 38, ADD, JUMP: over the input and 32 STOPs (so that
        // a PUSH among the input's last bytes cannot swallow the JUMPDEST).
        let skip = len + 38;
        c.extend_from_slice(&[0x58, 0x61, (skip >> 8) as u8, skip as u8, 0x01, 0x56]);
        c.extend_from_slice(input);
        c.extend_from_slice(&[0u8; 32]);
        c.push(0x5b);
    }
    c.extend(push(u64::from(how.ret_len)));
    c.push(0x5f);
    c.extend(push(input.len() as u64));
    c.push(0x5f);
    if matches!(how.op, 0xf1 | 0xf2) {
        c.push(0x5f);
    }
    c.push(0x5f + to.len() as u8);
    c.extend_from_slice(to);
    match how.gas {
        Some(g) => c.extend(push(u64::from(g))),
        None => c.push(0x5a),
    }
    c.push(how.op);
    // RETURNDATASIZE PUSH0 PUSH0 RETURNDATACOPY, PUSH1 1 ADD,
    // RETURNDATASIZE PUSH0 KECCAK256, SSTORE.
    c.extend_from_slice(&[
        0x3d, 0x5f, 0x5f, 0x3e, 0x60, 1, 0x01, 0x3d, 0x5f, 0x20, 0x55,
    ]);
    c
}

/// The address of precompile `id` as the bytes to push.
pub fn precompile(id: u16) -> Vec<u8> {
    if id > 0xff {
        id.to_be_bytes().to_vec()
    } else {
        vec![id as u8]
    }
}

/// P-256's group order n and field prime p, big-endian.
const P256_N: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
const P256_P: &str = "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff";

/// `n - v` for 32-byte big-endian values with `v ≤ n`.
fn sub_from(n: &[u8], v: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = i16::from(n[i]) - i16::from(v[i]) - borrow;
        borrow = i16::from(d < 0);
        out[i] = (d + 256 * borrow) as u8;
    }
    out
}

/// A P256VERIFY input `hash ‖ r ‖ s ‖ x ‖ y`, signed with a key from `seed`,
/// then broken as `kind` says (0–4 valid).
pub fn p256_input(seed: [u8; 32], hash: [u8; 32], kind: u8) -> Vec<u8> {
    let key = p256::ecdsa::SigningKey::from_bytes(&seed.into()).unwrap_or_else(|_| {
        let mut one = [0u8; 32];
        one[31] = 1;
        p256::ecdsa::SigningKey::from_bytes(&one.into()).expect("1 is a key")
    });
    let sig: p256::ecdsa::Signature = key.sign_prehash(&hash).expect("a 32-byte prehash");
    let point = key.verifying_key().to_encoded_point(false);
    let mut v = hash.to_vec();
    v.extend_from_slice(&sig.to_bytes());
    v.extend_from_slice(point.x().expect("not infinity"));
    v.extend_from_slice(point.y().expect("not infinity"));
    match kind % 16 {
        5 => v[7] ^= 0x10,
        6 => v[32..64].fill(0),
        7 => v[64..96].fill(0),
        8 => v[32..64].copy_from_slice(&hex(P256_N)),
        // The high-s twin: valid (EIP-7951 has no low-s rule).
        9 => {
            let s = sub_from(&hex(P256_N), &v[64..96]);
            v[64..96].copy_from_slice(&s);
        }
        // Off the curve.
        10 => v[159] ^= 1,
        // The point at infinity is not a key.
        11 => v[96..160].fill(0),
        // x ≥ p.
        12 => v[96..128].copy_from_slice(&hex(P256_P)),
        13 => {
            v.pop();
        }
        14 => v.push(0),
        15 => v.clear(),
        _ => {}
    }
    v
}

/// Breaks the encoded point `v` (field elements of 64 bytes) as `kind` says.
fn break_point(mut v: Vec<u8>, kind: u8) -> Vec<u8> {
    let last = v.len() - 1;
    match kind % 16 {
        // Off the curve (a bit of y flipped).
        2 => v[last] ^= 1,
        // x + p: the same residue, not canonical.
        3 => plus_p(&mut v, 0),
        // A padding byte set.
        4 => v[0] = 1,
        _ => {}
    }
    v
}

/// A G1 point: mostly a random multiple of the generator; at times infinity,
/// outside the subgroup, off the curve, non-canonical or badly padded.
fn g1(seed: &[u8; 32], kind: u8) -> Vec<u8> {
    let s = Fr::from_be_bytes_mod_order(seed);
    let v = match kind % 16 {
        0 => vec![0u8; 128],
        1 => encode_g1(&(g1_off_subgroup() * s).into_affine()).to_vec(),
        _ => encode_g1(&(G1Projective::generator() * s).into_affine()).to_vec(),
    };
    break_point(v, kind)
}

/// A G2 point, like [`g1`].
fn g2(seed: &[u8; 32], kind: u8) -> Vec<u8> {
    let s = Fr::from_be_bytes_mod_order(seed);
    let v = match kind % 16 {
        0 => vec![0u8; 256],
        1 => encode_g2(&(g2_off_subgroup() * s).into_affine()).to_vec(),
        _ => encode_g2(&(G2Projective::generator() * s).into_affine()).to_vec(),
    };
    break_point(v, kind)
}

/// An MSM scalar (any 32 bytes are valid; some edges).
fn scalar(seed: &[u8; 32], kind: u8) -> Vec<u8> {
    match kind % 6 {
        0 => vec![0u8; 32],
        1 => hex("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001"),
        2 => vec![0xff; 32],
        _ => seed.to_vec(),
    }
}

/// A 64-byte base-field element: random below p, or p − 1, p, a set padding byte, zero.
fn fp(seed: &[u8; 32], kind: u8) -> Vec<u8> {
    let mut v = vec![0u8; 16];
    match kind % 8 {
        0 => v.extend_from_slice(&hex(P)),
        1 => {
            let mut m = hex(P);
            m[47] -= 1;
            v.extend_from_slice(&m);
        }
        2 => {
            v[3] = 1;
            v.extend_from_slice(&[7u8; 48]);
        }
        3 => v.extend_from_slice(&[0u8; 48]),
        _ => {
            let mut b = bytes(seed, 48);
            b[0] %= 0x1a;
            v.extend_from_slice(&b);
        }
    }
    v
}

/// One input for BLS12-381 precompile `id` (0x0b–0x11) with `k` records:
/// parts drawn as `kinds` say, its length then changed as `len` says.
pub fn bls_input(id: u8, k: usize, seed: &[u8; 32], kinds: &[u8], len: u8) -> Vec<u8> {
    let kind = |i: usize| kinds.get(i % kinds.len().max(1)).copied().unwrap_or(5);
    let sub = |i: usize| keccak256(&[seed.as_slice(), &[i as u8]].concat());
    let mut v = Vec::new();
    match id {
        0x0b => (0..2).for_each(|i| v.extend(g1(&sub(i), kind(i)))),
        0x0d => (0..2).for_each(|i| v.extend(g2(&sub(i), kind(i)))),
        0x0c => (0..k).for_each(|i| {
            v.extend(g1(&sub(i), kind(i)));
            v.extend(scalar(&sub(i + 50), kind(i + 1)));
        }),
        0x0e => (0..k).for_each(|i| {
            v.extend(g2(&sub(i), kind(i)));
            v.extend(scalar(&sub(i + 50), kind(i + 1)));
        }),
        // Pairing: at kind 5 of the first part, e(aG1, G2)·e(−aG1, G2) = 1,
        // so the check answers 1; otherwise random pairs (answer 0).
        0x0f if kind(0) % 16 == 5 => {
            let a = Fr::from_be_bytes_mod_order(seed);
            let p = (G1Projective::generator() * a).into_affine();
            let q = encode_g2(&G2Projective::generator().into_affine());
            v.extend(encode_g1(&p));
            v.extend(q);
            v.extend(encode_g1(&(-p)));
            v.extend(q);
        }
        0x0f => (0..k).for_each(|i| {
            v.extend(g1(&sub(i), kind(i)));
            v.extend(g2(&sub(i + 50), kind(i + 1)));
        }),
        0x10 => v.extend(fp(seed, kind(0))),
        _ => {
            v.extend(fp(&sub(0), kind(0)));
            v.extend(fp(&sub(1), kind(1)));
        }
    }
    match len % 12 {
        0 => {
            v.pop();
        }
        1 => v.push(0),
        2 => v.clear(),
        _ => {}
    }
    v
}

/// A 32-byte big-endian length word.
fn word(v: u128, top: bool) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[16..].copy_from_slice(&v.to_be_bytes());
    if top {
        w[0] = 0x80;
    }
    w
}

/// An operand length for modexp: the EIP-7823 bound (1024) and its
/// neighbours, small and word-sized lengths; rarely beyond 64 bits.
pub fn modexp_len() -> impl Strategy<Value = (u128, bool)> {
    prop_oneof![
        3 => prop_oneof![Just(1023u128), Just(1024), Just(1025)].prop_map(|l| (l, false)),
        3 => prop_oneof![Just(0u128), Just(1), Just(31), Just(32), Just(33), Just(64)].prop_map(|l| (l, false)),
        2 => (0u128..200).prop_map(|l| (l, false)),
        1 => prop_oneof![Just((1u128 << 32, false)), Just((0, true)), Just((u128::MAX, false))],
    ]
}

/// An exponent length: mostly small (so that the EIP-7883 gas of a large
/// modulus stays payable), at times beyond 32 bytes or at the bound.
pub fn exp_len() -> impl Strategy<Value = (u128, bool)> {
    prop_oneof![
        6 => prop_oneof![Just(0u128), Just(1), Just(2), Just(32)].prop_map(|l| (l, false)),
        2 => (0u128..70).prop_map(|l| (l, false)),
        1 => modexp_len(),
    ]
}

/// A modexp input: the three length words, then base, exponent and modulus
/// (at most 1025 bytes each) drawn from `seed`, the exponent mostly small
/// (leading zeros, so the EIP-7883 gas stays payable); `cut` drops the tail
/// (the precompile reads missing bytes as zeros).
pub fn modexp_input(
    lens: [(u128, bool); 3],
    seed: &[u8; 32],
    exp_kind: u8,
    cut: Option<u16>,
) -> Vec<u8> {
    let mut v = Vec::new();
    for (l, top) in lens {
        v.extend_from_slice(&word(l, top));
    }
    let n = |i: usize| {
        if lens[i].1 {
            0
        } else {
            lens[i].0.min(1025) as usize
        }
    };
    v.extend(bytes(seed, n(0)));
    let mut e = bytes(&keccak256(seed), n(1));
    match exp_kind % 4 {
        // Only the last byte set.
        0 | 1 => {
            let keep = e.last().copied();
            e.fill(0);
            if let (Some(l), Some(b)) = (e.last_mut(), keep) {
                *l = b;
            }
        }
        2 => e.fill(0),
        _ => {}
    }
    v.extend(e);
    let mut m = bytes(&keccak256(&keccak256(seed)), n(2));
    if exp_kind % 8 == 7 {
        m.fill(0);
    }
    v.extend(m);
    if let Some(c) = cut {
        v.truncate(usize::from(c));
    }
    v
}

/// A call of one of the Osaka precompiles (P256VERIFY, BLS12-381, modexp)
/// or of any precompile with random bytes, as a code snippet.
pub fn precompile_call() -> impl Strategy<Value = Vec<u8>> {
    let p256 = (any::<[u8; 32]>(), any::<[u8; 32]>(), any::<u8>())
        .prop_map(|(seed, hash, kind)| (P256VERIFY, p256_input(seed, hash, kind)));
    let bls = (
        0x0bu8..=0x11,
        1usize..4,
        any::<[u8; 32]>(),
        prop::collection::vec(any::<u8>(), 1..4),
        any::<u8>(),
    )
        .prop_map(|(id, k, seed, kinds, len)| {
            (u16::from(id), bls_input(id, k, &seed, &kinds, len))
        });
    let modexp = (
        (modexp_len(), exp_len(), modexp_len()),
        any::<[u8; 32]>(),
        any::<u8>(),
        prop::option::weighted(0.2, 0u16..3200),
    )
        .prop_map(|((b, e, m), seed, k, cut)| (5u16, modexp_input([b, e, m], &seed, k, cut)));
    let random = (
        prop_oneof![
            1u16..=0x11,
            Just(P256VERIFY),
            Just(0x12),
            Just(0xff),
            Just(0x101)
        ],
        prop::collection::vec(any::<u8>(), 0..300),
    );
    (
        prop_oneof![2 => p256, 3 => bls, 2 => modexp, 1 => random],
        how(),
    )
        .prop_map(|((id, input), how)| call_with(&precompile(id), &input, how))
}
