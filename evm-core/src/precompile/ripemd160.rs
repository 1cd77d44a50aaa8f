//! 0x03 ripemd160 (`ripemd`).

use super::{put, Budget, GasUsed, Output};
use crate::gas::words;

/// RIPEMD-160 of `input`, left-padded to 32 bytes: 600 gas and 120 per word.
pub fn run(input: &[u8], gas: u64, out: &mut Output<'_>, budget: &mut Budget) -> GasUsed {
    use ripemd::Digest;
    let cost = 600 + 120 * words(input.len() as u64);
    budget.pay(cost, gas)?;
    let h = ripemd::Ripemd160::digest(input);
    put(out, &[0u8; 12])?;
    put(out, &h)?;
    Ok(cost)
}
