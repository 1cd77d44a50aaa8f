//! 0x02 sha256 (`sha2`).

use super::{put, Budget, GasUsed, Output};
use crate::gas::words;

/// SHA-256 of `input`: 60 gas and 12 per word.
pub fn run(input: &[u8], gas: u64, out: &mut Output<'_>, budget: &mut Budget) -> GasUsed {
    use sha2::Digest;
    let cost = 60 + 12 * words(input.len() as u64);
    budget.pay(cost, gas)?;
    put(out, &sha2::Sha256::digest(input))?;
    Ok(cost)
}
