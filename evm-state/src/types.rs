//! Shared value types (`U256`, `Address`, `B256`), keccak-256 (from `evm-core`) and the well-known empty hashes.

pub use evm_core::{keccak256, AccountInfo, Address, B256, KECCAK_EMPTY, U256};

/// Root of the empty trie: `keccak256(rlp(""))`.
pub const EMPTY_ROOT: B256 = [
    0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45, 0xe6, 0x92, 0xc0, 0xf8, 0x6e,
    0x5b, 0x48, 0xe0, 0x1b, 0x99, 0x6c, 0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_hashes_are_what_they_claim() {
        assert_eq!(keccak256(&[0x80]), EMPTY_ROOT);
        assert_eq!(keccak256(&[]), KECCAK_EMPTY);
        assert_ne!(keccak256(&[0x81]), EMPTY_ROOT);
    }
}
