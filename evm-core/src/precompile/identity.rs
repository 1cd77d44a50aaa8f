//! 0x04 identity: the input, copied.

use super::{put, Budget, GasUsed, Output};
use crate::gas::words;

/// `input` itself: 15 gas and 3 per word.
pub fn run(input: &[u8], gas: u64, out: &mut Output<'_>, budget: &mut Budget) -> GasUsed {
    let cost = 15 + 3 * words(input.len() as u64);
    budget.pay(cost, gas)?;
    put(out, input)?;
    Ok(cost)
}
