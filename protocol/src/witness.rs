//! The state witness of a transaction: block values, EIP-1186 proofs (as indices into shared nodes) and codes.
//!
//! A witness is what a host sends with a transaction so that the device can
//! execute it on proven state. Every trie node appears once in
//! [`Witness::nodes`]; an account or storage proof is the list of its nodes'
//! one-byte indices, root first, exactly the `accountProof` / `storageProof`
//! arrays of an `eth_getProof` answer. Everything is postcard, borrowed from
//! the staged bytes, and bounded by [`crate::limits`]: about 5 KiB of
//! structure on a 32-bit target, whatever the input.
//!
//! The format says nothing about validity: the device checks each proof
//! against [`WitnessBlock::state_root`], that every node and code is used,
//! and that accounts and slots are not repeated.

use serde::{Deserialize, Serialize};

use crate::error::FrameError;
use crate::limits::{
    MAX_WITNESS_ACCOUNTS, MAX_WITNESS_BYTES, MAX_WITNESS_CODES, MAX_WITNESS_NODES,
    MAX_WITNESS_SLOTS,
};

/// The block values a transaction executes with, and the state root it is proven under.
///
/// All of it is supplied by the host (a later stage lets the device derive the
/// root); the device shows the number and the root as such.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct WitnessBlock {
    /// The state root the proofs are checked against (the pre-state of the transaction).
    pub state_root: [u8; 32],
    /// Block number.
    pub number: u64,
    /// Unix timestamp.
    pub timestamp: u64,
    /// Block gas limit.
    pub gas_limit: u64,
    /// Base fee per gas, big-endian.
    pub base_fee: [u8; 32],
    /// Fee recipient.
    pub coinbase: [u8; 20],
    /// PREVRANDAO (the header's mix hash).
    pub prev_randao: [u8; 32],
    /// Excess blob gas (gives the blob base fee).
    pub excess_blob_gas: u64,
    /// Chain id (must equal the transaction's).
    pub chain_id: u64,
}

/// One proven account: its address and its account proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct AccountProof<'a> {
    /// The account.
    pub address: [u8; 20],
    /// Indices into [`Witness::nodes`], state root first.
    pub proof: &'a [u8],
}

/// One proven storage slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SlotProof<'a> {
    /// Index into [`Witness::accounts`] of the slot's account.
    pub account: u8,
    /// The slot, big-endian.
    pub slot: [u8; 32],
    /// Indices into [`Witness::nodes`], storage root first.
    pub proof: &'a [u8],
}

/// A transaction's state witness (postcard; see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Witness<'a> {
    /// Block values and the state root.
    pub block: WitnessBlock,
    /// Every trie node the proofs use, once each (RLP-encoded).
    #[serde(borrow)]
    pub nodes: heapless::Vec<&'a [u8], MAX_WITNESS_NODES>,
    /// The proven accounts.
    #[serde(borrow)]
    pub accounts: heapless::Vec<AccountProof<'a>, MAX_WITNESS_ACCOUNTS>,
    /// The proven storage slots.
    #[serde(borrow)]
    pub slots: heapless::Vec<SlotProof<'a>, MAX_WITNESS_SLOTS>,
    /// The code of every proven account that has code.
    #[serde(borrow)]
    pub codes: heapless::Vec<&'a [u8], MAX_WITNESS_CODES>,
}

impl<'a> Witness<'a> {
    /// Decodes a witness that fills `bytes` exactly; longer than
    /// [`MAX_WITNESS_BYTES`] or over any list's capacity is an error.
    pub fn decode(bytes: &'a [u8]) -> Result<Self, FrameError> {
        if bytes.len() > MAX_WITNESS_BYTES {
            return Err(FrameError::Oversized {
                got: crate::frame::len_u32(bytes.len()),
                limit: crate::frame::len_u32(MAX_WITNESS_BYTES),
            });
        }
        crate::frame::decode_exact(bytes)
    }

    /// The nodes of a proof given by its indices, or `None` if one is out of range.
    pub fn node(&self, index: u8) -> Option<&'a [u8]> {
        self.nodes.get(usize::from(index)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Witness<'static> {
        let mut w = Witness {
            block: WitnessBlock {
                state_root: [1; 32],
                number: 20_000_000,
                timestamp: 1_700_000_000,
                gas_limit: 30_000_000,
                base_fee: [0; 32],
                coinbase: [0xc0; 20],
                prev_randao: [2; 32],
                excess_blob_gas: 0,
                chain_id: 1,
            },
            nodes: heapless::Vec::new(),
            accounts: heapless::Vec::new(),
            slots: heapless::Vec::new(),
            codes: heapless::Vec::new(),
        };
        w.nodes.push(&[0xc2, 0x80, 0x80]).unwrap();
        w.nodes.push(&[0xc1, 0x80]).unwrap();
        w.accounts
            .push(AccountProof {
                address: [7; 20],
                proof: &[0, 1],
            })
            .unwrap();
        w.slots
            .push(SlotProof {
                account: 0,
                slot: [3; 32],
                proof: &[1],
            })
            .unwrap();
        w.codes.push(&[0x60, 0x00]).unwrap();
        w
    }

    #[test]
    fn round_trip() {
        let w = sample();
        let bytes = postcard::to_allocvec(&w).unwrap();
        assert_eq!(Witness::decode(&bytes), Ok(w.clone()));
        assert_eq!(w.node(1), Some(&[0xc1, 0x80][..]));
        assert_eq!(w.node(2), None);
        // A trailing byte or a cut is refused.
        let mut long = bytes.clone();
        long.push(0);
        assert!(matches!(
            Witness::decode(&long),
            Err(FrameError::TrailingBytes { got: 1 })
        ));
        assert!(Witness::decode(&bytes[..bytes.len() - 1]).is_err());
    }

    #[test]
    fn oversized_and_over_capacity_are_refused() {
        let big = vec![0u8; MAX_WITNESS_BYTES + 1];
        assert!(matches!(
            Witness::decode(&big),
            Err(FrameError::Oversized { .. })
        ));
        // A node count above the capacity: postcard reads the length first and stops.
        let mut bytes = postcard::to_allocvec(&sample().block).unwrap();
        bytes.extend_from_slice(&[0xc1, 0x01]); // 193 nodes
        assert_eq!(Witness::decode(&bytes), Err(FrameError::Malformed));
    }

    proptest! {
        /// Arbitrary bytes: an error or a witness that re-encodes to the same bytes.
        #[test]
        fn decode_is_canonical_or_refuses(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let again = Witness::decode(&bytes).map(|w| postcard::to_allocvec(&w).unwrap());
            if let Ok(again) = again {
                prop_assert_eq!(again, bytes);
            }
        }

        /// Every single-byte change of a valid encoding decodes to something else or fails.
        #[test]
        fn changes_are_seen(at in any::<usize>(), delta in 1u8..=255) {
            let w = sample();
            let mut bytes = postcard::to_allocvec(&w).unwrap();
            let i = at % bytes.len();
            bytes[i] ^= delta;
            let same = Witness::decode(&bytes).map(|other| other == w);
            prop_assert_ne!(same, Ok(true));
        }
    }
}
