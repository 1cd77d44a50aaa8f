//! LT to CLZ: comparisons, bitwise logic, BYTE and the shifts.

use crate::evm::{is_neg, SIGN};
use crate::primitives::as_u64_sat;
use crate::state::{u256_eq, u256_is_zero, U256};

/// A comparison's result as a word (1 or 0).
#[inline(always)]
fn flag(b: bool) -> U256 {
    U256::from(b as u8)
}

/// LT.
#[inline(always)]
pub(in crate::evm) fn lt(a: U256, b: U256) -> U256 {
    flag(a < b)
}

/// GT.
#[inline(always)]
pub(in crate::evm) fn gt(a: U256, b: U256) -> U256 {
    flag(a > b)
}

/// SLT: `a < b` as two's-complement numbers.
#[inline(always)]
pub(in crate::evm) fn slt(a: U256, b: U256) -> U256 {
    flag((a ^ SIGN) < (b ^ SIGN))
}

/// SGT: `a > b` as two's-complement numbers.
#[inline(always)]
pub(in crate::evm) fn sgt(a: U256, b: U256) -> U256 {
    flag((a ^ SIGN) > (b ^ SIGN))
}

/// EQ.
#[inline(always)]
pub(in crate::evm) fn eq(a: U256, b: U256) -> U256 {
    flag(u256_eq(&a, &b))
}

/// ISZERO.
#[inline(always)]
pub(in crate::evm) fn iszero(a: U256) -> U256 {
    flag(u256_is_zero(&a))
}

/// BYTE: byte `i` of `x`, counted from the most significant (0 past 31).
#[inline(always)]
pub(in crate::evm) fn byte(i: U256, x: U256) -> U256 {
    if i < U256::from(32) {
        U256::from(x.byte(31 - as_u64_sat(&i) as usize))
    } else {
        U256::ZERO
    }
}

/// SHL: `x << s` (0 from 256 on).
#[inline(always)]
pub(in crate::evm) fn shl(s: U256, x: U256) -> U256 {
    if s < U256::from(256) {
        x << (as_u64_sat(&s) as usize)
    } else {
        U256::ZERO
    }
}

/// SHR: `x >> s`, logical (0 from 256 on).
#[inline(always)]
pub(in crate::evm) fn shr(s: U256, x: U256) -> U256 {
    if s < U256::from(256) {
        x >> (as_u64_sat(&s) as usize)
    } else {
        U256::ZERO
    }
}

/// SAR: `x >> s`, arithmetic (all sign bits from 256 on).
#[inline(always)]
pub(in crate::evm) fn sar(s: U256, x: U256) -> U256 {
    let neg = is_neg(&x);
    if s < U256::from(256) {
        let s = as_u64_sat(&s) as usize;
        if neg {
            !((!x) >> s)
        } else {
            x >> s
        }
    } else if neg {
        U256::MAX
    } else {
        U256::ZERO
    }
}

/// CLZ (Osaka, EIP-7939): the leading zero bits of the word (256 for 0).
#[inline(always)]
pub(in crate::evm) fn clz(a: U256) -> U256 {
    U256::from(a.leading_zeros())
}
