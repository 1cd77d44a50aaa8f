//! The one error type of this crate: malformed RLP, bad trie nodes, failed proofs, full buffers.

use core::fmt;

use crate::types::B256;

/// Everything that can go wrong while decoding, verifying or updating state.
///
/// Every variant is `Copy` and carries no heap data, so it can cross the
/// device boundary and be logged with `defmt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Error {
    /// The input ended inside an item.
    UnexpectedEnd {
        /// Bytes available.
        got: usize,
        /// Bytes the header announced.
        expected: usize,
    },
    /// Bytes follow a complete item where none were expected.
    TrailingBytes {
        /// Number of unread bytes.
        got: usize,
    },
    /// A single byte below `0x80` was wrapped in a string header.
    NonCanonicalSingleByte,
    /// A length (or a scalar) was encoded with a leading zero byte.
    LeadingZero,
    /// The long form was used for a length that fits the short form.
    NonMinimalLength {
        /// The announced length.
        got: usize,
    },
    /// A length does not fit the address space.
    LengthOverflow,
    /// A list was found where a byte string was expected.
    ExpectedBytes,
    /// A byte string was found where a list was expected.
    ExpectedList,
    /// Lists are nested deeper than the decoder's bounded stack.
    TooDeep {
        /// The bound that was hit.
        limit: usize,
    },
    /// A scalar is wider than its type.
    ScalarTooLarge {
        /// Bytes in the encoding.
        got: usize,
        /// Largest accepted width.
        expected: usize,
    },
    /// An output buffer or arena is full.
    BufferFull {
        /// Capacity of the buffer.
        capacity: usize,
    },
    /// A trie key is longer than [`crate::limits::MAX_KEY_BYTES`].
    KeyTooLong {
        /// Bytes in the key.
        got: usize,
        /// Largest accepted key.
        expected: usize,
    },
    /// A value is longer than [`crate::limits::MAX_VALUE_BYTES`] (or empty where it must not be).
    BadValueLength {
        /// Bytes in the value.
        got: usize,
        /// Largest accepted value.
        expected: usize,
    },
    /// A trie node is not a 2- or 17-item list of the right shapes.
    InvalidNode {
        /// Items in the node list.
        items: usize,
    },
    /// A trie node is larger than [`crate::limits::MAX_NODE_BYTES`].
    NodeTooLarge {
        /// Bytes in the node.
        got: usize,
        /// Largest accepted node.
        expected: usize,
    },
    /// An internal node index or pool offset points outside the arena (a bug, never input).
    InvalidLink,
    /// A hex-prefix (compact) path has a bad flag nibble or padding.
    InvalidPath,
    /// A child reference is neither empty, a 32-byte hash nor an inline node under 32 bytes.
    InvalidReference {
        /// Length of the reference item.
        got: usize,
    },
    /// A proof node does not hash to the reference its parent (or the root) gives.
    HashMismatch {
        /// Index of the proof node.
        index: usize,
    },
    /// The proof ends before the key's path does.
    ProofIncomplete {
        /// Number of proof nodes consumed.
        got: usize,
    },
    /// The proof holds nodes after the path ended.
    UnusedProofNodes {
        /// Number of nodes not used.
        got: usize,
    },
    /// A walk needed more nodes than [`crate::limits::MAX_TRIE_DEPTH`].
    PathTooDeep {
        /// The bound that was hit.
        limit: usize,
    },
    /// An account RLP is not `[nonce, balance, storageRoot, codeHash]`.
    InvalidAccount,
    /// The proof's claim (value, address, slot) differs from what it proves.
    ProofValueMismatch,
    /// A trie walk reached a node the witness does not hold.
    MissingWitness {
        /// Hash of the missing node.
        hash: B256,
    },
    /// Code was asked for by a hash the state does not hold.
    MissingCode {
        /// The code hash.
        hash: B256,
    },
    /// Too many accounts or slots for the witness state's fixed tables.
    TooManyEntries {
        /// Capacity of the table.
        capacity: usize,
    },
    /// A block hash outside the state's known range was asked for.
    UnknownBlockHash {
        /// The block number.
        number: u64,
    },
    /// A streamed trie leaf's key sorts before the previous one (keys must increase).
    UnsortedKey,
    /// A streamed trie leaf repeats the previous key.
    DuplicateKey,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnexpectedEnd { got, expected } => {
                write!(f, "input ends after {got} bytes, item needs {expected}")
            }
            Self::TrailingBytes { got } => write!(f, "{got} bytes after the item"),
            Self::NonCanonicalSingleByte => write!(f, "single byte below 0x80 has a string header"),
            Self::LeadingZero => write!(f, "leading zero in a length or scalar"),
            Self::NonMinimalLength { got } => {
                write!(f, "length {got} uses the long form but fits the short one")
            }
            Self::LengthOverflow => write!(f, "length does not fit the address space"),
            Self::ExpectedBytes => write!(f, "expected a byte string, found a list"),
            Self::ExpectedList => write!(f, "expected a list, found a byte string"),
            Self::TooDeep { limit } => write!(f, "lists nested deeper than {limit}"),
            Self::ScalarTooLarge { got, expected } => {
                write!(f, "scalar of {got} bytes, at most {expected} accepted")
            }
            Self::BufferFull { capacity } => write!(f, "buffer of capacity {capacity} is full"),
            Self::KeyTooLong { got, expected } => {
                write!(f, "key of {got} bytes, at most {expected} accepted")
            }
            Self::BadValueLength { got, expected } => {
                write!(f, "value of {got} bytes, 1 to {expected} accepted")
            }
            Self::InvalidNode { items } => write!(f, "trie node with {items} items is malformed"),
            Self::NodeTooLarge { got, expected } => {
                write!(f, "trie node of {got} bytes, at most {expected} accepted")
            }
            Self::InvalidLink => write!(f, "internal trie link out of range"),
            Self::InvalidPath => write!(f, "malformed hex-prefix path"),
            Self::InvalidReference { got } => {
                write!(f, "child reference of {got} bytes is invalid")
            }
            Self::HashMismatch { index } => {
                write!(f, "proof node {index} does not match its reference")
            }
            Self::ProofIncomplete { got } => {
                write!(f, "proof ends after {got} nodes, path goes on")
            }
            Self::UnusedProofNodes { got } => write!(f, "{got} proof nodes after the path ended"),
            Self::PathTooDeep { limit } => write!(f, "trie path deeper than {limit} nodes"),
            Self::InvalidAccount => write!(f, "malformed account RLP"),
            Self::ProofValueMismatch => write!(f, "claimed value differs from the proven one"),
            Self::MissingWitness { hash } => {
                write!(f, "witness lacks trie node 0x")?;
                hex(f, hash)
            }
            Self::MissingCode { hash } => {
                write!(f, "no code with hash 0x")?;
                hex(f, hash)
            }
            Self::TooManyEntries { capacity } => write!(f, "table of {capacity} entries is full"),
            Self::UnknownBlockHash { number } => write!(f, "no hash known for block {number}"),
            Self::UnsortedKey => write!(f, "key sorts before the previous one"),
            Self::DuplicateKey => write!(f, "key repeats the previous one"),
        }
    }
}

fn hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    for b in bytes {
        write!(f, "{b:02x}")?;
    }
    Ok(())
}

impl core::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_missing_node() {
        let mut hash = [0u8; 32];
        hash[0] = 0xab;
        let text = Error::MissingWitness { hash }.to_string();
        assert!(text.starts_with("witness lacks trie node 0xab00"), "{text}");
        assert_eq!(
            Error::UnexpectedEnd {
                got: 1,
                expected: 3
            }
            .to_string(),
            "input ends after 1 bytes, item needs 3"
        );
    }
}
