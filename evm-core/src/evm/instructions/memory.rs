//! MLOAD, MSTORE, MSTORE8, MCOPY and KECCAK256 over the frame's memory.

use crate::evm::machine::{Done, Machine};
use crate::gas;
use crate::primitives::{as_u64_sat, keccak256};
use crate::state::{u256_is_zero, U256};

/// A word's worth of bytes, for the expansion of MLOAD and MSTORE.
const WORD: U256 = U256::from_limbs([32, 0, 0, 0]);
/// One byte, for the expansion of MSTORE8.
const BYTE: U256 = U256::from_limbs([1, 0, 0, 0]);

/// MLOAD.
#[inline(always)]
pub(in crate::evm) fn mload(m: &mut Machine<'_>) -> Done {
    let off = *m.top();
    let (o, _) = m.expand(&off, &WORD)?;
    let mut w = [0u8; 32];
    w.copy_from_slice(&m.mem[o..o + 32]);
    *m.top() = U256::from_be_bytes(w);
    Ok(())
}

/// MSTORE.
#[inline(always)]
pub(in crate::evm) fn mstore(m: &mut Machine<'_>) -> Done {
    let off = m.pop();
    let v = m.pop();
    let (o, _) = m.expand(&off, &WORD)?;
    m.mem[o..o + 32].copy_from_slice(&v.to_be_bytes::<32>());
    Ok(())
}

/// MSTORE8: the low byte of the value.
#[inline(always)]
pub(in crate::evm) fn mstore8(m: &mut Machine<'_>) -> Done {
    let off = m.pop();
    let v = m.pop();
    let (o, _) = m.expand(&off, &BYTE)?;
    m.mem[o] = v.byte(0);
    Ok(())
}

/// MCOPY (EIP-5656): memory to memory, the ranges may overlap.
#[inline(always)]
pub(in crate::evm) fn mcopy(m: &mut Machine<'_>) -> Done {
    let dst = m.pop();
    let src = m.pop();
    let len = m.pop();
    m.charge(gas::copy_cost(as_u64_sat(&len)))?;
    if u256_is_zero(&len) {
        return Ok(());
    }
    let end = if dst > src { dst } else { src };
    let (e, l) = m.expand(&end, &len)?;
    m.work(gas::words(l as u64))?;
    // Both offsets are at most `end`, which fits memory.
    let (d, s) = if dst > src {
        (e, usize::try_from(as_u64_sat(&src)).unwrap_or(e))
    } else {
        (usize::try_from(as_u64_sat(&dst)).unwrap_or(e), e)
    };
    m.mem.copy_within(s..s + l, d);
    Ok(())
}

/// KECCAK256 of a memory range: 6 gas and a step a word.
#[inline(always)]
pub(in crate::evm) fn keccak(m: &mut Machine<'_>) -> Done {
    let off = m.pop();
    let len = *m.top();
    m.charge(gas::KECCAK_WORD.saturating_mul(gas::words(as_u64_sat(&len))))?;
    let (o, l) = m.expand(&off, &len)?;
    m.work(gas::words(l as u64))?;
    *m.top() = U256::from_be_bytes(keccak256(&m.mem[o..o + l]));
    Ok(())
}
