//! Precompiled contracts 0x01–0x0a.

use crate::buf::SliceVec;
use crate::gas::words;
use crate::state::Address;

/// Highest precompile address in Cancun (0x0a, KZG point evaluation).
pub const LAST_PRECOMPILE: u8 = 0x0a;

/// The precompile number of `address` if it is one (1..=10).
#[inline]
pub fn precompile_id(address: &Address) -> Option<u8> {
    let (head, last) = address.split_at(19);
    let id = *last.first()?;
    if head.iter().all(|b| *b == 0) && (1..=LAST_PRECOMPILE).contains(&id) {
        Some(id)
    } else {
        None
    }
}

/// Whether `address` is a precompile.
#[inline]
pub fn is_precompile(address: &Address) -> bool {
    precompile_id(address).is_some()
}

/// Why a precompile failed (the call consumes all its gas).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrecompileError {
    /// Not enough gas.
    OutOfGas,
    /// Invalid input.
    Failure,
    /// The output does not fit the return-data buffer.
    Capacity,
    /// Not available in this build.
    Unsupported,
}

/// Runs precompile `id` on `input` with `gas` available; writes the output to
/// `out` (cleared first) and returns the gas used.
pub fn run(
    id: u8,
    input: &[u8],
    gas: u64,
    out: &mut SliceVec<'_, u8>,
) -> Result<u64, PrecompileError> {
    out.clear();
    match id {
        4 => {
            let cost = 15 + 3 * words(input.len() as u64);
            charge(cost, gas)?;
            out.extend_from_slice(input)
                .map_err(|_| PrecompileError::Capacity)?;
            Ok(cost)
        }
        _ => Err(PrecompileError::Unsupported),
    }
}

#[inline]
fn charge(cost: u64, gas: u64) -> Result<(), PrecompileError> {
    if cost > gas {
        Err(PrecompileError::OutOfGas)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        let mut a = [0u8; 20];
        assert_eq!(precompile_id(&a), None);
        a[19] = 4;
        assert_eq!(precompile_id(&a), Some(4));
        a[19] = 11;
        assert_eq!(precompile_id(&a), None);
        a[19] = 1;
        a[0] = 1;
        assert_eq!(precompile_id(&a), None);
    }

    #[test]
    fn identity() {
        let mut b = [0u8; 8];
        let mut out = SliceVec::new(&mut b);
        assert_eq!(run(4, &[1, 2, 3], 100, &mut out), Ok(18));
        assert_eq!(out.as_slice(), &[1, 2, 3]);
        assert_eq!(
            run(4, &[1, 2, 3], 17, &mut out),
            Err(PrecompileError::OutOfGas)
        );
    }
}
