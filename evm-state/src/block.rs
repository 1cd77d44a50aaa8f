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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rlp::{put_bytes, put_list_header, to_vec};

    fn block(number: u64, state_root: B256) -> Vec<u8> {
        let mut fields: Vec<Vec<u8>> = vec![
            to_vec(&[0u8; 32]),      // parentHash
            to_vec(&[1u8; 32]),      // ommersHash
            to_vec(&[2u8; 20]),      // coinbase
            to_vec(&state_root),     // stateRoot
            to_vec(&[3u8; 32]),      // transactionsRoot
            to_vec(&[4u8; 32]),      // receiptsRoot
            to_vec(&[0u8; 256][..]), // logsBloom
            to_vec(&0u64),           // difficulty
            to_vec(&number),         // number
        ];
        fields.push(to_vec(&30_000_000u64)); // gasLimit: extra fields are ignored
        let header_payload: Vec<u8> = fields.concat();
        let mut header = Vec::new();
        put_list_header(&mut header, header_payload.len()).unwrap();
        header.extend(header_payload);
        let mut body = header.clone();
        body.extend([0xc0, 0xc0]); // no transactions, no uncles
        let mut out = Vec::new();
        put_list_header(&mut out, body.len()).unwrap();
        out.extend(body);
        out
    }

    #[test]
    fn finds_a_block_by_number() {
        let mut chain = block(1, [0x11; 32]);
        chain.extend(block(2, [0x22; 32]));
        let h = find_header(&chain, 2).unwrap().unwrap();
        assert_eq!(h.number, 2);
        assert_eq!(h.state_root, [0x22; 32]);
        assert_eq!(find_header(&chain, 3).unwrap(), None);
        // A truncated chain is an error, not a silent stop.
        assert!(find_header(&chain[..chain.len() - 1], 3).is_err());
        // A header with too few fields.
        let mut inner = Vec::new();
        put_list_header(&mut inner, 1).unwrap();
        put_bytes(&mut inner, &[1]).unwrap();
        let mut short = Vec::new();
        put_list_header(&mut short, inner.len() + 2).unwrap();
        short.extend(&inner);
        short.extend([0xc0, 0xc0]);
        assert_eq!(find_header(&short, 1), Err(Error::InvalidNode { items: 1 }));
    }
}
