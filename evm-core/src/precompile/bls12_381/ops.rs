//! The EIP-2537 operations over arkworks: additions, MSMs, the pairing check, the maps to curve.

use super::super::PrecompileError;
use super::encoding::{
    encode_g1, encode_g2, fp, fp2, g1, g1_in_subgroup, g2, g2_in_subgroup, scalar, G1_LEN, G2_LEN,
    SCALAR_LEN,
};
use crate::limits::{BLS12_MSM_CHUNK, BLS12_PAIRING_CHUNK};
use alloc::vec::Vec;
use ark_bls12_381::g1::Config as G1Config;
use ark_bls12_381::g2::Config as G2Config;
use ark_bls12_381::{Bls12_381, Fq12, Fr, G1Affine, G2Affine};
use ark_ec::hashing::curve_maps::wb::WBMap;
use ark_ec::hashing::map_to_curve_hasher::MapToCurve;
use ark_ec::pairing::{MillerLoopOutput, Pairing};
use ark_ec::short_weierstrass::{Affine, SWCurveConfig};
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{One, Zero};

const FAIL: PrecompileError = PrecompileError::Failure;

/// `a + b` of two G1 points given as 256 bytes (on the curve, any subgroup).
pub fn g1_add(input: &[u8]) -> Result<[u8; G1_LEN], PrecompileError> {
    Ok(encode_g1(&add(input, G1_LEN, g1)?))
}

/// `a + b` of two G2 points given as 512 bytes (on the curve, any subgroup).
pub fn g2_add(input: &[u8]) -> Result<[u8; G2_LEN], PrecompileError> {
    Ok(encode_g2(&add(input, G2_LEN, g2)?))
}

/// The sum of the two points of `point_len` bytes each in `input`, decoded by `decode`.
fn add<C: SWCurveConfig>(
    input: &[u8],
    point_len: usize,
    decode: impl Fn(&[u8]) -> Result<Affine<C>, PrecompileError>,
) -> Result<Affine<C>, PrecompileError> {
    let (a, b) = input.split_at_checked(point_len).ok_or(FAIL)?;
    Ok((decode(a)?.into_group() + decode(b)?).into_affine())
}

/// `Σ sᵢ·Pᵢ` over `input`, a whole number of `point ‖ scalar` records of
/// `point_len + 32` bytes, each point decoded (and subgroup-checked) by
/// `decode`. Points at infinity and zero scalars are validated, then left out.
///
/// Pippenger's method runs on [`BLS12_MSM_CHUNK`] records at a time and the
/// partial sums are added, so memory does not grow with the number of points.
fn msm<G>(
    input: &[u8],
    point_len: usize,
    decode: impl Fn(&[u8]) -> Result<G::MulBase, PrecompileError>,
) -> Result<G, PrecompileError>
where
    G: VariableBaseMSM<ScalarField = Fr>,
    G::MulBase: AffineRepr,
{
    let record = point_len + SCALAR_LEN;
    let n = (input.len() / record).min(BLS12_MSM_CHUNK);
    let mut bases = Vec::new();
    let mut scalars = Vec::new();
    bases
        .try_reserve_exact(n)
        .map_err(|_| PrecompileError::Unsupported)?;
    scalars
        .try_reserve_exact(n)
        .map_err(|_| PrecompileError::Unsupported)?;
    let mut sum = G::zero();
    for chunk in input.chunks(record * BLS12_MSM_CHUNK) {
        bases.clear();
        scalars.clear();
        for r in chunk.chunks_exact(record) {
            let (p, s) = r.split_at_checked(point_len).ok_or(FAIL)?;
            let p = decode(p)?;
            let s = scalar(s)?;
            if !p.is_zero() && !s.is_zero() {
                bases.push(p);
                scalars.push(s);
            }
        }
        if !bases.is_empty() {
            sum += G::msm(&bases, &scalars).map_err(|_| FAIL)?;
        }
    }
    Ok(sum)
}

/// BLS12_G1MSM over whole 160-byte records.
pub fn g1_msm(input: &[u8]) -> Result<[u8; G1_LEN], PrecompileError> {
    let r: ark_bls12_381::G1Projective = msm(input, G1_LEN, g1_in_subgroup)?;
    Ok(encode_g1(&r.into_affine()))
}

/// BLS12_G2MSM over whole 288-byte records.
pub fn g2_msm(input: &[u8]) -> Result<[u8; G2_LEN], PrecompileError> {
    let r: ark_bls12_381::G2Projective = msm(input, G2_LEN, g2_in_subgroup)?;
    Ok(encode_g2(&r.into_affine()))
}

/// Whether `∏ e(Pᵢ, Qᵢ) = 1` over whole 384-byte `P ‖ Q` records (both
/// points on the curve and in their subgroups).
///
/// Streams the records: pairs go through the Miller loop
/// [`BLS12_PAIRING_CHUNK`] at a time (each holds about 20 KB of line
/// coefficients while it runs), their outputs are multiplied, and one final
/// exponentiation ends it; memory does not grow with the number of pairs.
/// A pair with a point at infinity contributes 1 and is validated, then left out.
pub fn pairing_check(input: &[u8]) -> Result<bool, PrecompileError> {
    let mut ps = [G1Affine::zero(); BLS12_PAIRING_CHUNK];
    let mut qs = [G2Affine::zero(); BLS12_PAIRING_CHUNK];
    let mut n = 0;
    let mut f = Fq12::one();
    let mut any = false;
    let flush = |ps: &[G1Affine], qs: &[G2Affine], f: &mut Fq12| {
        *f *= Bls12_381::multi_miller_loop(ps.iter().copied(), qs.iter().copied()).0;
    };
    for r in input.chunks_exact(G1_LEN + G2_LEN) {
        let (a, b) = r.split_at_checked(G1_LEN).ok_or(FAIL)?;
        let p = g1_in_subgroup(a)?;
        let q = g2_in_subgroup(b)?;
        if p.is_zero() || q.is_zero() {
            continue;
        }
        if let (Some(ps_n), Some(qs_n)) = (ps.get_mut(n), qs.get_mut(n)) {
            *ps_n = p;
            *qs_n = q;
            n += 1;
        }
        if n == BLS12_PAIRING_CHUNK {
            flush(&ps, &qs, &mut f);
            any = true;
            n = 0;
        }
    }
    if n > 0 {
        flush(ps.get(..n).ok_or(FAIL)?, qs.get(..n).ok_or(FAIL)?, &mut f);
        any = true;
    }
    if !any {
        return Ok(true);
    }
    // `final_exponentiation` is `None` only for a zero Miller-loop output,
    // which a product of Miller loops of valid points is not.
    Ok(Bls12_381::final_exponentiation(MillerLoopOutput(f)).is_some_and(|e| e.0.is_one()))
}

/// BLS12_MAP_FP_TO_G1: the simplified SWU map to the 11-isogenous curve, the
/// isogeny, then cofactor clearing (RFC 9380 `map_to_curve` and
/// `clear_cofactor`, no hashing).
pub fn map_fp_to_g1(input: &[u8]) -> Result<[u8; G1_LEN], PrecompileError> {
    let u = fp(input.first_chunk().ok_or(FAIL)?)?;
    let p: G1Affine = WBMap::<G1Config>::map_to_curve(u).map_err(|_| FAIL)?;
    Ok(encode_g1(&p.clear_cofactor()))
}

/// BLS12_MAP_FP2_TO_G2: as [`map_fp_to_g1`] over Fp2 with the 3-isogeny.
pub fn map_fp2_to_g2(input: &[u8]) -> Result<[u8; G2_LEN], PrecompileError> {
    let u = fp2(input)?;
    let p: G2Affine = WBMap::<G2Config>::map_to_curve(u).map_err(|_| FAIL)?;
    Ok(encode_g2(&p.clear_cofactor()))
}
