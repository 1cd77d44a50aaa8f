//! Differential proptest of the EIP-2537 functions against revm-precompile's blst (C) backend.
//!
//! The oracle is revm-precompile 43 (the final EIP-2537, as revm 43 runs it
//! at Prague and Osaka) with its blst backend: outputs, accept/reject and gas
//! must all agree.
//! Random inputs are built valid (random multiples of the generators, the
//! point at infinity, random scalars) and then sometimes broken: a point
//! outside the subgroup, off the curve, a non-canonical or padded field
//! element, a flipped bit, a wrong length.
#![cfg(target_arch = "x86_64")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::encoding::{encode_g1, encode_g2};
use super::tests::{call, g1_off_subgroup, g2_off_subgroup, hex, plus_p};
use super::*;
use ark_bls12_381::{Fr, G1Projective, G2Projective};
use ark_ec::{CurveGroup, PrimeGroup};
use ark_ff::PrimeField;
use proptest::prelude::*;

/// What a precompile answers: its gas and output, or that it failed.
fn ours(f: Call, input: &[u8]) -> Option<(u64, Vec<u8>)> {
    call(f, input, u64::MAX).ok()
}

fn theirs(f: Oracle, input: &[u8]) -> Option<(u64, Vec<u8>)> {
    f(input, u64::MAX)
        .ok()
        .map(|o| (o.gas_used, o.bytes.to_vec()))
}

/// A revm-precompile 43 BLS12-381 function.
type Oracle = fn(&[u8], u64) -> revm_precompile::interface::EthPrecompileResult;

use super::tests::Call;
use revm_precompile::bls12_381 as r;

/// One random G1 point encoding: mostly valid subgroup points.
fn g1_point(seed: [u8; 32], kind: u8) -> Vec<u8> {
    let s = Fr::from_be_bytes_mod_order(&seed);
    match kind % 16 {
        0 => vec![0u8; 128],
        1 => encode_g1(&(g1_off_subgroup() * s).into_affine()).to_vec(),
        _ => encode_g1(&(G1Projective::generator() * s).into_affine()).to_vec(),
    }
}

fn g2_point(seed: [u8; 32], kind: u8) -> Vec<u8> {
    let s = Fr::from_be_bytes_mod_order(&seed);
    match kind % 16 {
        0 => vec![0u8; 256],
        1 => encode_g2(&(g2_off_subgroup() * s).into_affine()).to_vec(),
        _ => encode_g2(&(G2Projective::generator() * s).into_affine()).to_vec(),
    }
}

fn scalar(seed: [u8; 32], kind: u8) -> Vec<u8> {
    let r = hex("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001");
    match kind % 8 {
        0 => vec![0u8; 32],
        1 => r,
        2 => vec![0xff; 32],
        _ => seed.to_vec(),
    }
}

/// Breaks `input` (whose field elements start at multiples of 64 in `fields`) one way.
fn mutate(mut input: Vec<u8>, fields: &[usize], how: u8, at: usize, byte: u8) -> Vec<u8> {
    let off = fields.get(at % fields.len().max(1)).copied().unwrap_or(0);
    match how % 10 {
        // Field element + p (non-canonical).
        0 if off + 64 <= input.len() => plus_p(&mut input, off),
        // A top (padding) byte set.
        1 if off + 64 <= input.len() => input[off + (at % 16)] = byte | 1,
        // A bit of the value flipped (usually off the curve).
        2 if off + 64 <= input.len() => input[off + 16 + at % 48] ^= 1 << (byte % 8),
        // One byte more or less, or nothing.
        3 => {
            input.pop();
        }
        4 => input.push(byte),
        5 => input.clear(),
        _ => {}
    }
    input
}

/// Offsets of the field elements of `k` records of `len` bytes whose first `points` bytes are field elements.
fn fields(k: usize, len: usize, points: usize) -> Vec<usize> {
    (0..k)
        .flat_map(|i| (0..points / 64).map(move |j| i * len + j * 64))
        .collect()
}

fn same(f: Call, p: Oracle, input: &[u8]) -> Result<(), TestCaseError> {
    let (a, b) = (ours(f, input), theirs(p, input));
    prop_assert_eq!(&a, &b, "input {}", zkevm_fixtures::hex::hex(input));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn additions_agree(
        seeds in proptest::array::uniform2(any::<[u8; 32]>()),
        kinds in any::<[u8; 2]>(), how in any::<u8>(), at in any::<usize>(), byte in any::<u8>(),
    ) {
        let input = [g1_point(seeds[0], kinds[0]), g1_point(seeds[1], kinds[1])].concat();
        let input = mutate(input, &fields(1, 256, 256), how, at, byte);
        same(g1_add, r::g1_add::g1_add, &input)?;
        let input = [g2_point(seeds[0], kinds[0]), g2_point(seeds[1], kinds[1])].concat();
        let input = mutate(input, &fields(1, 512, 512), how, at, byte);
        same(g2_add, r::g2_add::g2_add, &input)?;
    }

    #[test]
    fn msms_agree(
        recs in proptest::collection::vec((any::<[u8; 32]>(), any::<u8>(), any::<[u8; 32]>(), any::<u8>()), 1..6),
        how in any::<u8>(), at in any::<usize>(), byte in any::<u8>(),
    ) {
        let k = recs.len();
        let input: Vec<u8> = recs.iter()
            .flat_map(|(ps, pk, ss, sk)| [g1_point(*ps, pk | 2), scalar(*ss, *sk)].concat())
            .collect();
        // Off-subgroup points only through `how` (kind 1 sometimes).
        let input = mutate(input, &fields(k, 160, 128), how, at, byte);
        same(g1_msm, r::g1_msm::g1_msm, &input)?;
        let input: Vec<u8> = recs.iter()
            .flat_map(|(ps, pk, ss, sk)| [g2_point(*ps, *pk), scalar(*ss, *sk)].concat())
            .collect();
        let input = mutate(input, &fields(k, 288, 256), how, at, byte);
        same(g2_msm, r::g2_msm::g2_msm, &input)?;
    }

    #[test]
    fn pairings_agree(
        pairs in proptest::collection::vec((any::<[u8; 32]>(), any::<u8>(), any::<[u8; 32]>(), any::<u8>()), 1..4),
        balanced in any::<bool>(),
        how in any::<u8>(), at in any::<usize>(), byte in any::<u8>(),
    ) {
        let mut input: Vec<u8> = pairs.iter()
            .flat_map(|(a, ak, b, bk)| [g1_point(*a, *ak), g2_point(*b, *bk)].concat())
            .collect();
        if balanced {
            // Add e(-a·b·G1, G2) for the first pair so the product can be 1.
            let (a, _, b, _) = pairs[0];
            let s = Fr::from_be_bytes_mod_order(&a) * Fr::from_be_bytes_mod_order(&b);
            input.extend_from_slice(&encode_g1(&(-(G1Projective::generator() * s)).into_affine()));
            input.extend_from_slice(&encode_g2(&G2Projective::generator().into_affine()));
        }
        let k = input.len() / 384;
        let input = mutate(input, &fields(k, 384, 384), how, at, byte);
        same(pairing_check, r::pairing::pairing, &input)?;
    }

    #[test]
    fn maps_agree(
        u in any::<[u8; 48]>(), v in any::<[u8; 48]>(), small in any::<bool>(),
        how in any::<u8>(), at in any::<usize>(), byte in any::<u8>(),
    ) {
        // Mostly values below p: clear the top bits (p is just above 2^380).
        let (mut u, mut v) = (u, v);
        if small {
            u[0] &= 0x0f;
            v[0] &= 0x0f;
        }
        let e = |x: [u8; 48]| [vec![0u8; 16], x.to_vec()].concat();
        let input = mutate(e(u), &[0], how, at, byte);
        same(map_fp_to_g1, r::map_fp_to_g1::map_fp_to_g1, &input)?;
        let input = mutate([e(u), e(v)].concat(), &[0, 64], how, at, byte);
        same(map_fp2_to_g2, r::map_fp2_to_g2::map_fp2_to_g2, &input)?;
    }

    #[test]
    fn random_bytes_agree(input in proptest::collection::vec(any::<u8>(), 0..600), id in 0usize..7) {
        let oracle = [
            r::g1_add::g1_add, r::g1_msm::g1_msm, r::g2_add::g2_add, r::g2_msm::g2_msm,
            r::pairing::pairing, r::map_fp_to_g1::map_fp_to_g1, r::map_fp2_to_g2::map_fp2_to_g2,
        ];
        let f = super::tests::ALL[id].1;
        same(f, oracle[id], &input)?;
    }
}
