//! Block headers in chain RLP: find a block by number in a concatenation of blocks and read its state root.

use crate::error::Error;
use crate::rlp::{self, Item};
use crate::types::{keccak256, B256};

/// What this crate reads from a block header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct HeaderInfo {
    /// Block number.
    pub number: u64,
    /// Root of the post-state.
    pub state_root: B256,
    /// Keccak-256 of the header RLP (the block hash).
    pub hash: B256,
}

/// Reads number, state root and hash from one header's RLP.
pub fn header_info(header: Item<'_>) -> Result<HeaderInfo, Error> {
    let mut fields = [Item::default(); 9];
    let mut n = 0;
    for f in header.list()?.take(9) {
        let slot = fields.get_mut(n).ok_or(Error::InvalidLink)?;
        *slot = f?;
        n += 1;
    }
    if n < 9 {
        return Err(Error::InvalidNode { items: n });
    }
    Ok(HeaderInfo {
        number: fields[8].u64()?,
        state_root: fields[3].array()?,
        hash: keccak256(header.raw()),
    })
}

/// Finds block `number` in `chain` (concatenated block RLPs `[header, txs, uncles, …]`).
///
/// Every block is decoded strictly; `None` if no block has that number.
pub fn find_header(chain: &[u8], number: u64) -> Result<Option<HeaderInfo>, Error> {
    let mut rest = chain;
    while !rest.is_empty() {
        let (block, tail) = rlp::decode_prefix(rest)?;
        rlp::validate(block.raw())?;
        let header = block.list()?.next().ok_or(Error::ExpectedList)??;
        let info = header_info(header)?;
        if info.number == number {
            return Ok(Some(info));
        }
        rest = tail;
    }
    Ok(None)
}
