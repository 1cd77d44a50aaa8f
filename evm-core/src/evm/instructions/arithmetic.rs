//! DIV to SIGNEXTEND: division, EXP and sign extension on 256-bit words (ADD, MUL, SUB, ADDMOD, MULMOD are ruint's, applied by `Machine::binary`/`ternary`).

use crate::evm::machine::{small, Done, Machine};
use crate::evm::{abs, is_neg};
use crate::gas;
use crate::primitives::as_u64_sat;
use crate::state::{u256_is_zero, U256};

/// DIV (0 for a zero divisor), in `u64` when both operands fit.
#[inline(always)]
pub(in crate::evm) fn div(a: U256, b: U256) -> U256 {
    match (small(&a), small(&b)) {
        (Some(x), Some(y)) => U256::from(x.checked_div(y).unwrap_or(0)),
        _ => div_wide(a, b),
    }
}

/// MOD (0 for a zero divisor), in `u64` when both operands fit.
#[inline(always)]
pub(in crate::evm) fn rem(a: U256, b: U256) -> U256 {
    match (small(&a), small(&b)) {
        (Some(x), Some(y)) => U256::from(x.checked_rem(y).unwrap_or(0)),
        _ => rem_wide(a, b),
    }
}

/// 256-bit division (0 for a zero divisor), kept out of line: inlined into
/// the dispatch loop it costs every other instruction registers.
#[inline(never)]
fn div_wide(a: U256, b: U256) -> U256 {
    a.checked_div(b).unwrap_or(U256::ZERO)
}

/// 256-bit remainder (0 for a zero divisor), out of line like [`div_wide`].
#[inline(never)]
fn rem_wide(a: U256, b: U256) -> U256 {
    a.checked_rem(b).unwrap_or(U256::ZERO)
}

/// SDIV: two's-complement division rounding toward zero (0 for a zero divisor).
#[inline(always)]
pub(in crate::evm) fn sdiv(a: U256, b: U256) -> U256 {
    if u256_is_zero(&b) {
        return U256::ZERO;
    }
    let q = div_wide(abs(a), abs(b));
    if is_neg(&a) != is_neg(&b) {
        q.wrapping_neg()
    } else {
        q
    }
}

/// SMOD: the remainder takes the dividend's sign (0 for a zero divisor).
#[inline(always)]
pub(in crate::evm) fn smod(a: U256, b: U256) -> U256 {
    if u256_is_zero(&b) {
        return U256::ZERO;
    }
    let r = rem_wide(abs(a), abs(b));
    if is_neg(&a) {
        r.wrapping_neg()
    } else {
        r
    }
}

/// EXP: 50 gas per byte of the exponent on top of the base cost.
#[inline(always)]
pub(in crate::evm) fn exp(m: &mut Machine<'_>) -> Done {
    let a = m.pop();
    let e = *m.top();
    let bytes = e.bit_len().div_ceil(8) as u64;
    m.charge(gas::EXP_BYTE * bytes)?;
    *m.top() = a.wrapping_pow(e);
    Ok(())
}

/// SIGNEXTEND: extends the sign of byte `b` (from the right) of `x`.
#[inline(always)]
pub(in crate::evm) fn signextend(b: U256, x: U256) -> U256 {
    if b < U256::from(31) {
        let bit = as_u64_sat(&b) as usize * 8 + 7;
        let mask = (U256::from(1) << bit) - U256::from(1);
        if x.bit(bit) {
            x | !mask
        } else {
            x & mask
        }
    } else {
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// SIGNEXTEND as the Yellow Paper states it, bit by bit.
    fn signextend_reference(b: U256, x: U256) -> U256 {
        if b >= U256::from(31) {
            return x;
        }
        let t = 256 - 8 * (as_u64_sat(&b) as usize + 1);
        let sign = x.bit(255 - t);
        let mut out = x;
        for i in (256 - t)..256 {
            out.set_bit(i, sign);
        }
        out
    }

    proptest! {
        #[test]
        fn signextend_matches_the_bitwise_definition(
            limbs in any::<[u64; 4]>(),
            b in prop_oneof![0u64..40, any::<u64>()],
            high in any::<bool>(),
        ) {
            let x = U256::from_limbs(limbs);
            let b = if high { U256::from(b) << 128 } else { U256::from(b) };
            prop_assert_eq!(signextend(b, x), signextend_reference(b, x));
        }
    }
}
