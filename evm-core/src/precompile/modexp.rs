//! 0x05 modexp: EIP-2565 gas (Osaka: EIP-7883 gas and the EIP-7823 operand bound) over `aurora-engine-modexp`.

use super::{padded, Budget, GasUsed, Output, PrecompileError};
use crate::limits::MODEXP_MAX_OSAKA;
use crate::spec::Spec;

/// EIP-2565 (EIP-7883 and 7823 under Osaka) gas and the modular exponentiation itself.
///
/// Lengths are read as `u64` (saturating: a length above 2^64 costs more gas
/// than exists). Gas is checked first (out of gas is an EVM result), then the
/// step budget, then the operand bound: only lengths whose gas is paid and
/// which fit [`Budget::modexp_operand_bytes`] are allocated. A zero modulus
/// length gives an empty output and allocates nothing, whatever `bl` and `el`.
pub fn run(
    spec: Spec,
    input: &[u8],
    gas: u64,
    out: &mut Output<'_>,
    budget: &mut Budget,
) -> GasUsed {
    use crate::state::U256;
    let len = |off: usize| {
        let v = U256::from_be_bytes(padded::<32>(input, off));
        u64::try_from(v).unwrap_or(u64::MAX)
    };
    let (bl, el, ml) = (len(0), len(32), len(64));
    // EIP-7823 (Osaka): each operand at most 1024 bytes, else a failure
    // (all gas consumed) before any gas computation.
    if spec.is_osaka() && (bl > MODEXP_MAX_OSAKA || el > MODEXP_MAX_OSAKA || ml > MODEXP_MAX_OSAKA)
    {
        return Err(PrecompileError::Failure);
    }
    // The input from byte `off` (empty past its end or beyond `usize`).
    let from = |off: u64| {
        usize::try_from(off)
            .ok()
            .and_then(|o| input.get(o..))
            .unwrap_or(&[])
    };
    // Head of the exponent (its first 32 bytes) for the iteration count.
    let exp_start = 96u64.saturating_add(bl);
    let head_len = el.min(32) as usize;
    let mut head = [0u8; 32];
    {
        let src = from(exp_start);
        let n = src.len().min(head_len);
        head[32 - head_len..32 - head_len + n].copy_from_slice(&src[..n]);
    }
    let head = U256::from_be_bytes(head);
    let head_bits = head.bit_len() as u64;
    // Gas in u128 with checked products: a cost beyond u64 is out of gas
    // whatever the gas limit (saturating here would undercharge).
    // EIP-2565, and from Osaka EIP-7883: 16 (not 8) per exponent byte past
    // 32, complexity 16 up to 32 bytes else 2·words², no division by 3, 500 minimum.
    let per_byte: u128 = if spec.is_osaka() { 16 } else { 8 };
    let iterations = if el <= 32 {
        Some(u128::from(head_bits.saturating_sub(1)))
    } else {
        per_byte
            .checked_mul(u128::from(el - 32))
            .map(|i| i + u128::from(head_bits.saturating_sub(1)))
    }
    .map(|i| i.max(1));
    let max_len = bl.max(ml);
    let words = u128::from(max_len.div_ceil(8));
    let cost = if spec.is_osaka() {
        let complexity = if max_len <= 32 {
            Some(16)
        } else {
            words.checked_mul(words).and_then(|w| w.checked_mul(2))
        };
        iterations
            .and_then(|i| complexity?.checked_mul(i))
            .and_then(|c| u64::try_from(c).ok())
            .ok_or(PrecompileError::OutOfGas)?
            .max(500)
    } else if words == 0 {
        200
    } else {
        iterations
            .and_then(|i| words.checked_mul(words)?.checked_mul(i))
            .and_then(|c| u64::try_from(c / 3).ok())
            .ok_or(PrecompileError::OutOfGas)?
            .max(200)
    };
    budget.pay(cost, gas)?;
    if ml == 0 {
        return Ok(cost);
    }
    let bound = budget.modexp_operand_bytes as u64;
    if bl > bound || el > bound || ml > bound {
        return Err(PrecompileError::OperandTooLarge);
    }
    // All three fit the bound, itself a `usize`.
    let (bl, el, ml) = (bl as usize, el as usize, ml as usize);
    let read = |src: &[u8], n: usize| -> alloc::vec::Vec<u8> {
        let mut v = alloc::vec![0u8; n];
        let k = src.len().min(n);
        v[..k].copy_from_slice(&src[..k]);
        v
    };
    let base = read(from(96), bl);
    let exp = read(from(exp_start), el);
    let modulus = read(from(exp_start.saturating_add(el as u64)), ml);
    let r = aurora_engine_modexp::modexp(&base, &exp, &modulus);
    let pad = ml.saturating_sub(r.len());
    for _ in 0..pad {
        out.push(0).map_err(|_| PrecompileError::Capacity)?;
    }
    let tail = r.get(r.len().saturating_sub(ml)..).unwrap_or(&[]);
    out.extend_from_slice(tail)
        .map_err(|_| PrecompileError::Capacity)?;
    Ok(cost)
}
