//! EIP-2537 encodings: 64-byte field elements, G1 and G2 points, 32-byte scalars.

use super::super::PrecompileError;
use ark_bls12_381::{Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::short_weierstrass::{Affine, SWCurveConfig};
use ark_ec::AffineRepr;
use ark_ff::{BigInt, PrimeField, Zero};

/// Bytes of an encoded base-field element (16 zero bytes, then 48 big-endian).
pub const FP_LEN: usize = 64;
/// Bytes of an encoded G1 point (`x ‖ y`).
pub const G1_LEN: usize = 2 * FP_LEN;
/// Bytes of an encoded G2 point (`x.c0 ‖ x.c1 ‖ y.c0 ‖ y.c1`).
pub const G2_LEN: usize = 4 * FP_LEN;
/// Bytes of an MSM scalar (big-endian, any 256-bit value).
pub const SCALAR_LEN: usize = 32;
/// Zero bytes in front of each field element.
const PAD: usize = 16;

const FAIL: PrecompileError = PrecompileError::Failure;

/// The `i`-th 64-byte field element of `b` (empty past its end: an error).
fn word(b: &[u8], i: usize) -> Result<&[u8; FP_LEN], PrecompileError> {
    b.get(i * FP_LEN..)
        .and_then(|s| s.first_chunk::<FP_LEN>())
        .ok_or(FAIL)
}

/// A base-field element: its 16 top bytes zero and its value below p.
pub fn fp(b: &[u8; FP_LEN]) -> Result<Fq, PrecompileError> {
    let (pad, value) = b.split_at(PAD);
    if pad.iter().any(|x| *x != 0) {
        return Err(FAIL);
    }
    let mut limbs = [0u64; 6];
    // Limb 0 is the least significant: the last 8 bytes.
    for (limb, chunk) in limbs.iter_mut().zip(value.rchunks_exact(8)) {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        *limb = u64::from_be_bytes(w);
    }
    // `from_bigint` refuses values >= p.
    Fq::from_bigint(BigInt::new(limbs)).ok_or(FAIL)
}

/// An Fp2 element `c0 ‖ c1` from the first 128 bytes of `b`.
pub fn fp2(b: &[u8]) -> Result<Fq2, PrecompileError> {
    Ok(Fq2::new(fp(word(b, 0)?)?, fp(word(b, 1)?)?))
}

/// A G1 point from the first 128 bytes of `b`: all zeros is the point at
/// infinity, anything else must lie on the curve (no subgroup check).
pub fn g1(b: &[u8]) -> Result<G1Affine, PrecompileError> {
    on_curve(fp(word(b, 0)?)?, fp(word(b, 1)?)?)
}

/// A G2 point from the first 256 bytes of `b`, as [`g1`].
pub fn g2(b: &[u8]) -> Result<G2Affine, PrecompileError> {
    on_curve(fp2(b)?, fp2(b.get(2 * FP_LEN..).ok_or(FAIL)?)?)
}

/// A G1 point that must also be in the prime-order subgroup (MSM, pairing).
pub fn g1_in_subgroup(b: &[u8]) -> Result<G1Affine, PrecompileError> {
    in_subgroup(g1(b)?)
}

/// A G2 point that must also be in the prime-order subgroup (MSM, pairing).
pub fn g2_in_subgroup(b: &[u8]) -> Result<G2Affine, PrecompileError> {
    in_subgroup(g2(b)?)
}

/// The point `(x, y)` of either curve: `(0, 0)` is the point at infinity,
/// anything else must lie on the curve.
fn on_curve<C: SWCurveConfig>(
    x: C::BaseField,
    y: C::BaseField,
) -> Result<Affine<C>, PrecompileError> {
    if x.is_zero() && y.is_zero() {
        return Ok(Affine::zero());
    }
    let p = Affine::new_unchecked(x, y);
    if p.is_on_curve() {
        Ok(p)
    } else {
        Err(FAIL)
    }
}

/// `p` (on its curve) if it is in the prime-order subgroup.
fn in_subgroup<C: SWCurveConfig>(p: Affine<C>) -> Result<Affine<C>, PrecompileError> {
    if p.is_in_correct_subgroup_assuming_on_curve() {
        Ok(p)
    } else {
        Err(FAIL)
    }
}

/// A scalar: any 32-byte big-endian integer, reduced modulo the group order
/// (sound because MSM points are checked to be in the subgroup).
pub fn scalar(b: &[u8]) -> Result<Fr, PrecompileError> {
    let s = b.first_chunk::<SCALAR_LEN>().ok_or(FAIL)?;
    Ok(Fr::from_be_bytes_mod_order(s))
}

/// Writes `x` as 16 zero bytes and 48 big-endian bytes.
fn put_fp(out: &mut [u8], x: &Fq) {
    let limbs = x.into_bigint().0;
    let value = out.get_mut(PAD..FP_LEN).unwrap_or_default();
    for (chunk, limb) in value.rchunks_exact_mut(8).zip(limbs) {
        chunk.copy_from_slice(&limb.to_be_bytes());
    }
}

/// The 128-byte encoding of `p` (all zeros at infinity).
pub fn encode_g1(p: &G1Affine) -> [u8; G1_LEN] {
    let mut out = [0u8; G1_LEN];
    if let Some((x, y)) = p.xy() {
        let (a, b) = out.split_at_mut(FP_LEN);
        put_fp(a, &x);
        put_fp(b, &y);
    }
    out
}

/// The 256-byte encoding of `p` (all zeros at infinity).
pub fn encode_g2(p: &G2Affine) -> [u8; G2_LEN] {
    let mut out = [0u8; G2_LEN];
    if let Some((x, y)) = p.xy() {
        for (w, v) in out.chunks_exact_mut(FP_LEN).zip([x.c0, x.c1, y.c0, y.c1]) {
            put_fp(w, &v);
        }
    }
    out
}
