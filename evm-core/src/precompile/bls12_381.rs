//! EIP-2537 BLS12-381 precompiles (0x0b–0x11, Prague), not yet dispatched by [`super::run`].
//!
//! Seven pure functions with the signature of every precompile here: they
//! clear `out`, check the input length, pay their gas ([`Budget::pay`]: out
//! of gas is an EVM result, then the step budget, a device limit) before any
//! work, then write the output and return the gas used. Every invalid input
//! is [`PrecompileError::Failure`]: the call fails and consumes all its gas.
//!
//! | address | function | input | gas | output |
//! |---|---|---|---|---|
//! | 0x0b | [`g1_add`] | 256 bytes: two G1 points | 375 | 128 bytes |
//! | 0x0c | [`g1_msm`] | k ≥ 1 records of 160 bytes (G1 point ‖ scalar) | [`msm_gas`] with 12000 and [`G1_MSM_DISCOUNT`] | 128 bytes |
//! | 0x0d | [`g2_add`] | 512 bytes: two G2 points | 600 | 256 bytes |
//! | 0x0e | [`g2_msm`] | k ≥ 1 records of 288 bytes (G2 point ‖ scalar) | [`msm_gas`] with 22500 and [`G2_MSM_DISCOUNT`] | 256 bytes |
//! | 0x0f | [`pairing_check`] | k ≥ 1 records of 384 bytes (G1 ‖ G2) | 32600·k + 37700 | 32 bytes, 1 or 0 |
//! | 0x10 | [`map_fp_to_g1`] | 64 bytes: an Fp element | 5500 | 128 bytes |
//! | 0x11 | [`map_fp2_to_g2`] | 128 bytes: an Fp2 element | 23800 | 256 bytes |
//!
//! Encodings: a field element is 64 bytes, 16 zero bytes and then its
//! 48-byte big-endian value, which must be below p; Fp2 is `c0 ‖ c1`; a
//! point is `x ‖ y` and must lie on its curve, all zeros being the point at
//! infinity. The MSMs and the pairing also require every point to be in the
//! prime-order subgroup (the additions do not). A scalar is any 32-byte
//! big-endian integer. The maps are the simplified SWU map to the 11-isogenous
//! (G1) or 3-isogenous (G2) curve, the isogeny and cofactor clearing (RFC 9380
//! `map_to_curve` then `clear_cofactor`, no hashing).
//!
//! Device limits: an MSM or pairing beyond [`BLS12_G1MSM_MAX_POINTS`],
//! [`BLS12_G2MSM_MAX_POINTS`] or [`BLS12_PAIRING_MAX_PAIRS`] (paid for) is
//! [`PrecompileError::Unsupported`], as is every call in a build without the
//! `bls12-381` feature once its length and gas are checked: the transaction
//! then ends with [`crate::Error::PrecompileUnavailable`], never an EVM result.

use super::{exact, put, word, Budget, GasUsed, Output, Precompile, PrecompileError};
use crate::limits::{BLS12_G1MSM_MAX_POINTS, BLS12_G2MSM_MAX_POINTS, BLS12_PAIRING_MAX_PAIRS};

mod gas;
pub use gas::*;

#[cfg(any(test, feature = "bls12-381"))]
pub(crate) mod encoding;
#[cfg(any(test, feature = "bls12-381"))]
mod ops;
#[cfg(any(test, feature = "bls12-381"))]
use ops as imp;

#[cfg(test)]
mod differential;
#[cfg(test)]
mod eest;
#[cfg(test)]
pub(crate) mod tests;

/// Bytes of an encoded G1 point.
pub const G1_POINT_LEN: usize = 128;
/// Bytes of an encoded G2 point.
pub const G2_POINT_LEN: usize = 256;
/// Bytes of one G1MSM record: a G1 point and a 32-byte scalar.
pub const G1_MSM_RECORD_LEN: usize = G1_POINT_LEN + 32;
/// Bytes of one G2MSM record: a G2 point and a 32-byte scalar.
pub const G2_MSM_RECORD_LEN: usize = G2_POINT_LEN + 32;
/// Bytes of one pairing record: a G1 point and a G2 point.
pub const PAIRING_RECORD_LEN: usize = G1_POINT_LEN + G2_POINT_LEN;

const FAIL: PrecompileError = PrecompileError::Failure;

/// BLS12_G1ADD (0x0b): the sum of two G1 points (on the curve, any subgroup).
pub fn g1_add(input: &[u8], gas: u64, out: &mut Output<'_>, budget: &mut Budget) -> GasUsed {
    Call::new(input, gas, out, budget).fixed(2 * G1_POINT_LEN, G1ADD_GAS, imp::g1_add)
}

/// BLS12_G2ADD (0x0d): the sum of two G2 points (on the curve, any subgroup).
pub fn g2_add(input: &[u8], gas: u64, out: &mut Output<'_>, budget: &mut Budget) -> GasUsed {
    Call::new(input, gas, out, budget).fixed(2 * G2_POINT_LEN, G2ADD_GAS, imp::g2_add)
}

/// BLS12_G1MSM (0x0c): `Σ sᵢ·Pᵢ` over k ≥ 1 records (points in G1's subgroup).
pub fn g1_msm(input: &[u8], gas: u64, out: &mut Output<'_>, budget: &mut Budget) -> GasUsed {
    let call = Call::new(input, gas, out, budget);
    let cost = |k| msm_gas(k, G1MUL_GAS, &G1_MSM_DISCOUNT);
    call.records(G1_MSM_RECORD_LEN, cost, BLS12_G1MSM_MAX_POINTS, imp::g1_msm)
}

/// BLS12_G2MSM (0x0e): `Σ sᵢ·Pᵢ` over k ≥ 1 records (points in G2's subgroup).
pub fn g2_msm(input: &[u8], gas: u64, out: &mut Output<'_>, budget: &mut Budget) -> GasUsed {
    let call = Call::new(input, gas, out, budget);
    let cost = |k| msm_gas(k, G2MUL_GAS, &G2_MSM_DISCOUNT);
    call.records(G2_MSM_RECORD_LEN, cost, BLS12_G2MSM_MAX_POINTS, imp::g2_msm)
}

/// BLS12_PAIRING_CHECK (0x0f): the 32-byte word 1 if `∏ e(Pᵢ, Qᵢ) = 1` over
/// k ≥ 1 pairs (both points in their subgroups), else 0.
pub fn pairing_check(input: &[u8], gas: u64, out: &mut Output<'_>, budget: &mut Budget) -> GasUsed {
    Call::new(input, gas, out, budget).records(
        PAIRING_RECORD_LEN,
        pairing_gas,
        BLS12_PAIRING_MAX_PAIRS,
        |i| imp::pairing_check(i).map(word),
    )
}

/// BLS12_MAP_FP_TO_G1 (0x10): the G1 point of one Fp element.
pub fn map_fp_to_g1(input: &[u8], gas: u64, out: &mut Output<'_>, budget: &mut Budget) -> GasUsed {
    Call::new(input, gas, out, budget).fixed(64, MAP_FP_TO_G1_GAS, imp::map_fp_to_g1)
}

/// BLS12_MAP_FP2_TO_G2 (0x11): the G2 point of one Fp2 element.
pub fn map_fp2_to_g2(input: &[u8], gas: u64, out: &mut Output<'_>, budget: &mut Budget) -> GasUsed {
    Call::new(input, gas, out, budget).fixed(128, MAP_FP2_TO_G2_GAS, imp::map_fp2_to_g2)
}

/// The precompile at `address` (0x0b–0x11), if it is one of the seven.
pub fn at(address: u16) -> Option<Precompile> {
    Some(match address {
        0x0b => g1_add,
        0x0c => g1_msm,
        0x0d => g2_add,
        0x0e => g2_msm,
        0x0f => pairing_check,
        0x10 => map_fp_to_g1,
        0x11 => map_fp2_to_g2,
        _ => return None,
    })
}

/// One call's arguments, and the two shapes of the seven precompiles.
struct Call<'c, 'o> {
    input: &'c [u8],
    gas: u64,
    out: &'c mut Output<'o>,
    budget: &'c mut Budget,
}

impl<'c, 'o> Call<'c, 'o> {
    fn new(input: &'c [u8], gas: u64, out: &'c mut Output<'o>, budget: &'c mut Budget) -> Self {
        Self {
            input,
            gas,
            out,
            budget,
        }
    }

    /// Exactly `len` bytes at a fixed `cost`: checks the length, pays, runs `op`.
    fn fixed<const N: usize>(
        self,
        len: usize,
        cost: u64,
        op: impl FnOnce(&[u8]) -> Result<[u8; N], PrecompileError>,
    ) -> GasUsed {
        self.out.clear();
        exact(self.input, len)?;
        self.budget.pay(cost, self.gas)?;
        put(self.out, &op(self.input)?)?;
        Ok(cost)
    }

    /// k ≥ 1 records of `len` bytes for `cost(k)` gas (`None`: beyond `u64`,
    /// out of gas), at most `max` of them (a device limit, checked after the
    /// gas is paid), then runs `op`.
    fn records<const N: usize>(
        self,
        len: usize,
        cost: impl FnOnce(u64) -> Option<u64>,
        max: usize,
        op: impl FnOnce(&[u8]) -> Result<[u8; N], PrecompileError>,
    ) -> GasUsed {
        self.out.clear();
        let k = records(self.input, len)?;
        let cost = cost(k).ok_or(PrecompileError::OutOfGas)?;
        self.budget.pay(cost, self.gas)?;
        cap(k, max)?;
        put(self.out, &op(self.input)?)?;
        Ok(cost)
    }
}

/// The number k ≥ 1 of `len`-byte records that make up all of `input`.
fn records(input: &[u8], len: usize) -> Result<u64, PrecompileError> {
    if input.is_empty() || !input.len().is_multiple_of(len) {
        return Err(FAIL);
    }
    u64::try_from(input.len() / len).map_err(|_| FAIL)
}

/// A device limit: `k` above `max` (checked after the gas is paid).
fn cap(k: u64, max: usize) -> Result<(), PrecompileError> {
    if k > max as u64 {
        Err(PrecompileError::Unsupported)
    } else {
        Ok(())
    }
}

/// Without the `bls12-381` feature: every call is a device limit.
#[cfg(not(any(test, feature = "bls12-381")))]
mod imp {
    use super::{PrecompileError, G1_POINT_LEN, G2_POINT_LEN};
    const NO: PrecompileError = PrecompileError::Unsupported;
    pub fn g1_add(_: &[u8]) -> Result<[u8; G1_POINT_LEN], PrecompileError> {
        Err(NO)
    }
    pub fn g2_add(_: &[u8]) -> Result<[u8; G2_POINT_LEN], PrecompileError> {
        Err(NO)
    }
    pub fn g1_msm(_: &[u8]) -> Result<[u8; G1_POINT_LEN], PrecompileError> {
        Err(NO)
    }
    pub fn g2_msm(_: &[u8]) -> Result<[u8; G2_POINT_LEN], PrecompileError> {
        Err(NO)
    }
    pub fn pairing_check(_: &[u8]) -> Result<bool, PrecompileError> {
        Err(NO)
    }
    pub fn map_fp_to_g1(_: &[u8]) -> Result<[u8; G1_POINT_LEN], PrecompileError> {
        Err(NO)
    }
    pub fn map_fp2_to_g2(_: &[u8]) -> Result<[u8; G2_POINT_LEN], PrecompileError> {
        Err(NO)
    }
}
