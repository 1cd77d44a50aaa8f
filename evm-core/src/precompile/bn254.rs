//! 0x06–0x08 BN254 (alt_bn128) addition, multiplication and pairing check over `substrate-bn`.

use super::{padded, put, word, Budget, GasUsed, Output, PrecompileError};
use substrate_bn::{AffineG1, AffineG2, Fq, Fq2, Group, Gt, G1, G2};

fn fq(b: &[u8]) -> Result<Fq, PrecompileError> {
    Fq::from_slice(b).map_err(|_| PrecompileError::Failure)
}

fn g1(b: &[u8; 64]) -> Result<G1, PrecompileError> {
    let x = fq(&b[..32])?;
    let y = fq(&b[32..])?;
    if x.is_zero() && y.is_zero() {
        Ok(G1::zero())
    } else {
        AffineG1::new(x, y)
            .map(G1::from)
            .map_err(|_| PrecompileError::Failure)
    }
}

fn encode_g1(p: G1) -> [u8; 64] {
    let mut out = [0u8; 64];
    if let Some(a) = AffineG1::from_jacobian(p) {
        let _ = a.x().to_big_endian(&mut out[..32]);
        let _ = a.y().to_big_endian(&mut out[32..]);
    }
    out
}

fn pairing(input: &[u8]) -> Result<bool, PrecompileError> {
    let mut pairs = alloc::vec::Vec::with_capacity(input.len() / 192);
    for c in input.as_chunks::<192>().0 {
        let mut a = [0u8; 64];
        a.copy_from_slice(&c[..64]);
        let a = g1(&a)?;
        let x = Fq2::new(fq(&c[96..128])?, fq(&c[64..96])?);
        let y = Fq2::new(fq(&c[160..192])?, fq(&c[128..160])?);
        let b = if x.is_zero() && y.is_zero() {
            G2::zero()
        } else {
            G2::from(AffineG2::new(x, y).map_err(|_| PrecompileError::Failure)?)
        };
        pairs.push((a, b));
    }
    Ok(substrate_bn::pairing_batch(&pairs) == Gt::one())
}

/// Gas of BN254 addition (EIP-1108).
pub const ADD_GAS: u64 = 150;
/// Gas of BN254 scalar multiplication (EIP-1108).
pub const MUL_GAS: u64 = 6000;
/// BN254 pairing check: `PAIRING_BASE_GAS + PAIRING_PER_PAIR_GAS · k` (EIP-1108).
pub const PAIRING_BASE_GAS: u64 = 45_000;
/// See [`PAIRING_BASE_GAS`].
pub const PAIRING_PER_PAIR_GAS: u64 = 34_000;

/// 0x06: the sum of two G1 points (each zero-padded to 64 bytes).
pub fn add(input: &[u8], gas: u64, out: &mut Output<'_>, budget: &mut Budget) -> GasUsed {
    budget.pay(ADD_GAS, gas)?;
    let a = g1(&padded::<64>(input, 0))?;
    let b = g1(&padded::<64>(input, 64))?;
    put(out, &encode_g1(a + b))?;
    Ok(ADD_GAS)
}

/// 0x07: a G1 point times a scalar.
pub fn mul(input: &[u8], gas: u64, out: &mut Output<'_>, budget: &mut Budget) -> GasUsed {
    budget.pay(MUL_GAS, gas)?;
    let a = g1(&padded::<64>(input, 0))?;
    let k = padded::<32>(input, 64);
    let k = substrate_bn::Fr::from_slice(&k).map_err(|_| PrecompileError::Failure)?;
    put(out, &encode_g1(a * k))?;
    Ok(MUL_GAS)
}

/// 0x08: the word 1 if the product of the pairings of k 192-byte records is one, else 0.
pub fn pairing_check(input: &[u8], gas: u64, out: &mut Output<'_>, budget: &mut Budget) -> GasUsed {
    if !input.len().is_multiple_of(192) {
        return Err(PrecompileError::Failure);
    }
    let k = (input.len() / 192) as u64;
    let cost = PAIRING_BASE_GAS + PAIRING_PER_PAIR_GAS * k;
    budget.pay(cost, gas)?;
    put(out, &word(pairing(input)?))?;
    Ok(cost)
}
